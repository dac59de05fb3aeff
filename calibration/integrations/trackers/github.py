"""A GitHub milestone (REST API: GET /repos/{owner}/{repo}/milestones/{number}): met when it
is closed by the checkpoint; progress is closed issues over all of its issues."""

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

SERVICE = "GitHub milestone"
REFERENCE = re.compile(
    r"^(?:https?://[^/]+/)?(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)"
    r"(?:#|/milestones?/)(?P<number>\d{1,9})/?$"
)


def parse_reference(text):
    match = REFERENCE.match(text.strip())
    if not match or {match["owner"], match["repo"]} & {".", ".."}:
        raise ValidationError(
            "Give the milestone as owner/repo#number (e.g. acme/billing#3) or its URL."
        )
    return match["owner"], match["repo"], int(match["number"])


def read(connection, source):
    owner, repo, number = parse_reference(source.reference)
    response = request(
        "GET",
        f"{connection.base_url}/repos/{owner}/{repo}/milestones/{number}",
        service="GitHub",
        headers={
            "Authorization": f"Bearer {connection.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
    exhausted = response.headers.get("x-ratelimit-remaining") == "0"
    refuse_by_status(response, "GitHub", rate_limited=response.status_code == 403 and exhausted)
    data = json_of(response, "GitHub")
    if not isinstance(data, dict) or "state" not in data:
        raise Unreadable("GitHub answered, but not with a milestone.")
    closed, open_ = int(data.get("closed_issues") or 0), int(data.get("open_issues") or 0)
    total = closed + open_
    return Reading(
        service=SERVICE,
        title=str(data.get("title") or f"#{number}"),
        url=str(data.get("html_url") or ""),
        state=str(data["state"]),
        done=data["state"] == "closed",
        done_at=parse_datetime(data.get("closed_at")),
        progress=closed / total if total else None,
        target_date=parse_date(data.get("due_on")),
        detail=f"{closed} of {total} issues closed",
    )
