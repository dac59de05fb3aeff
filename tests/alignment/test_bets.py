"""The bet sheet: five bets a column, order by size, links shown on both sides."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calibration.alignment.models import Bet, BetLink, BetSheet, Side
from tests.alignment.conftest import add_bet, link, reload

pytestmark = pytest.mark.django_db


def post_bet(client, org, sheet, side, title, **extra):
    data = {
        "side": side,
        "title": title,
        "expected_outcome": "Something good",
        "confidence": "medium",
        "notes": "",
        "version": 0,
        **extra,
    }
    return client.post(reverse("alignment:add_bet", args=[org.slug, sheet.pk]), data)


def test_a_leader_adds_a_bet_to_their_column(ceo_client, org, sheet):
    post_bet(ceo_client, org, sheet, "ceo", "Enter Germany")

    bet = Bet.objects.get(sheet=sheet)
    assert (bet.side, bet.title, bet.position) == ("ceo", "Enter Germany", 1)
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "Enter Germany" in page


def test_a_sixth_bet_is_refused_with_a_clear_message(ceo_client, org, sheet, ceo):
    for n in range(5):
        add_bet(sheet, Side.CEO, f"Bet {n}", ceo)

    response = post_bet(ceo_client, org, sheet, "ceo", "One too many")

    assert Bet.objects.filter(sheet=sheet, side="ceo").count() == 5
    body = response.content.decode()
    assert "already has 5 bets" in body and "Drop or merge one" in body
    assert "One too many" in body  # what was typed is kept


def test_the_sixth_bet_is_refused_by_the_model_too(sheet, ceo):
    for n in range(5):
        add_bet(sheet, Side.CTO, f"Bet {n}", ceo)
    with pytest.raises(ValidationError):
        add_bet(sheet, Side.CTO, "Sixth", ceo)


def test_the_other_column_still_has_room(sheet, ceo, cto):
    for n in range(5):
        add_bet(sheet, Side.CEO, f"Bet {n}", ceo)
    assert add_bet(sheet, Side.CTO, "Tech bet", cto).position == 1


def test_a_full_column_offers_no_add_form(ceo_client, org, sheet, ceo):
    for n in range(5):
        add_bet(sheet, Side.CEO, f"Bet {n}", ceo)
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "the most a column holds" in page
    assert "Add CEO bet" not in page and "Add CTO bet" in page


def test_a_missing_title_is_refused_at_its_field(ceo_client, org, sheet):
    response = post_bet(ceo_client, org, sheet, "cto", "", expected_outcome="Keep this text")
    body = response.content.decode()
    assert "This field is required" in body and "Keep this text" in body
    assert not Bet.objects.exists()


def test_moving_a_bet_up_reorders_the_column_and_keeps_history(ceo_client, org, sheet, ceo):
    big, small = add_bet(sheet, Side.CEO, "Big", ceo), add_bet(sheet, Side.CEO, "Small", ceo)

    ceo_client.post(reverse("alignment:move_bet", args=[org.slug, small.pk]), {"direction": "up"})

    assert [b.title for b in reload(sheet).ceo_bets()] == ["Small", "Big"]
    small.refresh_from_db()
    assert small.version == 2  # a move is a versioned change, like any other
    assert small.history().first().note == "Moved up"
    assert big.history().first().note == "Moved down (“Small” moved up)"


def test_an_edit_opened_before_a_move_never_writes_the_old_place_back(
    ceo_client, cto_client, org, sheet, ceo
):
    add_bet(sheet, Side.CEO, "Big", ceo)
    small = add_bet(sheet, Side.CEO, "Small", ceo)
    opened_at = small.version

    ceo_client.post(reverse("alignment:move_bet", args=[org.slug, small.pk]), {"direction": "up"})
    cto_client.post(
        reverse("alignment:bet", args=[org.slug, small.pk]),
        {
            "title": "Small, renamed",
            "expected_outcome": small.expected_outcome,
            "confidence": small.confidence,
            "notes": "",
            "version": opened_at,
        },
    )

    assert [(b.title, b.position) for b in reload(sheet).ceo_bets()][1] == ("Big", 2)
    assert [b.position for b in reload(sheet).ceo_bets()] == [1, 2]


def test_moving_the_top_bet_up_changes_nothing(ceo_client, org, sheet, ceo):
    top = add_bet(sheet, Side.CEO, "Top", ceo)
    add_bet(sheet, Side.CEO, "Second", ceo)
    response = ceo_client.post(
        reverse("alignment:move_bet", args=[org.slug, top.pk]),
        {"direction": "up"},
        HTTP_HX_REQUEST="true",
    )
    assert "already at the top" in response.content.decode()
    assert [b.title for b in reload(sheet).ceo_bets()] == ["Top", "Second"]


def test_the_move_buttons_are_labelled_for_keyboard_and_screen_reader_users(
    ceo_client, org, sheet, ceo
):
    add_bet(sheet, Side.CEO, "Top", ceo)
    add_bet(sheet, Side.CEO, "Second", ceo)
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert 'aria-label="Move “Second” up"' in page
    assert 'aria-label="Move “Top” up" disabled' in page


def test_a_link_from_the_cto_side_shows_on_both_sides(cto_client, org, sheet, ceo, cto):
    business = add_bet(sheet, Side.CEO, "Enterprise logos", ceo)
    tech = add_bet(sheet, Side.CTO, "SSO and SCIM", cto)

    response = cto_client.post(
        reverse("alignment:bet_links", args=[org.slug, tech.pk]),
        {"shown": [business.pk], "linked": [business.pk]},
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Retarget"] == "#board"
    body = response.content.decode()
    assert (
        body.count('class="bet-link"') == 2
    )  # "Supports" on one side, "Supported by" on the other
    fresh = reload(sheet)
    assert fresh.ceo_bets()[0].linked_bets()[0].title == "SSO and SCIM"
    assert fresh.cto_bets()[0].linked_bets()[0].title == "Enterprise logos"


def test_a_tech_bet_can_support_several_ceo_bets_and_unlink_one(ceo_client, org, sheet, ceo, cto):
    a, b = add_bet(sheet, Side.CEO, "A", ceo), add_bet(sheet, Side.CEO, "B", ceo)
    tech = add_bet(sheet, Side.CTO, "Platform", cto)
    url = reverse("alignment:bet_links", args=[org.slug, tech.pk])
    ceo_client.post(url, {"shown": [a.pk, b.pk], "linked": [a.pk, b.pk]})
    assert {link.ceo_bet.title for link in BetLink.objects.all()} == {"A", "B"}

    ceo_client.post(url, {"shown": [a.pk, b.pk], "linked": [b.pk]})

    assert [link.ceo_bet.title for link in BetLink.objects.all()] == ["B"]
    assert reload(sheet).ceo_bets()[0].is_linked() is False


def test_a_link_added_by_the_other_leader_meanwhile_is_not_removed(sheet, ceo, cto):
    a, b = add_bet(sheet, Side.CEO, "A", ceo), add_bet(sheet, Side.CEO, "B", ceo)
    tech = add_bet(sheet, Side.CTO, "Platform", cto)
    link(sheet, tech, b, cto)  # added after the CEO opened a form that showed only A

    BetLink.set_links(tech, shown=[a.pk], wanted=[a.pk], by=ceo)

    assert {x.ceo_bet.title for x in BetLink.objects.all()} == {"A", "B"}


def test_a_ceo_bet_is_linked_from_its_own_side(ceo_client, org, sheet, ceo, cto):
    business = add_bet(sheet, Side.CEO, "Self-serve", ceo)
    tech = add_bet(sheet, Side.CTO, "Billing engine", cto)
    ceo_client.post(
        reverse("alignment:bet_links", args=[org.slug, business.pk]),
        {"shown": [tech.pk], "linked": [tech.pk]},
    )
    assert BetLink.objects.get().cto_bet == tech


def test_editing_a_bet_inline_keeps_history(ceo_client, org, sheet, ceo):
    bet = add_bet(sheet, Side.CEO, "Old title", ceo)
    response = ceo_client.post(
        reverse("alignment:bet", args=[org.slug, bet.pk]),
        {
            "title": "New title",
            "expected_outcome": "x",
            "confidence": "high",
            "notes": "",
            "version": 1,
        },
        HTTP_HX_REQUEST="true",
    )
    assert "New title" in response.content.decode()
    assert bet.history().first().field_changes()[0] == ("Bet", "Old title", "New title")


def test_a_stale_edit_shows_both_versions_and_saves_nothing(
    ceo_client, cto_client, org, sheet, ceo
):
    bet = add_bet(sheet, Side.CEO, "Original", ceo)
    url = reverse("alignment:bet", args=[org.slug, bet.pk])
    data = {"expected_outcome": "x", "confidence": "high", "notes": "", "version": 1}
    ceo_client.post(url, {**data, "title": "CEO version"})

    response = cto_client.post(url, {**data, "title": "CTO version"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "saved this while you were editing" in body
    assert "CEO version" in body and "CTO version" in body
    bet.refresh_from_db()
    assert bet.title == "CEO version"


def test_removing_a_bet_renumbers_and_is_kept_in_history(ceo_client, org, sheet, ceo):
    first = add_bet(sheet, Side.CEO, "First", ceo)
    add_bet(sheet, Side.CEO, "Second", ceo)
    ceo_client.post(
        reverse("alignment:delete_bet", args=[org.slug, first.pk]), {"version": first.version}
    )
    assert [(b.title, b.position) for b in reload(sheet).ceo_bets()] == [("Second", 1)]
    assert "First" in [c.object_repr for c in sheet.changes()]


def test_observers_read_the_sheet_without_edit_controls(client, org, sheet, ceo, observer):
    add_bet(sheet, Side.CEO, "Visible bet", ceo)
    client.force_login(observer)
    page = client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "Visible bet" in page
    assert "Add CEO bet" not in page and "Move “Visible bet” up" not in page
    assert "Make the call" not in page


def test_one_sheet_per_quarter(org, ceo, sheet):
    again = BetSheet.start(org, sheet.quarter, by=ceo)
    assert again.pk == sheet.pk and BetSheet.objects.count() == 1
