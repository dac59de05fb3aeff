"""Drift across quarters, the exports, and bounded queries."""

import csv
import io

import pytest
from django.urls import reverse

from calibration.alignment.drift import drift_report
from calibration.alignment.models import BetSheet, Call, Side, with_everything
from tests.alignment.conftest import add_bet, link, make_call
from tests.queries import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]


def close(sheet, by):
    sheet.held_on = sheet.starts_on
    sheet.save_shared(by=by, expected_version=sheet.version)
    sheet.close(by=by, expected_version=sheet.version)


@pytest.fixture
def two_quarters(org, sheet, ceo, cto):
    """Q1: logos ← sso; germany (needs a tech bet); events (continue), frontend (stop).
    Q2: logos kept and edited, events kept and still unlinked, germany dropped, partners
    added."""
    logos = add_bet(sheet, Side.CEO, "Logos", ceo)
    germany = add_bet(sheet, Side.CEO, "Germany", ceo)
    sso = add_bet(sheet, Side.CTO, "SSO", cto)
    events = add_bet(sheet, Side.CTO, "Events", cto)
    frontend = add_bet(sheet, Side.CTO, "Frontend", cto)
    link(sheet, sso, logos, cto)
    make_call(sheet, events, Call.CONTINUE, cto)
    make_call(sheet, frontend, Call.STOP, ceo)
    make_call(sheet, germany, Call.NEEDS_TECH_BET, ceo, rewrite="EU region")
    close(sheet, ceo)
    nxt = BetSheet.start(org, sheet.next_quarter(), by=ceo)
    copies = {b.carried_from_id: b for b in nxt.bets.all()}
    edited = copies[logos.pk]
    edited.title = "Logos in banking"
    edited.save_shared(by=ceo, expected_version=edited.version)
    dropped = copies[germany.pk]
    dropped.delete_shared(by=ceo, expected_version=dropped.version)
    add_bet(nxt, Side.CEO, "Partners", ceo)
    return sheet, nxt


def report_for(org):
    return drift_report(list(with_everything(BetSheet.objects.for_org(org)).order_by("starts_on")))


def test_drift_counts_persisted_changed_dropped_added(org, two_quarters):
    first, second = report_for(org).quarters
    assert len(first.added) == 5 and not (first.persisted or first.changed or first.dropped)
    assert [b.title for b in second.persisted] == ["SSO", "Events"]
    assert [(c.bet.title, c.before.title, c.fields) for c in second.changed] == [
        ("Logos in banking", "Logos", ["bet"])
    ]
    assert {b.title for b in second.dropped} == {"Germany", "Frontend"}
    assert [b.title for b in second.added] == ["Partners"]


def test_drift_counts_divergence_and_calls_per_quarter(org, two_quarters):
    first, second = report_for(org).quarters
    assert first.divergence_count == 3 and first.open_count == 0
    assert first.calls == {
        "continue": 1,
        "redirect": 0,
        "stop": 1,
        "needs_tech_bet": 1,
        "accepted": 0,
    }
    assert second.divergence_count == 2 and second.call_total == 0


def test_a_tech_bet_unlinked_two_quarters_in_a_row_is_called_out(ceo_client, org, two_quarters):
    report = report_for(org)
    assert [(s.label, b.title) for s, b in report.unlinked_again] == [
        (two_quarters[1].label, "Events")
    ]
    page = ceo_client.get(reverse("alignment:drift", args=[org.slug])).content.decode()
    assert "unlinked two quarters in a row" in page and "Events" in page


def test_the_drift_page_with_no_sheets_explains_itself(ceo_client, org):
    page = ceo_client.get(reverse("alignment:drift", args=[org.slug])).content.decode()
    assert "No bet sheets yet" in page


@pytest.fixture
def full_sheet(org, sheet, ceo, cto):
    logos = add_bet(sheet, Side.CEO, "Logos", ceo, notes="Two in procurement")
    add_bet(sheet, Side.CEO, "Germany", ceo)
    sso = add_bet(sheet, Side.CTO, "SSO, SCIM", cto)
    events = add_bet(sheet, Side.CTO, "Events", cto)
    link(sheet, sso, logos, cto)
    make_call(sheet, events, Call.CONTINUE, cto, reason="Ahead on purpose")
    return sheet


def test_the_markdown_export_has_the_sheet_and_agenda(ceo_client, org, full_sheet):
    response = ceo_client.get(reverse("alignment:export_markdown", args=[org.slug, full_sheet.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert (
        f'filename="acme-{full_sheet.label.replace(" ", "-")}-bets.md"'
        in (response["Content-Disposition"])
    )
    assert f"# Acme — bet sheet {full_sheet.label}" in text
    assert "1. **Logos**" in text and "Supported by: SSO, SCIM" in text
    assert "Unlinked tech bet — CTO bet “Events”" in text
    assert "**Continue** — “Ahead on purpose” (Tom CTO" in text
    assert "Unsupported — CEO bet “Germany”" in text and "Call: open" in text
    assert "&amp;" not in text


def test_the_csv_export_has_one_row_per_bet(ceo_client, org, full_sheet):
    response = ceo_client.get(reverse("alignment:export_csv", args=[org.slug, full_sheet.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["column"], r["rank"], r["bet"]) for r in rows] == [
        ("CEO", "1", "Logos"),
        ("CEO", "2", "Germany"),
        ("CTO", "1", "SSO, SCIM"),
        ("CTO", "2", "Events"),
    ]
    events = rows[3]
    assert (events["agenda item"], events["call"], events["reason"]) == (
        "Unlinked tech bet",
        "Continue",
        "Ahead on purpose",
    )
    assert events["time box (min)"] and rows[0]["linked to"] == "SSO, SCIM"


def test_the_printable_page_is_one_landscape_page(ceo_client, org, full_sheet):
    page = ceo_client.get(reverse("alignment:print", args=[org.slug, full_sheet.pk]))
    body = page.content.decode()
    assert 'class="alignment-print"' in body
    assert "Logos" in body and "Ahead on purpose" in body and "Divergence agenda" in body
    with open("static/css/app.css") as css:
        assert "size: landscape" in css.read()


# --- bounded queries -------------------------------------------------------------------


def grow(org, ceo, cto, quarters, bets_per_side):
    from calibration.quarters import current_quarter

    quarter = current_quarter(org)
    for _ in range(quarters):
        sheet = BetSheet.start(org, quarter, by=ceo)
        ceo_bets = [
            add_bet(sheet, Side.CEO, f"C{quarter}{n}", ceo)
            for n in range(bets_per_side - sheet.bets.filter(side="ceo").count())
        ]
        cto_bets = [
            add_bet(sheet, Side.CTO, f"T{quarter}{n}", cto)
            for n in range(bets_per_side - sheet.bets.filter(side="cto").count())
        ]
        for tech, business in zip(cto_bets[1:], ceo_bets, strict=False):
            link(sheet, tech, business, cto)
        if cto_bets:
            make_call(sheet, cto_bets[0], Call.CONTINUE, cto)
        quarter = quarter.next()
    return sheet


def test_the_sheet_page_runs_the_same_queries_at_two_sizes(ceo_client, org, ceo, cto):
    small = grow(org, ceo, cto, quarters=1, bets_per_side=1)
    url = reverse("alignment:sheet", args=[org.slug, small.pk])
    few = count_queries(ceo_client, url)
    grow(org, ceo, cto, quarters=1, bets_per_side=5)
    assert count_queries(ceo_client, url) == few


def test_the_drift_view_runs_the_same_queries_at_two_sizes(ceo_client, org, ceo, cto):
    grow(org, ceo, cto, quarters=1, bets_per_side=1)
    url = reverse("alignment:drift", args=[org.slug])
    few = count_queries(ceo_client, url)
    grow(org, ceo, cto, quarters=6, bets_per_side=5)
    assert count_queries(ceo_client, url) == few


def test_the_home_runs_the_same_queries_at_two_sizes(ceo_client, org, ceo, cto):
    grow(org, ceo, cto, quarters=1, bets_per_side=1)
    url = reverse("home", args=[org.slug])
    few = count_queries(ceo_client, url)
    grow(org, ceo, cto, quarters=1, bets_per_side=5)
    assert count_queries(ceo_client, url) == few


def test_the_exports_run_the_same_queries_at_two_sizes(ceo_client, org, ceo, cto):
    sheet = grow(org, ceo, cto, quarters=1, bets_per_side=1)
    urls = [
        reverse(name, args=[org.slug, sheet.pk])
        for name in ("alignment:print", "alignment:export_markdown", "alignment:export_csv")
    ]
    few = [count_queries(ceo_client, url) for url in urls]
    grow(org, ceo, cto, quarters=1, bets_per_side=5)
    assert [count_queries(ceo_client, url) for url in urls] == few
