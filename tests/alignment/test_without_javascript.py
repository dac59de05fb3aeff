"""Every inline control also works as a plain link or form, without JavaScript."""

import pytest
from django.urls import reverse

from calibration.alignment.models import Side
from tests.alignment.conftest import add_bet, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bets(sheet, ceo, cto):
    return add_bet(sheet, Side.CEO, "Logos", ceo), add_bet(sheet, Side.CTO, "Events", cto)


def test_edit_opens_the_bet_form_in_the_page(ceo_client, org, sheet, two_bets):
    business, _ = two_bets
    url = reverse("alignment:sheet", args=[org.slug, sheet.pk]) + f"?edit=bet-{business.pk}"
    page = ceo_client.get(url).content.decode()
    assert "Save bet" in page and 'value="Logos"' in page


def test_links_open_in_the_page(ceo_client, org, sheet, two_bets):
    _, tech = two_bets
    page = ceo_client.get(reverse("alignment:bet_links", args=[org.slug, tech.pk]))
    body = page.content.decode()
    assert "Which CEO bets does “Events” directly support?" in body and "<html" in body


def test_the_call_form_opens_in_the_page(ceo_client, org, sheet, two_bets):
    _, tech = two_bets
    page = ceo_client.get(reverse("alignment:call", args=[org.slug, tech.pk]) + "?edit")
    body = page.content.decode()
    assert "The call on “Events”" in body and "<html" in body


def test_the_session_form_opens_in_the_page(ceo_client, org, sheet):
    url = reverse("alignment:sheet", args=[org.slug, sheet.pk]) + "?edit=session"
    assert "Save session" in ceo_client.get(url).content.decode()


def test_saving_without_javascript_returns_to_the_sheet(ceo_client, org, sheet, two_bets):
    business, _ = two_bets
    response = ceo_client.post(
        reverse("alignment:bet", args=[org.slug, business.pk]),
        {
            "title": "Logos in banking",
            "expected_outcome": "x",
            "confidence": "high",
            "notes": "",
            "version": 1,
        },
    )
    assert response["Location"] == reverse("alignment:sheet", args=[org.slug, sheet.pk])


def test_observers_get_no_edit_form_even_by_url(client, org, sheet, two_bets, observer):
    business, _ = two_bets
    client.force_login(observer)
    url = reverse("alignment:sheet", args=[org.slug, sheet.pk]) + f"?edit=bet-{business.pk}"
    assert "Save bet" not in client.get(url).content.decode()


def test_observers_cannot_open_edit_forms(client, org, sheet, two_bets, observer):
    business, tech = two_bets
    client.force_login(observer)
    for url in [
        reverse("alignment:bet", args=[org.slug, business.pk]) + "?edit",
        reverse("alignment:bet_links", args=[org.slug, tech.pk]),
        reverse("alignment:call", args=[org.slug, tech.pk]) + "?edit",
        reverse("alignment:session", args=[org.slug, sheet.pk]) + "?edit",
    ]:
        assert client.get(url).status_code == 403, url


def test_a_stale_bet_save_without_javascript_shows_the_conflict_and_keeps_the_text(
    ceo_client, org, sheet, two_bets, cto
):
    business, _ = two_bets
    business.title = "Logos, per the CTO"
    business.save_shared(by=cto, expected_version=1)

    response = ceo_client.post(
        reverse("alignment:bet", args=[org.slug, business.pk]),
        {
            "title": "Logos in banking",
            "expected_outcome": "x",
            "confidence": "high",
            "notes": "",
            "version": 1,
            "editing": business.dom_id,
        },
    )

    page = response.content.decode()
    assert "Both of you changed this" in page and 'value="Logos in banking"' in page


def test_an_invalid_bet_save_without_javascript_shows_the_error_and_keeps_the_text(
    ceo_client, org, sheet, two_bets
):
    business, _ = two_bets
    response = ceo_client.post(
        reverse("alignment:bet", args=[org.slug, business.pk]),
        {
            "title": "",
            "expected_outcome": "Keep this outcome",
            "confidence": "high",
            "notes": "",
            "version": 1,
            "editing": business.dom_id,
        },
    )
    page = response.content.decode()
    assert "This field is required" in page and "Keep this outcome" in page


def test_a_stale_call_without_javascript_shows_the_conflict_and_keeps_the_text(
    ceo_client, org, sheet, two_bets, cto
):
    _, tech = two_bets
    call = make_call(sheet, tech, "continue", cto, reason="Ahead on purpose")
    call.reason = "Ahead on purpose, said the CTO"
    call.save_shared(by=cto, expected_version=1)

    response = ceo_client.post(
        reverse("alignment:call", args=[org.slug, tech.pk]),
        {
            "kind": "stop",
            "target": "",
            "rewrite": "",
            "reason": "We stop it, typed by the CEO",
            "version": 1,
            "editing": f"item-{tech.pk}",
        },
    )

    page = response.content.decode()
    assert "Both of you changed this" in page and "We stop it, typed by the CEO" in page


def test_a_stale_session_save_without_javascript_shows_the_conflict_and_keeps_the_text(
    ceo_client, org, sheet, cto
):
    sheet.attendees = "Ada, Tom"
    sheet.save_shared(by=cto, expected_version=sheet.version)

    response = ceo_client.post(
        reverse("alignment:session", args=[org.slug, sheet.pk]),
        {
            "session_at": "",
            "session_minutes": 45,
            "held_on": "",
            "attendees": "Ada and the board",
            "session_notes": "Notes the CEO typed",
            "version": 1,
            "editing": "session",
        },
    )

    page = response.content.decode()
    assert "Both of you changed this" in page and "Notes the CEO typed" in page
