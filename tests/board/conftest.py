import datetime

import pytest

from calibration.timeline.models import Initiative, LeadingIndicator

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
    def make(by=None, **fields):
        values = {
            "organization": org,
            "title": "Payments platform",
            "owner": cto,
            "status": "active",
            "start_date": D(2027, 1, 4),
            "best_date": D(2027, 3, 22),
            "expected_date": D(2027, 5, 3),
            "worst_date": D(2027, 6, 28),
        }
        values.update(fields)
        return Initiative.create_shared(by=by or cto, **values)

    return make


@pytest.fixture
def make_indicator(cto):
    def make(initiative, by=None, **fields):
        values = {
            "organization": initiative.organization,
            "initiative": initiative,
            "description": "Data migration completed",
            "due_on": D(2027, 2, 15),
            "if_missed": "worst",
        }
        values.update(fields)
        return LeadingIndicator.create_shared(by=by or cto, **values)

    return make


def change(initiative, by, note="Re-estimated after the vendor review", **fields):
    """Save new values on an initiative through the shared-editing path."""
    fresh = Initiative.objects.get(pk=initiative.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.full_clean()
    return fresh.save_shared(by=by, expected_version=fresh.version, note=note)
