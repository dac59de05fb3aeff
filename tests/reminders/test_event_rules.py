"""Reminders owed the moment something happens, not on a date: a slip plan that triggers
tells each action's owner at once; a moved commitment or estimate tells the other leader,
every move of the hour in one mail. Each exactly once, as preferences allow."""

from datetime import date, timedelta

import pytest
import time_machine

from calibration.reminders.models import ReminderPreference
from calibration.timeline.models import LeadingIndicator, SlipPlanStep
from tests.timeline.conftest import new_initiative

from .helpers import to, utc

pytestmark = pytest.mark.django_db

MOMENT = utc(2027, 2, 16, 14, 20)


@pytest.fixture
def active(org, cto):
    with time_machine.travel(MOMENT - timedelta(days=30), tick=False):
        return new_initiative(
            org,
            cto,
            status="active",
            commitment_date=date(2027, 5, 3),
            commitment_audience="board",
        )


def test_a_triggered_slip_plan_mails_each_action_owner_at_once(active, org, ceo, cto, run):
    SlipPlanStep.create_shared(
        by=ceo,
        organization=org,
        initiative=active,
        owner=ceo,
        audience="board",
        message="Tell the board the date is at risk.",
        days_after=3,
    )
    with time_machine.travel(MOMENT, tick=False):
        LeadingIndicator.create_shared(
            by=cto,
            organization=org,
            initiative=active,
            description="Vendor contract signed",
            due_on=date(2027, 2, 15),
            if_missed="worst",
            status="missed",
            resolved_on=date(2027, 2, 16),
        )

    mails = run(MOMENT + timedelta(seconds=30))

    assert to(mails) == ["ceo@acme.test"]
    assert mails[0].subject == "[Acme] Slip plan triggered: tell the board by 19 Feb 2027"
    assert "Leading indicator missed: “Vendor contract signed”." in mails[0].body
    assert run(MOMENT + timedelta(minutes=5)) == []


def test_moved_dates_tell_the_other_leader_once_an_hour_later(active, ceo, cto, run):
    with time_machine.travel(MOMENT, tick=False):
        active.worst_date = date(2027, 7, 19)
        active.save_shared(by=cto, expected_version=active.version, note="Vendor late")
    with time_machine.travel(MOMENT + timedelta(minutes=20), tick=False):
        active.expected_date = date(2027, 5, 24)
        active.save_shared(by=cto, expected_version=active.version, note="Scope added")

    assert run(MOMENT + timedelta(minutes=30)) == []
    mails = run(utc(2027, 2, 16, 15, 0, 30))

    assert to(mails) == ["ceo@acme.test"]
    assert mails[0].subject == "[Acme] Tom CTO moved dates of “Payments platform”"
    body = mails[0].body
    assert "Worst case: 28 Jun 2027 → 19 Jul 2027 — “Vendor late”" in body
    assert "Expected case: 3 May 2027 → 24 May 2027 — “Scope added”" in body
    assert run(utc(2027, 2, 16, 15, 10)) == []


def test_a_commitment_set_by_the_ceo_tells_the_cto(active, ceo, run):
    with time_machine.travel(MOMENT, tick=False):
        active.commitment_date = date(2027, 4, 26)
        active.save_shared(by=ceo, expected_version=active.version, note="Board asked")

    mails = run(utc(2027, 2, 16, 15, 1))

    assert to(mails) == ["cto@acme.test"]
    assert "External commitment: 3 May 2027 → 26 Apr 2027" in mails[0].body


def test_a_leader_who_muted_moved_dates_gets_no_mail(active, org, ceo, cto, run):
    ReminderPreference.create_shared(
        by=ceo, organization=org, user=ceo, muted_kinds=["dates_changed"]
    )
    with time_machine.travel(MOMENT, tick=False):
        active.worst_date = date(2027, 7, 19)
        active.save_shared(by=cto, expected_version=active.version, note="Vendor late")
    assert run(utc(2027, 2, 16, 15, 1)) == []
