"""The quarterly session, closing and reopening, carrying open bets forward, the poll."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calibration.alignment.models import Bet, BetSheet, Call, Side
from tests.alignment.conftest import add_bet, link, make_call, reload

pytestmark = pytest.mark.django_db


def session_data(**fields):
    data = {
        "session_at": "",
        "session_minutes": 30,
        "held_on": "",
        "attendees": "",
        "session_notes": "",
        "version": 1,
    }
    data.update(fields)
    return data


def test_the_session_defaults_to_thirty_minutes_and_is_scheduled(ceo_client, org, sheet):
    assert sheet.session_minutes == 30
    ceo_client.post(
        reverse("alignment:session", args=[org.slug, sheet.pk]),
        session_data(session_at="2027-01-12T09:30"),
    )
    sheet.refresh_from_db()
    local = sheet.session_at.astimezone(org.tz)
    assert (local.date(), local.hour, local.minute) == (date(2027, 1, 12), 9, 30)


def test_a_held_session_records_date_attendees_and_notes(ceo_client, org, sheet):
    ceo_client.post(
        reverse("alignment:session", args=[org.slug, sheet.pk]),
        session_data(held_on="2027-01-12", attendees="Ada, Tom", session_notes="Good talk"),
    )
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "12 Jan 2027" in page and "Ada, Tom" in page and "Good talk" in page


def test_an_absurd_session_length_is_refused_at_its_field(ceo_client, org, sheet):
    response = ceo_client.post(
        reverse("alignment:session", args=[org.slug, sheet.pk]), session_data(session_minutes=3)
    )
    assert "between 10 and 240 minutes" in response.content.decode()


def hold(sheet, by):
    sheet.held_on = sheet.starts_on
    sheet.save_shared(by=by, expected_version=sheet.version)
    return sheet


def test_closing_needs_the_session_held(ceo_client, org, sheet):
    response = ceo_client.post(
        reverse("alignment:close", args=[org.slug, sheet.pk]), {"version": 1}, follow=True
    )
    assert "Record the quarterly session as held" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.is_open


def test_a_closed_quarter_is_a_read_only_record(ceo_client, org, sheet, ceo):
    bet = add_bet(sheet, Side.CEO, "Logos", ceo)
    hold(sheet, ceo)
    ceo_client.post(reverse("alignment:close", args=[org.slug, sheet.pk]), {"version": 2})
    sheet.refresh_from_db()
    assert sheet.is_closed

    response = ceo_client.post(
        reverse("alignment:add_bet", args=[org.slug, sheet.pk]),
        {"side": "ceo", "title": "Late", "expected_outcome": "x", "confidence": "high"}
        | {"version": 0},
    )
    assert "closed" in response.content.decode()
    with pytest.raises(ValidationError):
        bet.move("down", by=ceo)
    with pytest.raises(ValidationError):
        bet.delete_shared(by=ceo, expected_version=bet.version)
    assert Bet.objects.count() == 1
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "is closed" in page and "Add CEO bet" not in page and "Edit <span" not in page


def test_reopening_needs_a_reason_and_keeps_it_in_history(ceo_client, org, sheet, ceo, cto):
    hold(sheet, ceo)
    sheet.close(by=ceo, expected_version=sheet.version)
    url = reverse("alignment:reopen", args=[org.slug, sheet.pk])

    response = ceo_client.post(url, {"reason": "", "version": sheet.version})
    assert "Say why the quarter is reopened" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.is_closed

    ceo_client.post(url, {"reason": "We forgot the Germany call", "version": sheet.version})
    sheet.refresh_from_db()
    assert sheet.is_open
    assert sheet.history().first().note == "We forgot the Germany call"
    assert [c.note for c in sheet.history()][:2] == [
        "We forgot the Germany call",
        "Closed the quarter",
    ]


def test_starting_the_next_quarter_copies_open_bets_and_their_links(org, sheet, ceo, cto):
    logos = add_bet(sheet, Side.CEO, "Logos", ceo, notes="n")
    sso = add_bet(sheet, Side.CTO, "SSO", cto)
    frontend = add_bet(sheet, Side.CTO, "Frontend rewrite", cto)
    link(sheet, sso, logos, cto)
    make_call(sheet, frontend, Call.STOP, ceo)
    hold(sheet, ceo)
    sheet.close(by=ceo, expected_version=sheet.version)

    nxt = reload(BetSheet.start(org, sheet.next_quarter(), by=cto))

    assert nxt.label == sheet.quarter.next().label
    assert [b.title for b in nxt.ceo_bets()] == ["Logos"]
    assert [b.title for b in nxt.cto_bets()] == ["SSO"]  # the stopped bet stays behind
    assert all(b.carry_status == Bet.PENDING for b in nxt.all_bets())
    assert nxt.cto_bets()[0].linked_bets()[0].title == "Logos"
    assert nxt.ceo_bets()[0].carried_from == logos


def test_each_leader_keeps_or_drops_each_carried_bet(ceo_client, cto_client, org, sheet, ceo):
    add_bet(sheet, Side.CEO, "Keep me", ceo)
    add_bet(sheet, Side.CEO, "Drop me", ceo)
    nxt = BetSheet.start(org, sheet.next_quarter(), by=ceo)
    keep, drop = nxt.bets.order_by("position")

    ceo_client.post(reverse("alignment:keep_bet", args=[org.slug, keep.pk]), {"version": 1})
    ceo_client.post(reverse("alignment:delete_bet", args=[org.slug, drop.pk]), {"version": 1})

    fresh = reload(nxt)
    assert [(b.title, b.carry_status, b.position) for b in fresh.all_bets()] == [
        ("Keep me", Bet.KEPT, 1)
    ]
    assert "Dropped when carried forward" in [c.note for c in fresh.changes()][0]


def test_the_start_button_on_a_closed_sheet_starts_the_next_quarter(ceo_client, org, sheet, ceo):
    hold(sheet, ceo)
    sheet.close(by=ceo, expected_version=sheet.version)
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert f"Start {sheet.next_quarter().label}" in page

    response = ceo_client.post(reverse("alignment:start_next", args=[org.slug, sheet.pk]))

    nxt = BetSheet.for_quarter(org, sheet.next_quarter())
    assert response["Location"] == reverse("alignment:sheet", args=[org.slug, nxt.pk])


def test_the_index_starts_the_current_quarter(ceo_client, org):
    page = ceo_client.get(reverse("alignment:index", args=[org.slug])).content.decode()
    assert "Start the FY" in page
    ceo_client.post(reverse("alignment:start", args=[org.slug]))
    sheet = BetSheet.current_for(org)
    assert sheet is not None
    response = ceo_client.get(reverse("alignment:index", args=[org.slug]))
    assert response["Location"] == reverse("alignment:sheet", args=[org.slug, sheet.pk])


def board_url(org, sheet, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("alignment:board", args=[org.slug, sheet.pk]) + "?" + query


def test_the_poll_answers_204_while_nothing_changed(ceo_client, org, sheet):
    sheet.refresh_from_db()
    response = ceo_client.get(
        board_url(org, sheet, rev=sheet.revision, status="open"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204


def test_the_poll_sends_the_board_after_the_other_leader_saves(ceo_client, org, sheet, cto):
    sheet.refresh_from_db()
    seen = sheet.revision
    add_bet(sheet, Side.CTO, "New tech bet", cto)

    response = ceo_client.get(
        board_url(org, sheet, rev=seen, status="open"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and "New tech bet" in response.content.decode()


def test_the_poll_keeps_the_forms_a_person_has_open(ceo_client, org, sheet, ceo, cto):
    bet = add_bet(sheet, Side.CEO, "Being edited", ceo)
    add_bet(sheet, Side.CTO, "New tech bet", cto)

    response = ceo_client.get(
        board_url(org, sheet, rev=0, status="open", editing=f"bet-{bet.pk}"),
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert f'<li id="bet-{bet.pk}" hx-preserve></li>' in body
    assert "Being edited" not in body.split(f'id="bet-{bet.pk}"')[1].split("</li>")[0]


def test_the_poll_reloads_the_page_when_the_quarter_was_closed(ceo_client, org, sheet, ceo):
    hold(sheet, ceo)
    sheet.close(by=ceo, expected_version=sheet.version)
    response = ceo_client.get(board_url(org, sheet, rev=1, status="open"), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_every_saved_change_bumps_the_revision(sheet, ceo, cto):
    def revision():
        return BetSheet.objects.get(pk=sheet.pk).revision

    before = revision()
    bet = add_bet(sheet, Side.CEO, "A", ceo)
    assert revision() > before
    before = revision()
    bet.title = "B"
    bet.save_shared(by=ceo, expected_version=bet.version)
    assert revision() > before


def test_only_its_own_leader_keeps_or_drops_a_carried_bet(cto_client, org, sheet, ceo):
    add_bet(sheet, Side.CEO, "The CEO's call", ceo)
    nxt = BetSheet.start(org, sheet.next_quarter(), by=ceo)
    carried = nxt.bets.get()

    response = cto_client.post(
        reverse("alignment:delete_bet", args=[org.slug, carried.pk]),
        {"version": carried.version},
        HTTP_HX_REQUEST="true",
    )

    assert "Only the CEO keeps or drops" in response.content.decode()
    carried.refresh_from_db()
    assert carried.carry_status == Bet.PENDING
    page = cto_client.get(reverse("alignment:sheet", args=[org.slug, nxt.pk])).content.decode()
    assert "The CEO keeps or drops it." in page


def test_removing_a_linked_bet_records_its_links_going_too(ceo_client, org, sheet, ceo, cto):
    business = add_bet(sheet, Side.CEO, "Logos", ceo)
    tech = add_bet(sheet, Side.CTO, "SSO", cto)
    link(sheet, tech, business, cto)

    ceo_client.post(reverse("alignment:delete_bet", args=[org.slug, business.pk]), {"version": 1})

    deleted = [(c.object_repr, c.action) for c in sheet.changes() if c.action == "deleted"]
    assert ("SSO supports Logos", "deleted") in deleted and ("Logos", "deleted") in deleted
    assert reload(sheet).cto_bets()[0].is_linked() is False


def test_the_unchanged_poll_is_cheap(ceo_client, org, sheet, django_assert_max_num_queries):
    sheet.refresh_from_db()
    url = board_url(org, sheet, rev=sheet.revision, status="open")
    ceo_client.get(url, HTTP_HX_REQUEST="true")
    # session, user, membership and the session save (the foundation's); then one for the sheet
    with django_assert_max_num_queries(8):
        assert ceo_client.get(url, HTTP_HX_REQUEST="true").status_code == 204


def test_a_form_open_on_a_bet_removed_meanwhile_is_kept_apart(ceo_client, org, sheet, ceo):
    bet = add_bet(sheet, Side.CEO, "Gone", ceo)
    bet.remove(by=ceo, expected_version=bet.version)

    response = ceo_client.get(
        board_url(org, sheet, rev=0, status="open", editing=f"bet-{bet.pk}"),
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert "What you typed is kept here" in body
    assert f'<div id="bet-{bet.pk}" hx-preserve></div>' in body
