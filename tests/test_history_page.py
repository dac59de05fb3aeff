"""The history page: moments in the company's time zone, values as people read them, 50
changes to a page, filtered by the kind of record and by who made the change."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import strip_tags

from calibration.models import Change, PlanningCycle

pytestmark = pytest.mark.django_db

TUESDAY_MORNING_UTC = datetime.datetime(2026, 11, 24, 6, 38, 26, 148302, tzinfo=datetime.UTC)


def history(client, org, query=""):
    response = client.get(reverse("history", args=[org.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def text(page):
    return re.sub(r"\s+", " ", strip_tags(page))


def cycle(org, by, name="FY27 H1 planning", **fields):
    fields.setdefault("starts_on", datetime.date(2027, 3, 1))
    return PlanningCycle.create_shared(by=by, organization=org, name=name, **fields)


def change(org, by, record, **fields):
    values = dict(
        organization=org,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        object_repr=str(record),
        action=Change.CHANGED,
        by=by,
    )
    values.update(fields)
    return Change.objects.create(**values)


def test_a_change_is_dated_in_the_companys_time_zone_never_as_a_raw_timestamp(ceo_client, org, ceo):
    org.time_zone = "Asia/Tokyo"
    org.save()
    change(org, ceo, cycle(org, ceo), at=TUESDAY_MORNING_UTC)

    page = history(ceo_client, org)

    assert "24 Nov 2026, 15:38" in page
    assert "2026-11-24T06:38" not in text(page)


def test_a_changed_date_reads_as_every_page_writes_dates(ceo_client, org, ceo):
    record = cycle(org, ceo)
    record.starts_on = datetime.date(2027, 3, 8)
    record.save_shared(by=ceo, expected_version=record.version)

    assert "Starts on: 1 Mar 2027 → 8 Mar 2027" in text(history(ceo_client, org))


def test_a_stored_timestamp_in_a_change_reads_as_a_moment(ceo_client, org, ceo):
    change(org, ceo, org, old={"created_at": None}, new={"created_at": "2026-11-29T06:38:26+00:00"})

    page = text(history(ceo_client, org))

    assert "29 Nov 2026, 06:38" in page and "2026-11-29T06:38:26" not in page


def test_a_choice_stored_by_its_value_is_shown_by_its_label(ceo_client, org, ceo):
    membership = org.memberships.get(user=ceo)
    change(org, ceo, membership, old={"role": "cto"}, new={"role": "ceo"})

    assert "Role: CTO → CEO" in text(history(ceo_client, org))


def test_fifty_changes_to_a_page_with_links_to_the_others(ceo_client, org, ceo):
    for n in range(51):
        cycle(org, ceo, name=f"Cycle {n}")

    first = history(ceo_client, org)
    second = history(ceo_client, org, "?page=2")

    assert first.count('class="when"') == 50 and second.count('class="when"') == 1
    assert 'href="?page=2"' in first and "1–50 of 51" in text(first)
    assert "Cycle 0" in second and "Cycle 0" not in first


def test_the_history_is_filtered_by_who_changed_it(ceo_client, org, ceo, cto):
    cycle(org, ceo, name="The CEO cycle")
    cycle(org, cto, name="The CTO cycle")

    page = history(ceo_client, org, f"?person={cto.pk}")

    assert "The CTO cycle" in page and "The CEO cycle" not in page


def test_the_history_is_filtered_by_the_kind_of_record(ceo_client, org, ceo):
    record = cycle(org, ceo, name="Kept")
    change(org, ceo, org.memberships.get(user=ceo), object_repr="Left out")
    kind = ContentType.objects.get_for_model(type(record)).pk

    page = history(ceo_client, org, f"?kind={kind}")

    assert "Kept" in page and "Left out" not in page
    assert f'<option value="{kind}" selected>Planning cycles</option>' in page


def test_the_filters_ride_along_to_the_next_page(ceo_client, org, ceo):
    for n in range(51):
        cycle(org, ceo, name=f"Cycle {n}")

    page = history(ceo_client, org, f"?person={ceo.pk}")

    assert f'href="?person={ceo.pk}&amp;page=2"' in page


def test_a_filter_that_matches_nothing_says_so(ceo_client, org, ceo, cto):
    cycle(org, ceo)

    assert "No change matches these filters." in history(ceo_client, org, f"?person={cto.pk}")


def test_a_filter_that_is_not_a_choice_shows_everything_and_says_why(ceo_client, org, ceo):
    cycle(org, ceo, name="Still here")

    page = history(ceo_client, org, "?person=nobody")

    assert "Still here" in page and "That filter is not one of the choices" in page


def test_a_records_name_leads_to_every_change_to_it_and_nothing_else(ceo_client, org, ceo):
    kept = cycle(org, ceo, name="Kept")
    cycle(org, ceo, name="Other")
    kind = ContentType.objects.get_for_model(type(kept)).pk
    assert f'href="/o/{org.slug}/history/?record={kind}-{kept.pk}"' in history(ceo_client, org)

    page = history(ceo_client, org, f"?record={kind}-{kept.pk}")

    assert "Every change to <em>Kept</em>" in page and "Other" not in page
