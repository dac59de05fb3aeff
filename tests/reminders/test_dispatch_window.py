"""A dispatch looks only at what fell due since the last one (a stored mark, minus an
overlap), so a tick's cost follows what is newly due, not every company's history — and
nothing due is ever skipped: not after an outage, not a record committed late."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calibration.comments.models import Comment
from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.models import DispatchMark, Reminder
from calibration.timeline.models import Initiative, LeadingIndicator

from .conftest import make_org

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def active_initiative(org, cto, start):
    return Initiative.create_shared(
        by=cto,
        organization=org,
        title="Platform",
        owner=cto,
        status="active",
        start_date=start,
        best_date=date(2026, 6, 1),
        expected_date=date(2026, 9, 1),
        worst_date=date(2026, 12, 1),
    )


def companies_with_history(count, start):
    """`count` companies, each with an active initiative whose checkpoints were due over the
    past year (some still pending: overdue) and a planning cycle every quarter."""
    for n in range(start, start + count):
        org, ceo, cto = make_org(f"hist{n}", "Europe/London")
        initiative = active_initiative(org, cto, start=date(2025, 1, 6))
        for week in range(1, 52, 5):
            LeadingIndicator.create_shared(
                by=cto,
                organization=org,
                initiative=initiative,
                description=f"Week {week}",
                due_week=week,
            )
        for month in (1, 4, 7, 10):
            PlanningCycle.create_shared(
                by=ceo, organization=org, name=f"Cycle {month}", starts_on=date(2025, month, 1)
            )


def quiet_tick_queries(hour=12):
    """The queries of a dispatch two minutes after the last, when nothing new is due."""
    engine.materialise(utc(2026, 3, 4, hour, 0))
    with CaptureQueriesContext(connection) as ctx:
        made = engine.materialise(utc(2026, 3, 4, hour, 2))
    assert made == 0
    return [q["sql"] for q in ctx.captured_queries]


def test_a_tick_with_nothing_new_inserts_nothing_and_makes_a_few_queries():
    companies_with_history(3, 0)
    queries = quiet_tick_queries()
    assert not [sql for sql in queries if sql.startswith("INSERT")]
    assert len(queries) <= 8


def test_a_tick_with_nothing_new_makes_the_same_queries_for_more_companies():
    companies_with_history(2, 0)
    few = quiet_tick_queries()
    companies_with_history(8, 10)
    assert len(quiet_tick_queries(hour=13)) == len(few)


def test_the_tick_that_reaches_a_days_0900_finds_what_is_due_that_day(run):
    org, ceo, _ = make_org("due", "Europe/London")
    PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    run(utc(2026, 3, 2, 8, 58))
    assert run(utc(2026, 3, 2, 9, 0)) != []
    assert run(utc(2026, 3, 2, 9, 2)) == []


def test_something_due_during_an_outage_is_sent_once_when_dispatching_resumes(run):
    org, ceo, _ = make_org("outage", "Europe/London")
    PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    run(utc(2026, 3, 1, 20, 0))  # the last tick before everything went down
    assert len(run(utc(2026, 3, 3, 14, 0))) == 2  # 09:00 on the 2nd fell in the outage
    assert run(utc(2026, 3, 3, 14, 2)) == []


def test_a_record_committed_after_a_tick_that_it_predates_is_found_by_the_next(run):
    """A comment stamped 09:59 whose transaction commits after the 10:00 tick read."""
    org, ceo, cto = make_org("late", "Europe/London")
    initiative = active_initiative(org, cto, start=date(2026, 1, 5))
    run(utc(2026, 3, 2, 10, 0))
    with time_machine.travel(utc(2026, 3, 2, 9, 59), tick=False):
        Comment.objects.create(
            organization=org, record=initiative, author=ceo, text="Look", mentions=[cto.pk]
        )
    assert [m.to for m in run(utc(2026, 3, 2, 10, 2))] == [[cto.email]]


def test_the_mark_only_moves_forward():
    engine.materialise(utc(2026, 3, 2, 10, 0))
    engine.materialise(utc(2026, 3, 1, 10, 0))  # a clock set back
    assert DispatchMark.objects.get().until == utc(2026, 3, 2, 10, 0)


def test_a_checkpoint_overdue_for_a_year_is_still_reminded_on_its_weekday(run):
    org, _, cto = make_org("old", "Europe/London")
    initiative = active_initiative(org, cto, start=date(2024, 12, 2))
    LeadingIndicator.create_shared(
        by=cto, organization=org, initiative=initiative, description="Old", due_on=date(2025, 3, 3)
    )  # a Monday: reminded every Tuesday since
    assert run(utc(2026, 3, 2, 9, 0)) == []  # a Monday
    mails = run(utc(2026, 3, 3, 9, 0))
    assert [m.subject for m in mails] == ["[Old] Overdue checkpoint: Old (Platform)"] * 2


def test_dispatching_twice_at_the_same_instant_makes_each_row_once(run):
    org, ceo, _ = make_org("twice", "Europe/London")
    PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    assert engine.materialise(utc(2026, 3, 2, 9, 0)) == 2
    assert engine.materialise(utc(2026, 3, 2, 9, 0)) == 0
    assert Reminder.objects.count() == 2
    assert mail.outbox == []
