"""Constraint reminders: the review at each planning cycle lists the constraints needing
review; a constraint's "revisit on" date reminds both leaders; the feed and the home."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from icalendar import Calendar

from calibration.constraints.models import Constraint

from .helpers import london_nine, subjects, to

pytestmark = pytest.mark.django_db

LEADERS = ["ceo@acme.test", "cto@acme.test"]


def make_constraint(org, by, **fields):
    values = dict(
        capability="Event pipeline throughput",
        metric="Sustained ingest rate",
        unit="events/s",
        direction="higher",
        current_value=Decimal("50000"),
        required_value=Decimal("200000"),
        demand_kind="partnership",
        demand="Globex partnership",
    )
    values.update(fields)
    return Constraint.create_shared(by=by, organization=org, **values)


def test_the_planning_cycle_review_lists_the_constraints_needing_review(org, cycle, ceo, cto, run):
    make_constraint(org, cto)
    make_constraint(org, cto, capability="SOC 2", decision="declined", decision_reason="No")
    mails = run(london_nine(cycle.starts_on))
    assert to(mails) == LEADERS
    body = mails[0].body
    assert "Open constraints:\n  - Event pipeline throughput" in body
    assert "SOC 2" not in body


def test_a_revisit_on_date_reminds_both_leaders_on_that_day(org, ceo, cto, run):
    make_constraint(org, cto, decision="revisit", revisit_on=date(2026, 6, 1))
    assert run(london_nine(date(2026, 5, 31))) == []
    mails = run(london_nine(date(2026, 6, 1)))
    assert to(mails) == LEADERS
    assert subjects(mails) == ["[Acme] Revisit today: Event pipeline throughput"]
    assert run(london_nine(date(2026, 6, 2))) == []


def test_the_feed_and_the_home_show_revisit_dates(org, ceo, cto, ceo_client):
    c = make_constraint(org, cto, decision="revisit", revisit_on=date(2026, 6, 1))
    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    from calibration.reminders.models import CalendarFeed

    token = CalendarFeed.objects.get(user=ceo).token
    calendar = Calendar.from_ical(Client().get(f"/calendar/{token}.ics").content)
    uids = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert uids[f"constraintrevisit-{c.pk}@calibrate"] == date(2026, 6, 1)


def test_the_home_shows_constraints_undecided_since_the_last_cycle_and_revisits_passed(
    org, ceo, cto, ceo_client
):
    from datetime import timedelta

    from calibration.models import PlanningCycle

    make_constraint(org, cto)
    make_constraint(
        org, cto, capability="SSO", decision="revisit", revisit_on=org.today() - timedelta(days=2)
    )
    PlanningCycle.create_shared(by=ceo, organization=org, name="Now", starts_on=org.today())
    home = ceo_client.get("/o/acme/").text
    assert "last reviewed at “Now”" in home
    assert "1 constraint still undecided since “Now”" in home
    assert "1 constraint past its “revisit on” date" in home
