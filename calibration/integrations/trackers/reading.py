"""What a tracker says about a milestone, project or epic (`Reading`), or why it could not
be read (`Unreadable`) — the one shape the checker judges, whatever the service."""

import datetime
from dataclasses import dataclass

import httpx
from django.conf import settings

from calibration.formats import date_text


class Unreadable(Exception):
    """The source could not be read: a revoked token, a rate limit, an outage, a reference
    that does not exist. The indicator stays pending; the leaders are told why."""


@dataclass
class Reading:
    service: str
    title: str
    url: str
    state: str  # as the tracker words it: "closed", "started", "Done" …
    done: bool
    done_at: datetime.datetime | None = None
    progress: float | None = None  # 0..1
    target_date: datetime.date | None = None
    detail: str = ""  # e.g. "12 of 14 issues closed"

    def describe(self):
        parts = [f"{self.service} “{self.title}” is {self.state}"]
        if self.done_at:
            parts.append(f"since {date_text(self.done_at)}")
        if self.progress is not None:
            parts.append(f"progress {round(self.progress * 100)}%")
        if self.detail:
            parts.append(self.detail)
        if self.target_date:
            parts.append(f"target date {date_text(self.target_date)}")
        text = ", ".join(parts) + "."
        return f"{text} {self.url}".strip()

    def as_json(self):
        return {
            "title": self.title,
            "url": self.url,
            "state": self.state,
            "done": self.done,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "progress": self.progress,
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "detail": self.detail,
        }


def timeout():
    return getattr(settings, "TRACKER_TIMEOUT_SECONDS", 10)


def request(method, url, *, service, **kwargs):
    """The HTTP exchange, with every transport failure as Unreadable."""
    try:
        return httpx.request(method, url, timeout=timeout(), follow_redirects=False, **kwargs)
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise Unreadable(f"{service} could not be reached ({type(error).__name__}).") from None


def json_of(response, service):
    try:
        return response.json()
    except ValueError:
        raise Unreadable(
            f"{service} answered {response.status_code} with something that is not JSON."
        ) from None


def refuse_by_status(response, service, rate_limited=False):
    """Unreadable for the answers every tracker gives alike."""
    code = response.status_code
    if code == 429 or rate_limited:
        wait = response.headers.get("Retry-After")
        raise Unreadable(
            f"{service} is rate-limiting the token"
            + (f" (retry after {wait} s)" if wait else "")
            + "; it will be read again at the next check."
        )
    if code == 401:
        raise Unreadable(f"{service} refused the token (401): it may have been revoked.")
    if code == 403:
        raise Unreadable(f"{service} does not let this token read it (403).")
    if code == 404:
        raise Unreadable(f"{service} has no such item, or the token cannot see it (404).")
    if code >= 500:
        raise Unreadable(f"{service} is having trouble ({code}); it will be read again.")
    if not 200 <= code < 300:
        raise Unreadable(f"{service} answered {code}.")


def parse_datetime(text):
    if not text:
        return None
    text = text.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # Jira: +0000
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_date(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None
