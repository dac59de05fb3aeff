"""Timeline reminders: checkpoints coming (per-organization lead days), due, overdue weekly
until marked; slip-plan actions to their owner on the day and to both leaders when overdue;
their calendar events and their health on the home page."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from calibration.reminders.models import ReminderSettings
from calibration.timeline.models import Initiative, LeadingIndicator, SlipAction, SlipPlanStep

from .helpers import london_nine, subjects, to

pytestmark = pytest.mark.django_db

D = date
DUE = D(2027, 2, 15)  # a Monday
LEADERS = ["ceo@acme.test", "cto@acme.test"]


@pytest.fixture
def initiative(org, ceo, cto, observer):
    return Initiative.create_shared(
        by=cto,
        organization=org,
        title="Payments platform",
        owner=cto,
        status="active",
        start_date=D(2027, 1, 4),
        best_date=D(2027, 3, 22),
        expected_date=D(2027, 5, 3),
        worst_date=D(2027, 6, 28),
    )


@pytest.fixture
def indicator(initiative, cto):
    return LeadingIndicator.create_shared(
        by=cto,
        organization=initiative.organization,
        initiative=initiative,
        description="Data migration completed",
        due_on=DUE,
        if_missed="worst",
    )


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def test_checkpoint_coming_7_and_1_days_before_then_due_on_the_day(indicator, run):
    sent = {day: run(london_nine(day)) for day in days(D(2027, 2, 1), DUE)}
    got = {day: subjects(mails) for day, mails in sent.items() if mails}
    assert got == {
        D(2027, 2, 8): [
            "[Acme] Checkpoint on 15 Feb 2027: Data migration completed (Payments platform)"
        ],
        D(2027, 2, 14): [
            "[Acme] Checkpoint on 15 Feb 2027: Data migration completed (Payments platform)"
        ],
        DUE: ["[Acme] Checkpoint due today: Data migration completed (Payments platform)"],
    }
    assert all(to(mails) == LEADERS for mails in sent.values() if mails)


def test_lead_days_are_a_per_organization_setting(org, indicator, cto, run):
    ReminderSettings.create_shared(by=cto, organization=org, checkpoint_lead_days="14, 3")
    sent = [day for day in days(D(2027, 1, 25), DUE - timedelta(days=1)) if run(london_nine(day))]
    assert sent == [D(2027, 2, 1), D(2027, 2, 12)]


def test_an_overdue_checkpoint_is_repeated_weekly_until_someone_marks_it(indicator, cto, run):
    run(london_nine(DUE))
    overdue = [d for d in days(DUE + timedelta(days=1), D(2027, 3, 3)) if run(london_nine(d))]
    assert overdue == [D(2027, 2, 16), D(2027, 2, 23), D(2027, 3, 2)]
    indicator.refresh_from_db()
    indicator.status, indicator.resolved_on, indicator.evidence = "met", D(2027, 3, 3), "Done"
    indicator.save_shared(by=cto, expected_version=indicator.version)
    later = [m.subject for d in days(D(2027, 3, 4), D(2027, 3, 20)) for m in run(london_nine(d))]
    assert [s for s in later if "heckpoint" in s] == []


def test_the_overdue_mail_names_the_checkpoint_and_goes_to_both_leaders(indicator, run):
    mails = run(london_nine(DUE + timedelta(days=1)))
    assert subjects(mails) == [
        "[Acme] Overdue checkpoint: Data migration completed (Payments platform)"
    ]  # not "coming" nor "due today" a day late: those expired
    assert to(mails) == LEADERS
    assert "was due on 15 Feb 2027" in mails[0].body
    assert f"/o/acme/timeline/{indicator.initiative_id}/" in mails[0].body


def test_a_checkpoint_marked_between_due_and_send_is_not_mailed(indicator, cto, run):
    claimed = []
    run(london_nine(DUE), queue=claimed.extend)
    indicator.refresh_from_db()
    indicator.status, indicator.resolved_on = "missed", DUE
    indicator.save_shared(by=cto, expected_version=indicator.version)
    from calibration.reminders import engine

    with time_machine.travel(london_nine(DUE) + timedelta(minutes=1), tick=False):
        assert {engine.deliver(pk, t) for pk, t in claimed} == {"cancelled"}


def test_checkpoints_of_proposed_initiatives_are_not_reminded(initiative, indicator, cto, run):
    initiative.refresh_from_db()
    initiative.status = "proposed"
    Initiative.objects.filter(pk=initiative.pk).update(status="proposed")
    assert run(london_nine(DUE)) == []


@pytest.fixture
def slip_action(initiative, indicator, ceo, cto, run):
    """Missing the indicator on 15 Feb triggers the slip plan: the CEO tells the board in 2 days
    (and hears so at once: that mail goes with the dispatch right after)."""
    SlipPlanStep.create_shared(
        by=ceo,
        organization=initiative.organization,
        initiative=initiative,
        owner=ceo,
        audience="board",
        message="Tell the board the date is at risk and what we do about it.",
        days_after=2,
    )
    with time_machine.travel(london_nine(DUE), tick=False):
        indicator.refresh_from_db()
        indicator.status, indicator.resolved_on = "missed", DUE
        indicator.save_shared(by=cto, expected_version=indicator.version)
    action = SlipAction.objects.get()
    assert action.due_on == D(2027, 2, 17)
    run(london_nine(DUE) + timedelta(minutes=1))
    return action


def test_a_slip_action_reminds_its_owner_on_its_due_date(slip_action, run):
    assert run(london_nine(D(2027, 2, 16))) == []
    mails = run(london_nine(D(2027, 2, 17)))
    assert to(mails) == ["ceo@acme.test"]
    assert mails[0].subject == "[Acme] Today: tell the board about “Payments platform”"
    assert "Tell the board the date is at risk" in mails[0].body


def test_an_overdue_slip_action_reminds_both_leaders_weekly_until_done(slip_action, ceo, run):
    run(london_nine(D(2027, 2, 17)))
    late = {d: to(m) for d in days(D(2027, 2, 18), D(2027, 3, 4)) if (m := run(london_nine(d)))}
    assert late == {D(2027, 2, 18): LEADERS, D(2027, 2, 25): LEADERS, D(2027, 3, 4): LEADERS}
    slip_action.refresh_from_db()
    slip_action.mark_done(by=ceo, expected_version=slip_action.version)
    assert run(london_nine(D(2027, 3, 11))) == []


def test_the_feed_holds_the_checkpoints_and_slip_actions_the_timeline_shows(
    ceo_client, ceo, slip_action, indicator
):
    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    from calibration.reminders.models import CalendarFeed

    token = CalendarFeed.objects.get(user=ceo).token
    calendar = Calendar.from_ical(Client().get(f"/calendar/{token}.ics").content)
    found = {
        str(e["uid"]): (str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")
    }
    assert found[f"checkpoint-{indicator.pk}@calibrate"] == (
        "Checkpoint: Data migration completed — Payments platform (missed)",
        DUE,
    )
    assert found[f"slipaction-{slip_action.pk}@calibrate"][1] == D(2027, 2, 17)
    page = ceo_client.get(f"/o/acme/timeline/{indicator.initiative_id}/").text
    assert "Data migration completed" in page


def test_the_home_shows_overdue_checkpoints_and_unacknowledged_timelines(
    ceo_client, org, initiative, cto
):
    late = org.today() - timedelta(days=3)
    LeadingIndicator.create_shared(
        by=cto,
        organization=org,
        initiative=initiative,
        description="Data migration completed",
        due_on=late,
    )
    home = ceo_client.get("/o/acme/").text
    assert "“Payments platform”: timeline not acknowledged by both" in home
    assert (
        f"Checkpoint “Data migration completed” (Payments platform) overdue since {late:%-d %b}"
    ) in home
