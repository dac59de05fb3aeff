import datetime

import pytest

from calibration.timeline.models import Initiative
from tests.timeline.conftest import (
    make_indicator,  # noqa: F401 — the timeline tests' fixture
    new_initiative,
)

D = datetime.date
TODAY = D(2027, 2, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The organization's "today" is 2027-02-01 in every board test."""
    from accounts.models import Organization

    monkeypatch.setattr(Organization, "today", lambda self: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_pdf_cache(monkeypatch):
    """Each test makes its own PDFs (the shared Redis cache would outlive the test run)."""
    from calibration.board import views

    monkeypatch.setattr(views, "PDF_CACHE_SECONDS", 0)


@pytest.fixture
def make_initiative(org, cto):
    """The timeline tests' initiatives, active: the board shows active initiatives."""

    def make(by=None, **fields):
        return new_initiative(org, cto, by=by, **{"status": "active", **fields})

    return make


def change(initiative, by, note="Re-estimated after the vendor review", **fields):
    """Save new values on an initiative through the shared-editing path."""
    fresh = Initiative.objects.get(pk=initiative.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    return fresh.save_shared(by=by, expected_version=fresh.version, note=note)
