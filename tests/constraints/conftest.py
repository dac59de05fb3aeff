from datetime import date, timedelta
from decimal import Decimal

import pytest

from calibration.constraints.models import Constraint, Direction, Path


def make_constraint(org, by, **fields):
    values = dict(
        capability="Event pipeline throughput",
        metric="Sustained ingest rate",
        unit="events/s",
        direction=Direction.HIGHER,
        current_value=Decimal("50000"),
        required_value=Decimal("200000"),
        needed_by=date(2027, 6, 1),
        demand_kind="partnership",
        demand="Globex partnership",
        tradeoff_people="Two platform engineers for two quarters",
    )
    values.update(fields)
    return Constraint.create_shared(by=by, organization=org, **values)


def make_path(constraint, by, **fields):
    values = dict(
        title="Shard the stream",
        description="Partitioned log",
        cost_money=Decimal("180000"),
        cost_people_months=Decimal("14"),
        weeks_expected=22,
    )
    values.update(fields)
    return Path.create_shared(
        by=by, organization=constraint.organization, constraint=constraint, **values
    )


@pytest.fixture
def constraint(org, cto, ceo):
    return make_constraint(org, cto)


def new_constraint_data(**changes):
    data = {
        "capability": "Event pipeline throughput",
        "metric": "Sustained ingest rate",
        "unit": "events/s",
        "direction": "higher",
        "current_value": "50,000",
        "required_value": "200,000",
        "needed_by": (date.today() + timedelta(days=200)).isoformat(),
        "demand_kind": "partnership",
        "demand": "Globex partnership",
        "demand_links": "",
        "tradeoff_people": "Two engineers",
        "tradeoff_initiatives": "",
        "tradeoff_debt": "",
        "tradeoff_pace": "",
        "version": "0",
    }
    data.update(changes)
    return data


def path_data(**changes):
    data = {
        "title": "Shard the stream",
        "description": "Partitioned log",
        "cost_money": "180,000",
        "cost_people_months": "14",
        "weeks_expected": "22",
        "weeks_best": "",
        "weeks_worst": "",
        "risks": "",
        "gives_up": "",
        "version": "0",
    }
    data.update(changes)
    return data
