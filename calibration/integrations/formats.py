"""How an event travels to each kind of endpoint: the request's body and headers.

* Generic webhook: the event as JSON — id (stable: use it to drop a repeat), type, when,
  the organization, a sentence, a link and the data — signed (signing.py).
* Slack and Microsoft Teams incoming webhooks: `{"text": …}`, the one shape both accept, with
  the link written the way each renders one.
"""

import json

from . import signing
from .events import site_url
from .models import WebhookEndpoint

USER_AGENT = "Calibrate-Webhooks/1"


def generic_payload(delivery, organization):
    return {
        "id": delivery.event_id,
        "type": delivery.kind,
        "occurred_at": delivery.occurred_at.isoformat(),
        "organization": {"slug": organization.slug, "name": organization.name},
        "summary": delivery.summary,
        "url": site_url(delivery.payload.get("path", "")),
        "data": delivery.payload.get("data", {}),
    }


def chat_text(delivery, kind):
    url = site_url(delivery.payload.get("path", ""))
    if kind == WebhookEndpoint.SLACK:
        return f"*Calibrate* · {delivery.summary} <{url}|Open in Calibrate>"
    return f"**Calibrate** · {delivery.summary} [Open in Calibrate]({url})"


def request_for(endpoint, delivery, organization):
    """(body bytes, headers) of the POST for `delivery` to `endpoint`."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Calibrate-Event": delivery.kind,
        "X-Calibrate-Event-Id": delivery.event_id,
    }
    if endpoint.kind == WebhookEndpoint.GENERIC:
        body = json.dumps(generic_payload(delivery, organization), sort_keys=True).encode()
        headers[signing.HEADER] = signing.sign(endpoint.secret, body)
    else:
        body = json.dumps({"text": chat_text(delivery, endpoint.kind)}).encode()
    return body, headers
