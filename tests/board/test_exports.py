"""The table, the CSV and the PDF carry the same figures as the chart."""

import datetime
import html as htmllib

import pytest

from calibration.board import pdf
from calibration.board.figures import COLUMNS, board_figures, table
from calibration.formats import date_text, signed_duration_text
from tests.board.conftest import D, change
from tests.board.helpers import chart, csv_rows, rows

pytestmark = pytest.mark.django_db

DATE_COLUMNS = {
    "Start",
    "Best case",
    "Plan (expected case)",
    "Worst case",
    "Commitment",
    "Tracking date",
    "Changed on",
    "Delivered on",
}


@pytest.fixture
def board(org, make_initiative, make_indicator, ceo, cto):
    a = make_initiative(
        title="Payments, “v2” & ledger", commitment_date=D(2027, 4, 1), commitment_audience="board"
    )
    make_indicator(a, due_on=D(2027, 1, 20))
    change(a, cto, expected_date=D(2027, 5, 17), note="Vendor delay")
    a.refresh_from_db()
    a.acknowledge(by=ceo, role="ceo", expected_version=a.version)
    make_initiative(
        title="Mobile app",
        best_date=D(2027, 4, 5),
        expected_date=D(2027, 6, 7),
        worst_date=D(2027, 7, 26),
        commitment_date=D(2027, 7, 1),
        commitment_audience="customers",
    )
    make_initiative(title="Search")
    return board_figures(org)


def test_the_csv_has_a_heading_row_and_the_figures_of_each_row(ceo_client, board):
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    assert data[0] == [h for h, *_ in COLUMNS]
    headings, cells = table(board.rows, for_a_file=True)
    assert data[1:] == [c for _, c in cells]
    pay = dict(zip(data[0], data[1], strict=True))
    assert pay["Initiative"] == "Payments, “v2” & ledger"
    assert pay["Plan (expected case)"] == "2027-05-17"
    assert pay["Commitment"] == "2027-04-01"
    assert pay["Gap (weeks)"] == "6.6"
    assert pay["Checkpoints"] == "1 overdue"
    assert pay["CEO acknowledged"].startswith("Ada CEO, ")
    assert pay["Reason"] == "Vendor delay"


def as_a_person_reads_it(heading, cell):
    """A CSV cell written as the pages write it: dates "17 May 2027", weeks and days."""
    if cell and heading in DATE_COLUMNS:
        return date_text(datetime.date.fromisoformat(cell))
    if cell and heading == "Gap (weeks)":
        return signed_duration_text(float(cell))
    return cell


def test_the_table_view_shows_every_figure_of_the_csv_as_the_pages_write_it(ceo_client, board):
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    page = ceo_client.get("/o/acme/board/table/").content.decode()
    for line in data[1:]:
        for heading, cell in zip(data[0], line, strict=True):
            text = as_a_person_reads_it(heading, cell)
            assert htmllib.escape(text, quote=False) in page or htmllib.escape(text) in page, text
    assert "17 May 2027" in page and "2027-05-17" not in page


def test_the_chart_shows_the_same_probability_and_gap_as_the_csv(ceo_client, board):
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    svg = chart(ceo_client.get("/o/acme/board/").content.decode())
    for line, row in zip(data[1:], rows(svg), strict=True):
        figures = dict(zip(data[0], line, strict=True))
        texts = [t.text for t in row.iter("{http://www.w3.org/2000/svg}text")]
        assert (figures["P(meet commitment)"] or "—") in texts
        gap = figures["Gap (weeks)"]
        assert (signed_duration_text(float(gap)) if gap else "—") in texts


def test_the_filters_apply_to_the_csv_too(ceo_client, board):
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv?audience=customers"))
    assert [line[0] for line in data[1:]] == ["Mobile app"]


def test_the_pdf_is_made_from_html_with_the_same_figures(ceo_client, board, monkeypatch):
    seen = []
    real = pdf.html_to_pdf

    def spy(html, base_url=None):
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(pdf, "html_to_pdf", spy)
    response = ceo_client.get("/o/acme/board/board.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="acme-board-2027-02-01.pdf"'
    assert response.content.startswith(b"%PDF")
    html = seen[0]
    assert "Acme" in html and "2027-02-01" in html and "Legend" in html
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    for line in data[1:]:
        for heading, cell in zip(data[0], line, strict=True):
            text = as_a_person_reads_it(heading, cell)
            assert htmllib.escape(text, quote=False) in html or htmllib.escape(text) in html, text
    # The chart is in it, cut into landscape pages on one axis.
    assert html.count('class="board-chart"') == 1
    assert "board-print-page" in html


def test_many_initiatives_are_cut_into_several_printed_pages(ceo_client, make_initiative):
    for n in range(25):
        make_initiative(title=f"Initiative {n}")
    page = ceo_client.get("/o/acme/board/print/").content.decode()
    # 11 + 11 + 3 rows, then the figures and the legend
    assert page.count('<div class="board-print-page">') == 4
    assert "(3/3)" in page


def test_typed_text_is_not_run_as_a_spreadsheet_formula(ceo_client, make_initiative):
    make_initiative(
        title='=HYPERLINK("http://evil.test")',
        best_date=D(2027, 5, 3),
        commitment_date=D(2027, 6, 7),
        commitment_audience="board",
    )
    data = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    line = dict(zip(data[0], data[1], strict=True))
    assert line["Initiative"] == '\'=HYPERLINK("http://evil.test")'
    assert line["Gap (weeks)"] == "-5"  # numbers stay numbers


def test_the_same_pdf_is_made_once_and_then_served_from_the_cache(ceo_client, board, monkeypatch):
    import hashlib

    from django.core.cache import cache

    from calibration.board import views

    monkeypatch.setattr(views, "PDF_CACHE_SECONDS", 60)
    calls = []
    monkeypatch.setattr(
        pdf, "html_to_pdf", lambda html, base_url=None: calls.append(html) or b"%PDF-x"
    )
    try:
        first = ceo_client.get("/o/acme/board/board.pdf").content
        second = ceo_client.get("/o/acme/board/board.pdf").content
        assert first == second == b"%PDF-x" and len(calls) == 1
        ceo_client.get("/o/acme/board/board.pdf?sort=date")  # other HTML, another PDF
        assert len(calls) == 2
    finally:
        for html in calls:
            cache.delete("board-pdf:" + hashlib.sha256(html.encode()).hexdigest())
