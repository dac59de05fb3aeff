import datetime
import json

import pytest
from django.test import Client

from calibration.api.models import ApiToken
from calibration.timeline.models import Initiative, LeadingIndicator, SlipPlanStep

D = datetime.date


class Api:
    """A client of the API with one personal token."""

    def __init__(self, raw):
        self.client, self.raw = Client(), raw

    def url(self, path):
        return path if path.startswith("/api/") else f"/api/v1{path}"

    def headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"}

    def get(self, path):
        return self.client.get(self.url(path), **self.headers())

    def patch(self, path, body=None, raw_body=None):
        data = raw_body if raw_body is not None else json.dumps(body)
        return self.client.patch(
            self.url(path), data=data, content_type="application/json", **self.headers()
        )


def token_for(org, person, **fields):
    _token, raw = ApiToken.issue(organization=org, user=person, name="script", **fields)
    return Api(raw)


@pytest.fixture
def ceo_api(org, ceo):
    return token_for(org, ceo)


@pytest.fixture
def cto_api(org, cto):
    return token_for(org, cto)


@pytest.fixture
def observer_api(org, observer):
    return token_for(org, observer)


@pytest.fixture
def initiative(org, ceo, cto):
    record = Initiative.create_shared(
        by=cto,
        organization=org,
        title="Payments platform",
        owner=cto,
        status=Initiative.Status.ACTIVE,
        start_date=D(2027, 1, 4),
        best_date=D(2027, 3, 22),
        expected_date=D(2027, 5, 3),
        worst_date=D(2027, 6, 28),
        commitment_date=D(2027, 4, 1),
        commitment_audience="board",
    )
    SlipPlanStep.create_shared(
        by=ceo,
        organization=org,
        initiative=record,
        owner=ceo,
        audience="board",
        message="Tell the board.",
        days_after=2,
    )
    return record


@pytest.fixture
def indicator(initiative, cto):
    return LeadingIndicator.create_shared(
        by=cto,
        organization=initiative.organization,
        initiative=initiative,
        description="Data migration completed",
        due_on=D(2027, 2, 15),
        if_missed="worst",
    )
