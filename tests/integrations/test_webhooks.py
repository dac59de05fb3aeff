"""Outgoing webhooks, against a real HTTP receiver on loopback."""

import datetime
import json
from collections import Counter

import pytest
from django.utils import timezone

from calibration.alignment.models import Bet, BetSheet, Call
from calibration.constraints.models import Constraint, Decision, Path
from calibration.integrations import delivery, signing
from calibration.integrations.models import Delivery, WebhookEndpoint
from calibration.quarters import current_quarter
from tests.integrations.conftest import SECRET, make_endpoint

pytestmark = pytest.mark.django_db

EVERY_KIND = {
    "indicator.met",
    "indicator.missed",
    "slip_plan.triggered",
    "dates.changed",
    "gap.acknowledged",
    "session.due_tomorrow",
    "bet_sheet.closed",
    "decision.recorded",
}


def received(loopback):
    return [json.loads(r["body"]) for r in loopback.requests]


def one_of_each_event(org, ceo, cto, initiative, make_indicator):
    """Everything the leaders can do that is an event, done once each."""
    today = org.today()
    met = make_indicator(description="Pricing signed off")
    met.status, met.resolved_on, met.evidence = "met", today, "CFO's email"
    met.save_shared(by=cto, expected_version=met.version)
    missed = make_indicator(description="Migration done")
    missed.status, missed.resolved_on = "missed", today  # triggers the slip plan
    missed.save_shared(by=cto, expected_version=missed.version)
    initiative.refresh_from_db()
    initiative.worst_date += datetime.timedelta(weeks=2)
    initiative.save_shared(by=cto, expected_version=initiative.version, note="Vendor late")
    initiative.refresh_from_db()
    initiative.acknowledge(by=ceo, role="ceo", expected_version=initiative.version)
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)
    bet = Bet.create_shared(
        by=cto,
        organization=org,
        sheet=sheet,
        side="cto",
        title="Rewrite billing",
        expected_outcome="Usage pricing",
    )
    Call.create_shared(
        by=ceo,
        organization=org,
        sheet=sheet,
        bet=bet,
        kind="stop",
        reason="Not now",
        made_by=ceo,
        made_on=today,
    )
    sheet.held_on = today
    sheet.save_shared(by=ceo, expected_version=sheet.version)
    sheet.close(by=ceo, expected_version=sheet.version)
    upcoming = BetSheet.start(org, current_quarter(org).next(), by=ceo)
    upcoming.session_at = timezone.now() + datetime.timedelta(days=1, hours=1)
    upcoming.save_shared(by=ceo, expected_version=upcoming.version)
    constraint = Constraint.create_shared(
        by=cto,
        organization=org,
        capability="Ingest throughput",
        metric="Events per second",
        unit="events/s",
        direction="higher",
        current_value=5,
        required_value=20,
        demand_kind="partnership",
        demand="Globex",
        tradeoff_people="Two engineers",
    )
    path = Path.create_shared(
        by=cto,
        organization=org,
        constraint=constraint,
        title="Shard it",
        description="Partitioned log",
        weeks_expected=10,
        cost_money=1000,
    )
    constraint.refresh_from_db()
    constraint.decision, constraint.chosen_path = Decision.CHOSEN, path
    constraint.decision_reason = "Cheapest"
    constraint.record_decision(ceo)
    constraint.save_shared(by=ceo, expected_version=constraint.version)
    return upcoming


def test_each_event_kind_arrives_once_with_a_valid_signature(
    dispatch, org, ceo, cto, initiative, make_indicator, loopback, sent_at_once
):
    endpoint = make_endpoint(org, ceo, f"{loopback.url}/hook")
    # Added two days ago: the session's notice (09:00 today or tomorrow) comes after it.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    sheet = one_of_each_event(org, ceo, cto, initiative, make_indicator)
    # 09:00 the day before the session, where the company is: "session due tomorrow" is due.
    session_day = sheet.session_at.astimezone(org.tz).date()
    eve = datetime.datetime.combine(session_day, datetime.time(9, 1), tzinfo=org.tz)
    later = max(timezone.now(), eve - datetime.timedelta(days=1)) + datetime.timedelta(seconds=1)

    dispatch(now=later)
    dispatch(now=later + datetime.timedelta(minutes=1))  # beat again: nothing new

    kinds = Counter(event["type"] for event in received(loopback))
    assert set(kinds) == EVERY_KIND and set(kinds.values()) == {1}
    for request in loopback.requests:
        assert signing.verify(SECRET, request["body"], request["headers"]["X-Calibrate-Signature"])
        assert request["headers"]["X-Calibrate-Event-Id"] == json.loads(request["body"])["id"]


def test_a_receiver_failing_twice_then_succeeding_gets_the_event_exactly_once_more(
    dispatch, org, ceo, cto, make_indicator, loopback, client, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    endpoint = make_endpoint(org, ceo, f"{loopback.url}/hook")
    indicator = make_indicator()
    indicator.status, indicator.resolved_on = "missed", org.today()
    indicator.save_shared(by=cto, expected_version=1)
    loopback.statuses = [500, 503]
    claims = []

    dispatch(queue=claims.extend)
    outcomes = []
    pk, token = [c for c in claims if Delivery.objects.get(pk=c[0]).kind == "indicator.missed"][0]
    for _ in range(3):
        try:
            outcomes.append(delivery.deliver(pk, token))
        except delivery.RetryLater as later:
            outcomes.append("retry")
            token = later.token
            Delivery.objects.filter(pk=pk).update(due_at=timezone.now())
    dispatch(queue=claims.extend)  # a later beat finds nothing left to send

    missed = [r for r in received(loopback) if r["type"] == "indicator.missed"]
    assert outcomes == ["retry", "retry", "delivered"]
    assert len(missed) == 3 and len({r["id"] for r in missed}) == 1
    assert Delivery.objects.get(pk=pk).state == Delivery.DELIVERED
    client.force_login(ceo)
    page = client.get(f"/o/{org.slug}/integrations/webhooks/{endpoint.pk}/").content.decode()
    assert page.count("HTTP 500") == 1 and page.count("HTTP 503") == 1
    assert page.count("HTTP 200") == 1


def test_the_same_send_task_run_twice_sends_once(dispatch, org, ceo, cto, make_indicator, loopback):
    make_endpoint(org, ceo, f"{loopback.url}/hook")
    indicator = make_indicator()
    indicator.status, indicator.resolved_on = "missed", org.today()
    indicator.save_shared(by=cto, expected_version=1)
    claims = []
    dispatch(queue=claims.extend)

    first = [delivery.deliver(pk, token) for pk, token in claims]
    again = [delivery.deliver(pk, token) for pk, token in claims]

    assert set(first) == {"delivered"} and set(again) == {"stale"}
    assert len(loopback.requests) == len(claims)


def test_a_slack_endpoint_gets_a_message_formatted_for_slack(
    dispatch, org, ceo, cto, make_indicator, loopback, sent_at_once
):
    make_endpoint(org, ceo, f"{loopback.url}/slack", kind=WebhookEndpoint.SLACK)
    indicator = make_indicator(description="Login works end to end")
    indicator.status, indicator.resolved_on, indicator.evidence = "met", org.today(), "Demo"
    indicator.save_shared(by=cto, expected_version=1)

    dispatch()

    [message] = received(loopback)
    assert list(message) == ["text"]
    assert "Leading indicator met — “Login works end to end”" in message["text"]
    assert "|Open in Calibrate>" in message["text"]
    assert "X-Calibrate-Signature" not in loopback.requests[0]["headers"]


def test_a_paused_endpoint_gets_nothing(
    dispatch, org, ceo, cto, make_indicator, loopback, sent_at_once
):
    make_endpoint(org, ceo, f"{loopback.url}/hook", active=False)
    indicator = make_indicator()
    indicator.status, indicator.resolved_on = "missed", org.today()
    indicator.save_shared(by=cto, expected_version=1)

    dispatch()

    assert loopback.requests == []


def test_an_endpoint_added_later_is_not_sent_what_happened_before_it(
    dispatch, org, ceo, cto, make_indicator, loopback, sent_at_once
):
    indicator = make_indicator()
    indicator.status, indicator.resolved_on = "missed", org.today()
    indicator.save_shared(by=cto, expected_version=1)
    make_endpoint(org, ceo, f"{loopback.url}/hook")

    dispatch()

    assert loopback.requests == []


def test_the_test_button_sends_a_test_event_at_once(
    org, ceo, client, loopback, sent_at_once, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(org, ceo, f"{loopback.url}/hook")
    client.force_login(ceo)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org.slug}/integrations/webhooks/{endpoint.pk}/test/")

    [event] = received(loopback)
    assert event["type"] == "test" and "Ada CEO" in event["summary"]
    page = client.get(f"/o/{org.slug}/integrations/webhooks/{endpoint.pk}/").content.decode()
    assert "delivered" in page and "HTTP 200" in page


def test_a_receiver_that_is_down_is_retried_then_failed_and_shown(
    dispatch, org, ceo, cto, make_indicator, settings, client
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    endpoint = make_endpoint(org, ceo, "http://127.0.0.1:9/nothing-listens-here")
    indicator = make_indicator()
    indicator.status, indicator.resolved_on = "missed", org.today()
    indicator.save_shared(by=cto, expected_version=1)
    claims = []
    dispatch(queue=claims.extend)
    pk, token = claims[0]

    with pytest.raises(delivery.RetryLater) as later:
        delivery.deliver(pk, token)
    outcome = delivery.deliver(pk, later.value.token)

    assert outcome == "failed"
    client.force_login(ceo)
    page = client.get(f"/o/{org.slug}/integrations/webhooks/{endpoint.pk}/").content.decode()
    assert "failed" in page and "no answer" in page


def test_a_webhook_url_is_stored_encrypted_and_never_shown_again(org, ceo, client):
    client.force_login(ceo)
    url = "https://hooks.example.com/services/T000/B000/very-secret-part"

    client.post(
        f"/o/{org.slug}/integrations/webhooks/new/",
        {"endpoint-name": "Chat", "endpoint-kind": "slack", "endpoint-url": url},
    )

    endpoint = WebhookEndpoint.objects.get(organization=org)
    assert "very-secret-part" not in endpoint.url_secret and endpoint.url == url
    for page in (f"/o/{org.slug}/integrations/", f"/o/{org.slug}/history/"):
        assert "very-secret-part" not in client.get(page).content.decode()


def test_a_generic_endpoints_signing_secret_is_shown_once(org, ceo, client):
    client.force_login(ceo)

    created = client.post(
        f"/o/{org.slug}/integrations/webhooks/new/",
        {
            "endpoint-name": "Ops",
            "endpoint-kind": "generic",
            "endpoint-url": "https://ops.example.com/in",
        },
    )

    secret = WebhookEndpoint.objects.get(organization=org).secret
    assert secret in created.content.decode()
    assert secret not in client.get(f"/o/{org.slug}/integrations/").content.decode()


def test_observers_see_endpoints_but_no_control(org, ceo, observer, client):
    make_endpoint(org, ceo, "https://example.com/hook", name="Leadership chat")
    client.force_login(observer)

    page = client.get(f"/o/{org.slug}/integrations/").content.decode()

    assert "Leadership chat" in page
    assert "<form" not in page.split("<main", 1)[-1].split("</main>")[0]
