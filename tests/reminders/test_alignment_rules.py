"""Quarterly alignment reminders: no session two weeks before the quarter, session coming a
week and a day before (with the current divergence agenda), undecided calls after a held
session; the session in the calendar feed; alignment health on the home page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from calibration.alignment.models import Bet, BetSheet, Call
from calibration.quarters import Quarter

from .helpers import london_nine, subjects, to

pytestmark = pytest.mark.django_db

D = date
LONDON = ZoneInfo("Europe/London")
LEADERS = ["ceo@acme.test", "cto@acme.test"]
Q2 = Quarter(2026, 2, 1)  # January fiscal year: FY26 Q2 is April–June 2026


@pytest.fixture
def leaders(ceo, cto, observer):
    return ceo, cto


def test_no_session_scheduled_two_weeks_before_the_quarter(org, leaders, run):
    assert run(london_nine(D(2026, 3, 17))) == []
    mails = run(london_nine(D(2026, 3, 18)))
    assert to(mails) == LEADERS
    assert subjects(mails) == ["[Acme] No alignment session scheduled for FY26 Q2 yet"]
    assert run(london_nine(D(2026, 3, 19))) == []


def test_a_scheduled_session_silences_the_no_session_reminder(org, leaders, ceo, run):
    with time_machine.travel(london_nine(D(2026, 3, 10)), tick=False):
        sheet = BetSheet.start(org, Q2, by=ceo)
        sheet.session_at = datetime(2026, 4, 2, 14, 0, tzinfo=LONDON)
        sheet.save_shared(by=ceo, expected_version=sheet.version)
    assert [
        m.subject for m in run(london_nine(D(2026, 3, 18))) if "No alignment" in m.subject
    ] == []


@pytest.fixture
def sheet(org, leaders, ceo, cto):
    with time_machine.travel(london_nine(D(2026, 3, 10)), tick=False):
        sheet = BetSheet.start(org, Q2, by=ceo)
        sheet.session_at = datetime(2026, 4, 2, 14, 0, tzinfo=LONDON)
        sheet.save_shared(by=ceo, expected_version=sheet.version)
        for side, title, by in [
            ("ceo", "Win the mid-market", ceo),
            ("cto", "Rewrite billing", cto),
        ]:
            Bet.create_shared(
                by=by,
                organization=org,
                sheet=sheet,
                side=side,
                title=title,
                expected_outcome="Something",
            )
    return sheet


def test_session_coming_a_week_and_a_day_before_with_the_divergence_agenda(sheet, run):
    sent = {
        day: m
        for day in [D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 31), D(2026, 4, 1), D(2026, 4, 2)]
        if (m := [x for x in run(london_nine(day)) if "session" in x.subject])
    }
    assert sorted(sent) == [D(2026, 3, 26), D(2026, 4, 1)]
    mail = sent[D(2026, 4, 1)][0]
    assert to(sent[D(2026, 4, 1)]) == LEADERS
    assert mail.subject == "[Acme] Alignment session FY26 Q2 on 2 Apr 2026, 14:00"
    assert "Divergence agenda:" in mail.body
    assert "Rewrite billing" in mail.body and "Win the mid-market" in mail.body


def held(sheet, ceo, on):
    with time_machine.travel(london_nine(on), tick=False):
        sheet.refresh_from_db()
        sheet.held_on = on
        sheet.save_shared(by=ceo, expected_version=sheet.version)


def test_undecided_calls_after_a_held_session_weekly_until_every_call_is_made(sheet, ceo, run):
    held(sheet, ceo, D(2026, 4, 2))
    sent = [d for d in [D(2026, 4, 3), D(2026, 4, 4), D(2026, 4, 10)] if run(london_nine(d))]
    assert sent == [D(2026, 4, 3), D(2026, 4, 10)]
    for bet in Bet.objects.filter(sheet=sheet):
        Call.create_shared(
            by=ceo,
            organization=sheet.organization,
            sheet=sheet,
            bet=bet,
            kind="continue" if bet.side == "cto" else "accepted",
            reason="Agreed",
            made_by=ceo,
            made_on=D(2026, 4, 11),
        )
    assert run(london_nine(D(2026, 4, 17))) == []


def test_the_feed_holds_the_session_as_a_timed_event(ceo_client, ceo, sheet):
    from calibration.reminders.models import CalendarFeed

    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    token = CalendarFeed.objects.get(user=ceo).token
    calendar = Calendar.from_ical(Client().get(f"/calendar/{token}.ics").content)
    event = next(
        e
        for e in calendar.walk("VEVENT")
        if str(e["uid"]) == f"alignmentsession-{sheet.pk}@calibrate"
    )
    assert str(event["summary"]) == "Quarterly alignment session FY26 Q2"
    assert event.decoded("dtstart") == datetime(2026, 4, 2, 14, 0, tzinfo=LONDON)


def test_the_home_says_when_no_session_was_held_this_quarter(ceo_client, leaders):
    home = ceo_client.get("/o/acme/").text
    assert "no alignment session held yet" in home
    assert "No alignment session this quarter" in home


def test_the_home_lists_the_undecided_calls_of_the_last_session(sheet, ceo, ceo_client):
    held(sheet, ceo, D(2026, 4, 2))
    home = ceo_client.get("/o/acme/").text
    assert "last session held 2 Apr 2026 (FY26 Q2)" in home
    assert "2 undecided calls from the FY26 Q2 session" in home
