"""A board of more than 50 initiatives: the chart and the table show 50 at a time, with page
links that keep the filters; the print view and the PDF still hold every initiative."""

import datetime

import pytest

from calibration.board import pdf
from tests.board.conftest import D
from tests.board.helpers import chart, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifty_one(make_initiative):
    """Initiative 01 … Initiative 51, planned a day apart in that order."""
    return [
        make_initiative(
            title=f"Initiative {n:02}",
            expected_date=D(2027, 5, 3) + datetime.timedelta(days=n),
            worst_date=D(2027, 8, 2),
        )
        for n in range(1, 52)
    ]


def test_the_chart_shows_the_first_fifty_and_says_how_many_there_are(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/?sort=date").content.decode()
    assert len(rows(chart(html))) == 50
    assert "1–50 of 51 initiatives" in html
    assert "Initiative 50" in html and "Initiative 51" not in html


def test_the_second_page_shows_the_51st_initiative(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/?sort=date&page=2").content.decode()
    assert [r.get("data-initiative") for r in rows(chart(html))] == [str(fifty_one[50].pk)]
    assert "51–51 of 51 initiatives" in html


def test_page_links_keep_the_filters(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/?status=all&sort=date").content.decode()
    assert 'href="?status=all&amp;sort=date&amp;page=2"' in html


def test_the_table_is_paged_too(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/table/?sort=date&page=2").content.decode()
    assert "Initiative 51" in html and "Initiative 50" not in html
    assert "51–51 of 51 initiatives" in html


def test_the_board_page_draws_no_print_pages(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/").content.decode()
    assert "board-print-page" not in html
    assert 'href="/o/acme/board/print/"' in html


def test_the_print_view_holds_every_initiative(ceo_client, fifty_one):
    html = ceo_client.get("/o/acme/board/print/?sort=date").content.decode()
    for initiative in fifty_one:
        assert f'data-initiative="{initiative.pk}"' in html
    assert "(5/5)" in html  # 51 rows, 11 to a landscape page


def test_the_pdf_holds_every_initiative(ceo_client, fifty_one, monkeypatch):
    seen = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, base_url=None: seen.append(html) or b"")
    ceo_client.get("/o/acme/board/board.pdf")
    for initiative in fifty_one:
        assert initiative.title in seen[0]
        assert f'data-initiative="{initiative.pk}"' in seen[0]
