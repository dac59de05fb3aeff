"""A Linear project (GraphQL API: `project(id:)`): met when it is completed — or reaches the
chosen progress — by the checkpoint; shows its progress and target date."""

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

SERVICE = "Linear project"
QUERY = """query Project($id: String!) {
  project(id: $id) { id name url state progress targetDate completedAt canceledAt }
}"""


def parse_reference(text):
    """The project's id: a UUID, or the slug id that ends its URL (…/project/name-1a2b3c)."""
    reference = text.strip().rstrip("/")
    if "/project/" in reference:
        reference = reference.rsplit("/project/", 1)[1].split("/")[0]
    if not reference or len(reference) > 100 or any(c.isspace() for c in reference):
        raise ValidationError("Give the Linear project's ID or its URL.")
    return reference


def read(connection, source):
    token = connection.token
    response = request(
        "POST",
        connection.base_url,
        service="Linear",
        json={"query": QUERY, "variables": {"id": parse_reference(source.reference)}},
        # A personal API key is sent as it is; an OAuth token as a bearer token.
        headers={"Authorization": token if token.startswith("lin_api_") else f"Bearer {token}"},
    )
    data = json_of(response, "Linear") if response.content else {}
    errors = (data.get("errors") or []) if isinstance(data, dict) else []
    codes = {
        str((e.get("extensions") or {}).get("code", "")).upper()
        for e in errors
        if isinstance(e, dict)
    }
    if "RATELIMITED" in codes:
        refuse_by_status(response, "Linear", rate_limited=True)
    if "AUTHENTICATION_ERROR" in codes:
        raise Unreadable("Linear refused the token: it may have been revoked.")
    refuse_by_status(response, "Linear")
    project = (data.get("data") or {}).get("project") if isinstance(data, dict) else None
    if not project:
        message = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
        raise Unreadable(
            f"Linear has no such project, or the token cannot see it. {message}".strip()
        )
    progress = project.get("progress")
    return Reading(
        service=SERVICE,
        title=str(project.get("name") or "project"),
        url=str(project.get("url") or ""),
        state=str(project.get("state") or "unknown"),
        done=project.get("state") == "completed" or bool(project.get("completedAt")),
        done_at=parse_datetime(project.get("completedAt")),
        progress=float(progress) if isinstance(progress, int | float) else None,
        target_date=parse_date(project.get("targetDate")),
    )
