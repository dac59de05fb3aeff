"""The divergence agenda generated from the sheet, and the explicit call on each item."""

import pytest
from django.urls import reverse

from calibration.alignment.models import AgendaItem, Call, Side
from tests.alignment.conftest import add_bet, link, make_call, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def bets(sheet, ceo, cto):
    """Two CEO bets, three tech bets: one link, so two tech bets and one CEO bet diverge."""
    b = {
        "logos": add_bet(sheet, Side.CEO, "Enterprise logos", ceo),
        "germany": add_bet(sheet, Side.CEO, "Germany", ceo),
        "sso": add_bet(sheet, Side.CTO, "SSO", cto),
        "events": add_bet(sheet, Side.CTO, "Event streaming", cto),
        "rewrite": add_bet(sheet, Side.CTO, "Rewrite the frontend", cto),
    }
    link(sheet, b["sso"], b["logos"], cto)
    return b


def test_the_agenda_lists_unlinked_tech_bets_then_unsupported_ceo_bets(sheet, bets):
    agenda = reload(sheet).divergence_agenda()
    assert [(i.bet.title, i.kind) for i in agenda] == [
        ("Event streaming", AgendaItem.UNLINKED_TECH_BET),
        ("Rewrite the frontend", AgendaItem.UNLINKED_TECH_BET),
        ("Germany", AgendaItem.UNSUPPORTED),
    ]


def test_the_time_boxes_fit_the_thirty_minute_session(sheet, bets):
    agenda = reload(sheet).divergence_agenda()
    assert [i.minutes for i in agenda] == [9, 8, 8]
    assert agenda[0].starts_at_minute == 2
    assert agenda[-1].ends_at_minute == 27  # three minutes left to confirm the calls
    assert all(
        a.ends_at_minute == b.starts_at_minute for a, b in zip(agenda, agenda[1:], strict=False)
    )


def test_ten_items_still_fit(sheet, ceo, cto):
    for n in range(5):
        add_bet(sheet, Side.CEO, f"C{n}", ceo)
        add_bet(sheet, Side.CTO, f"T{n}", cto)
    agenda = reload(sheet).divergence_agenda()
    assert len(agenda) == 10 and agenda[-1].ends_at_minute <= 30


def test_linking_takes_a_bet_off_the_agenda(sheet, bets, cto):
    link(sheet, bets["events"], bets["germany"], cto)
    titles = [i.bet.title for i in reload(sheet).divergence_agenda()]
    assert titles == ["Rewrite the frontend"]


def test_an_empty_sheet_has_no_agenda(sheet):
    assert reload(sheet).divergence_agenda() == []


def test_agenda_items_are_highlighted_on_the_sheet(ceo_client, org, sheet, bets):
    page = ceo_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert page.count("bet bet--diverged") == 3
    assert "3 items, 3 open" in page


def call_data(kind, reason="Because we decided", **extra):
    return {"kind": kind, "reason": reason, "target": "", "rewrite": "", "version": 0, **extra}


def test_a_tech_bet_is_continued_with_reason_who_and_when(cto_client, org, sheet, bets, cto):
    url = reverse("alignment:call", args=[org.slug, bets["events"].pk])
    cto_client.post(url, call_data("continue", "Ahead of the business on purpose"))

    call = bets["events"].call()
    assert (call.kind, call.reason, call.made_by, call.made_on) == (
        "continue",
        "Ahead of the business on purpose",
        cto,
        org.today(),
    )
    fresh = reload(sheet)
    assert fresh.open_item_count() == 2
    page = cto_client.get(reverse("alignment:sheet", args=[org.slug, sheet.pk])).content.decode()
    assert "Ahead of the business on purpose" in page and "Tom CTO" in page


def test_a_redirect_names_the_ceo_bet(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["rewrite"].pk])
    ceo_client.post(url, call_data("redirect", target=bets["logos"].pk))
    assert bets["rewrite"].call().target == bets["logos"]


def test_a_redirect_may_rewrite_the_bet_instead(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["rewrite"].pk])
    ceo_client.post(url, call_data("redirect", rewrite="Frontend for self-serve signup"))
    assert bets["rewrite"].call().rewrite == "Frontend for self-serve signup"


def test_a_redirect_without_a_target_or_rewrite_is_refused_at_its_field(
    ceo_client, org, sheet, bets
):
    url = reverse("alignment:call", args=[org.slug, bets["rewrite"].pk])
    response = ceo_client.post(url, call_data("redirect", "Kept reason"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Say which CEO bet it is redirected to" in body and "Kept reason" in body
    assert bets["rewrite"].call() is None


def test_a_call_without_a_reason_is_refused(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["events"].pk])
    response = ceo_client.post(url, call_data("stop", ""), HTTP_HX_REQUEST="true")
    assert "Give the reason for the call" in response.content.decode()
    assert not Call.objects.exists()


def test_a_ceo_bet_cannot_get_a_tech_bet_call(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["germany"].pk])
    response = ceo_client.post(url, call_data("stop"), HTTP_HX_REQUEST="true")
    assert "Select a valid choice" in response.content.decode()
    assert not Call.objects.exists()


def test_a_ceo_bet_needs_a_tech_bet_which_one(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["germany"].pk])
    ceo_client.post(url, call_data("needs_tech_bet", target=bets["events"].pk))
    assert bets["germany"].call().target == bets["events"]


def test_needs_a_tech_bet_must_say_which(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["germany"].pk])
    response = ceo_client.post(url, call_data("needs_tech_bet"), HTTP_HX_REQUEST="true")
    assert "Say which tech bet it needs" in response.content.decode()


def test_a_ceo_bet_accepted_without_a_tech_bet(ceo_client, org, sheet, bets):
    url = reverse("alignment:call", args=[org.slug, bets["germany"].pk])
    ceo_client.post(url, call_data("accepted", "Sales-led, no engineering needed"))
    assert bets["germany"].call().kind == "accepted"


def test_changing_a_call_keeps_its_history(ceo_client, cto_client, org, sheet, bets, cto):
    call = make_call(sheet, bets["events"], Call.CONTINUE, cto)
    url = reverse("alignment:call", args=[org.slug, bets["events"].pk])
    ceo_client.post(url, call_data("stop", "Out of budget", version=call.version))
    call.refresh_from_db()
    assert call.kind == "stop"
    assert [c.action for c in call.history()] == ["changed", "created"]


def test_open_items_are_counted_on_the_organization_home(ceo_client, org, sheet, bets, cto):
    make_call(sheet, bets["events"], Call.CONTINUE, cto)
    page = ceo_client.get(reverse("home", args=[org.slug])).content.decode()
    assert "2 open items" in page


def test_the_home_invites_to_start_the_quarter_when_there_is_no_sheet(ceo_client, org):
    page = ceo_client.get(reverse("home", args=[org.slug])).content.decode()
    assert "No bet sheet for FY" in page and "Start the FY" in page


def test_a_call_made_meanwhile_by_the_other_leader_shows_as_a_conflict(
    ceo_client, cto_client, org, sheet, bets
):
    url = reverse("alignment:call", args=[org.slug, bets["events"].pk])
    ceo_client.post(url, call_data("stop", "Out of budget"))  # both opened the empty form

    response = cto_client.post(url, call_data("continue", "On purpose"), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "saved this while you were editing" in body
    assert "On purpose" in body and "Out of budget" in body
    assert bets["events"].call().kind == "stop"


def test_the_home_shows_the_session_in_the_company_time_zone(ceo_client, org, sheet, ceo):
    from datetime import UTC, datetime

    org.time_zone = "America/New_York"
    org.save()
    sheet.session_at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    sheet.save_shared(by=ceo, expected_version=sheet.version)
    page = ceo_client.get(reverse("home", args=[org.slug])).content.decode()
    assert "2 Dec 2026, 10:00 (America/New_York)" in page
