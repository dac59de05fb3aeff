import datetime

import pytest

from calibration.integrations import delivery, vault
from calibration.integrations.models import IndicatorSource, TrackerConnection, WebhookEndpoint
from calibration.timeline.models import Initiative, LeadingIndicator, SlipPlanStep
from tests.integrations.loopback import Loopback

D = datetime.date
SECRET = "whsec-test-secret"


@pytest.fixture
def loopback():
    with Loopback() as server:
        yield server


@pytest.fixture
def sent_at_once(monkeypatch):
    """Claimed deliveries are sent in the test's own thread, not queued to a worker."""

    def send_now(claimed):
        for pk, token in claimed:
            try:
                delivery.deliver(pk, token)
            except delivery.RetryLater:
                pass

    monkeypatch.setattr(delivery, "queue_sends", send_now)
    return send_now


def make_endpoint(org, by, url, kind=WebhookEndpoint.GENERIC, **fields):
    return WebhookEndpoint.create_shared(
        by=by,
        organization=org,
        name=fields.pop("name", "Receiver"),
        kind=kind,
        url_hint=url[:40],
        url_secret=vault.encrypt(url),
        signing_secret=vault.encrypt(SECRET) if kind == WebhookEndpoint.GENERIC else "",
        **fields,
    )


@pytest.fixture
def initiative(org, ceo, cto):
    today = org.today()
    record = Initiative.create_shared(
        by=cto,
        organization=org,
        title="Payments platform",
        owner=cto,
        status=Initiative.Status.ACTIVE,
        start_date=today - datetime.timedelta(weeks=4),
        best_date=today + datetime.timedelta(weeks=6),
        expected_date=today + datetime.timedelta(weeks=10),
        worst_date=today + datetime.timedelta(weeks=16),
        commitment_date=today + datetime.timedelta(weeks=12),
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
def make_indicator(initiative, cto):
    def make(due_in_days=7, **fields):
        return LeadingIndicator.create_shared(
            by=cto,
            organization=initiative.organization,
            initiative=initiative,
            description=fields.pop("description", "Billing milestone shipped"),
            due_on=initiative.organization.today() + datetime.timedelta(days=due_in_days),
            if_missed="worst",
            **fields,
        )

    return make


def connect(org, by, service, base_url, token="secret-token", **fields):
    return TrackerConnection.create_shared(
        by=by,
        organization=org,
        service=service,
        api_url=base_url,
        token_hint=f"…{token[-4:]}",
        token_secret=vault.encrypt(token),
        **fields,
    )


def link(indicator, connection, reference, by, **fields):
    return IndicatorSource.create_shared(
        by=by,
        organization=indicator.organization,
        indicator=indicator,
        connection=connection,
        reference=reference,
        **fields,
    )


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """What beat runs, with the sends it queues after commit run as the test's commit."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return delivery.dispatch(**kwargs)

    return run
