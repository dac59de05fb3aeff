import datetime

import pytest

from calibration.timeline.models import Initiative, LeadingIndicator, SlipPlanStep

D = datetime.date


def new_initiative(org, cto, by=None, **fields):
    """An initiative of `org` owned by its CTO, with three plausible timelines."""
    values = {
        "organization": org,
        "title": "Payments platform",
        "owner": cto,
        "start_date": D(2027, 1, 4),
        "best_date": D(2027, 3, 22),
        "expected_date": D(2027, 5, 3),
        "worst_date": D(2027, 6, 28),
    }
    values.update(fields)
    return Initiative.create_shared(by=by or cto, **values)


@pytest.fixture
def make_initiative(org, cto):
    def make(by=None, **fields):
        return new_initiative(org, cto, by=by, **fields)

    return make


@pytest.fixture
def initiative(make_initiative):
    return make_initiative()


@pytest.fixture
def make_indicator(cto):
    def make(initiative, by=None, **fields):
        values = {
            "organization": initiative.organization,
            "initiative": initiative,
            "description": "Data migration completed",
            "due_on": D(2027, 2, 15),
            "if_missed": "worst",
        }
        values.update(fields)
        return LeadingIndicator.create_shared(by=by or cto, **values)

    return make


@pytest.fixture
def make_step(ceo):
    def make(initiative, by=None, **fields):
        values = {
            "organization": initiative.organization,
            "initiative": initiative,
            "owner": ceo,
            "audience": "board",
            "message": "Tell the board the date is at risk and what we do about it.",
            "days_after": 2,
        }
        values.update(fields)
        return SlipPlanStep.create_shared(by=by or ceo, **values)

    return make
