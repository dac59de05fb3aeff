"""A small, fixed history of delivered initiatives, written on the days it happened.

Every initiative has the timeline tests' dates — best 2027-03-22, expected 2027-05-03, worst
2027-06-28 — so P50 is 2027-05-05, P85 2027-05-26 and P95 2027-06-06.

* "Alpha": active from 2027-01-04 with the commitment 2027-05-10 (told the board that day);
  delivered 2027-05-03 — by P50, commitment met.
* "Beta": active from 2027-01-04; commitment 2027-04-26 told the partner on 2027-02-01;
  CEO and CTO acknowledge the gap on 02-02 and 02-03; on 04-01 the commitment moves to
  2027-06-14 ("Partner agreed to wait"), which clears both acknowledgements; delivered
  2027-06-01 — after P85, the commitment judged (04-26) missed by 5.1 weeks.
* "Gamma": active from 2027-01-04, no commitment; delivered 2027-07-12 — after the worst case.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from calibration.timeline.models import Initiative

D = datetime.date
P50, P85, P95 = D(2027, 5, 5), D(2027, 5, 26), D(2027, 6, 6)


def on(day):
    """Travel to 10:00 in London (acme's time zone) on `day`."""
    moment = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Europe/London"))
    return time_machine.travel(moment, tick=False)


def save(initiative, by, note="", **fields):
    fresh = Initiative.objects.get(pk=initiative.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save_shared(by=by, expected_version=fresh.version, note=note)
    return fresh


def acknowledge(initiative, by, role):
    fresh = Initiative.objects.get(pk=initiative.pk)
    fresh.acknowledge(by=by, role=role, expected_version=fresh.version)


def write_history(make_initiative, ceo, cto):
    with on(D(2027, 1, 4)):
        alpha = make_initiative(
            title="Alpha",
            status="active",
            commitment_date=D(2027, 5, 10),
            commitment_audience="board",
        )
        beta = make_initiative(title="Beta", status="active")
        gamma = make_initiative(title="Gamma", status="active")
    with on(D(2027, 2, 1)):
        save(
            beta,
            ceo,
            "Agreed with the partner",
            commitment_date=D(2027, 4, 26),
            commitment_audience="partner",
        )
    with on(D(2027, 2, 2)):
        acknowledge(beta, ceo, "ceo")
    with on(D(2027, 2, 3)):
        acknowledge(beta, cto, "cto")
    with on(D(2027, 4, 1)):
        save(beta, ceo, "Partner agreed to wait", commitment_date=D(2027, 6, 14))
    for item, day in ((alpha, D(2027, 5, 3)), (beta, D(2027, 6, 1)), (gamma, D(2027, 7, 12))):
        with on(day):
            save(item, cto, "Shipped", status="delivered", delivered_on=day)
    return alpha, beta, gamma
