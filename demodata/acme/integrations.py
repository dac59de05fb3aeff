"""Demo integrations for Acme (idempotent): a paused chat webhook with a short delivery log,
and a Linear connection that has already checked one leading indicator.

Nothing here can reach the network: the webhook is paused and points at example.com, and the
only linked indicator was marked already, so the checker never reads it again.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from calibration.integrations import vault
from calibration.integrations.models import (
    Delivery,
    DeliveryAttempt,
    IndicatorSource,
    TrackerConnection,
    WebhookEndpoint,
)
from calibration.timeline.models import LeadingIndicator


def populate(org):
    if WebhookEndpoint.objects.for_org(org).exists():
        return
    ceo, cto = org.member_with_role(Role.CEO), org.member_with_role(Role.CTO)
    if not (ceo and cto):
        return
    now = timezone.now()
    endpoint = WebhookEndpoint.create_shared(
        by=ceo,
        organization=org,
        name="#leadership in chat (paused for the demo)",
        kind=WebhookEndpoint.SLACK,
        url_hint="https://chat.example.com/…demo",
        url_secret=vault.encrypt("https://chat.example.com/hooks/acme-leadership-demo"),
        active=False,
    )
    delivery = Delivery.objects.create(
        organization=org,
        endpoint=endpoint,
        event_id="test:acme-demo",
        kind="test",
        summary="A test event from Calibrate, sent by Ada Chen. If you can read this, the "
        "endpoint works.",
        payload={"path": "", "data": {"by": "Ada Chen"}},
        occurred_at=now - timedelta(days=2),
        due_at=now - timedelta(days=2),
        state=Delivery.DELIVERED,
        attempts=2,
        response_code=200,
        delivered_at=now - timedelta(days=2) + timedelta(seconds=31),
    )
    for number, code, error, after in ((1, 503, "The receiver answered 503.", 0), (2, 200, "", 31)):
        DeliveryAttempt.objects.create(
            organization=org,
            delivery=delivery,
            number=number,
            at=delivery.occurred_at + timedelta(seconds=after),
            response_code=code,
            error=error,
            milliseconds=180,
            retry_at=delivery.occurred_at + timedelta(seconds=31) if error else None,
        )
    linear = TrackerConnection.create_shared(
        by=cto,
        organization=org,
        service=TrackerConnection.LINEAR,
        token_hint="…demo",
        token_secret=vault.encrypt("lin_api_demo-not-a-real-key"),
    )
    signed_off = LeadingIndicator.objects.for_org(org).filter(status="met").first()
    if signed_off is None:
        return
    source = IndicatorSource.create_shared(
        by=cto,
        organization=org,
        indicator=signed_off,
        connection=linear,
        reference="pricing-rules-5c1e2f",
    )
    IndicatorSource.objects.filter(pk=source.pk).update(
        checked_at=now - timedelta(weeks=4),
        marked_at=now - timedelta(weeks=4),
        seen={
            "title": "Pricing rules",
            "state": "completed",
            "progress": 1.0,
            "detail": "",
            "target_date": None,
            "url": "",
            "done": True,
        },
    )
