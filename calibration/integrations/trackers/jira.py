"""A Jira Cloud epic (REST API v3: GET /rest/api/3/issue/{key}): met when its status is in
the "done" category by the checkpoint."""

import re

from django.core.exceptions import ValidationError

from .reading import (
    Reading,
    Unreadable,
    json_of,
    parse_date,
    parse_datetime,
    refuse_by_status,
    request,
)

SERVICE = "Jira epic"
KEY = re.compile(r"^(?:https?://.+/browse/)?(?P<key>[A-Z][A-Z0-9_]{0,30}-\d{1,9})/?$")


def parse_reference(text):
    match = KEY.match(text.strip())
    if not match:
        raise ValidationError("Give the epic's key, e.g. BILL-12, or its URL.")
    return match["key"]


def read(connection, source):
    if not connection.base_url:
        raise Unreadable("Jira needs your site's address (https://yours.atlassian.net).")
    key = parse_reference(source.reference)
    response = request(
        "GET",
        f"{connection.base_url}/rest/api/3/issue/{key}",
        service="Jira",
        params={"fields": "summary,status,resolutiondate,duedate"},
        auth=(connection.account, connection.token),
        headers={"Accept": "application/json"},
    )
    refuse_by_status(response, "Jira")
    data = json_of(response, "Jira")
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise Unreadable("Jira answered, but not with an issue.")
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}).get("key", "")
    return Reading(
        service=SERVICE,
        title=f"{key} {fields.get('summary') or ''}".strip(),
        url=f"{connection.base_url}/browse/{key}",
        state=str(status.get("name") or category or "unknown"),
        done=category == "done",
        done_at=parse_datetime(fields.get("resolutiondate")),
        target_date=parse_date(fields.get("duedate")),
    )
