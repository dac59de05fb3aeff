"""Who gets what, when: the 09:00 rule across time zones, recipients by role, preferences,
repetition, and lateness — with frozen time."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.models import Reminder, ReminderPreference

from .conftest import make_org

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def recipients():
    return sorted(m.to[0] for m in mail.outbox)


def test_nothing_before_0900_local_and_both_leaders_at_0900(cycle, leaders, run):
    run(utc(2026, 3, 2, 8, 59))
    assert mail.outbox == []
    run(utc(2026, 3, 2, 9, 0))
    assert recipients() == ["ceo@acme.test", "cto@acme.test"]  # not the observer


@pytest.mark.parametrize(
    "tz, first_minute_utc",
    [
        ("Europe/London", utc(2026, 3, 2, 9, 0)),
        ("Asia/Tokyo", utc(2026, 3, 2, 0, 0)),
        ("America/Los_Angeles", utc(2026, 3, 2, 17, 0)),
        ("Pacific/Kiritimati", utc(2026, 3, 1, 19, 0)),  # UTC+14: the day before in UTC
        ("Pacific/Pago_Pago", utc(2026, 3, 2, 20, 0)),  # UTC-11
    ],
)
def test_the_0900_rule_in_each_time_zone(tz, first_minute_utc, run):
    org, ceo, _ = make_org("zone", tz)
    PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 2))
    run(first_minute_utc - timedelta(minutes=1))
    assert mail.outbox == []
    run(first_minute_utc)
    assert len(mail.outbox) == 2
    assert Reminder.objects.get(recipient=ceo).due_at == first_minute_utc


def test_0900_follows_summer_time(run):
    """On the day London moves to BST, 09:00 local is 08:00 UTC."""
    org, ceo, _ = make_org("dst", "Europe/London")
    PlanningCycle.create_shared(by=ceo, organization=org, name="H1", starts_on=date(2026, 3, 29))
    run(utc(2026, 3, 29, 7, 59))
    assert mail.outbox == []
    run(utc(2026, 3, 29, 8, 0))
    assert len(mail.outbox) == 2


def test_dispatching_again_sends_nothing_twice(cycle, leaders, run):
    for minute in (0, 2, 4, 30):
        run(utc(2026, 3, 2, 9, minute))
    run(utc(2026, 3, 3, 9, 0))
    assert recipients() == ["ceo@acme.test", "cto@acme.test"]
    assert Reminder.objects.count() == 2
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}


def test_a_reminder_due_while_everything_was_down_goes_once_when_it_comes_back(cycle, leaders, run):
    run(utc(2026, 3, 3, 14, 0))  # down since before 09:00 on the 2nd
    run(utc(2026, 3, 3, 14, 2))
    assert recipients() == ["ceo@acme.test", "cto@acme.test"]


def test_a_reminder_more_than_the_grace_period_late_is_not_sent(cycle, leaders, run):
    run(utc(2026, 3, 6, 9, 1))  # grace is 3 days
    assert mail.outbox == []


def test_moving_the_cycle_to_a_later_day_reminds_again_on_that_day(cycle, leaders, ceo, run):
    run(utc(2026, 3, 2, 9, 0))
    cycle.starts_on = date(2026, 3, 9)
    cycle.save_shared(by=ceo, expected_version=cycle.version)
    run(utc(2026, 3, 5, 9, 0))
    assert len(mail.outbox) == 2
    run(utc(2026, 3, 9, 9, 0))
    assert len(mail.outbox) == 4


def test_each_company_hears_only_about_its_own_cycles(cycle, leaders, outsider, run):
    run(utc(2026, 3, 2, 9, 0))
    assert "olga@globex.test" not in recipients()


def test_a_member_who_turned_a_kind_off_does_not_get_it(org, cycle, leaders, cto, run):
    ReminderPreference.create_shared(
        by=cto, organization=org, user=cto, muted_kinds=["constraint_review"]
    )
    run(utc(2026, 3, 2, 9, 0))
    assert recipients() == ["ceo@acme.test"]


def test_unsubscribing_between_due_and_send_cancels_the_mail(org, cycle, leaders, cto, run):
    claimed = []
    run(utc(2026, 3, 2, 9, 0), queue=claimed.extend)  # claimed; not yet sent
    ReminderPreference.create_shared(
        by=cto, organization=org, user=cto, muted_kinds=["constraint_review"]
    )
    with time_machine.travel(utc(2026, 3, 2, 9, 1), tick=False):
        outcomes = [engine.deliver(pk, token) for pk, token in claimed]
    assert sorted(outcomes) == ["cancelled", "sent"]
    assert recipients() == ["ceo@acme.test"]


def test_a_deleted_cycle_cancels_its_pending_reminders(cycle, leaders, ceo, run):
    claimed = []
    run(utc(2026, 3, 2, 9, 0), queue=claimed.extend)
    cycle.delete_shared(by=ceo, expected_version=cycle.version)
    with time_machine.travel(utc(2026, 3, 2, 9, 1), tick=False):
        assert {engine.deliver(pk, t) for pk, t in claimed} == {"cancelled"}
    assert mail.outbox == []
