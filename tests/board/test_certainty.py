"""The board never tells anyone a date is certain when the forecast says it is not."""

import pytest

from tests.board.conftest import D
from tests.board.helpers import chart, csv_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def near_certain(make_initiative):
    # Best 2027-03-22, expected 05-03, worst 06-28: by 06-24 it is 99.98% likely, not certain.
    initiative = make_initiative(
        title="Nearly sure", commitment_date=D(2027, 6, 24), commitment_audience="board"
    )
    assert 0.995 < initiative.probability_of_meeting_commitment() < 1
    return initiative


@pytest.fixture
def near_impossible(make_initiative):
    initiative = make_initiative(
        title="Long shot", commitment_date=D(2027, 3, 24), commitment_audience="board"
    )
    assert 0 < initiative.probability_of_meeting_commitment() < 0.005
    return initiative


def test_the_board_csv_writes_a_near_certainty_as_more_than_99_percent(ceo_client, near_certain):
    heading, row = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    assert dict(zip(heading, row, strict=True))["P(meet commitment)"] == ">99%"


def test_the_board_chart_writes_a_long_shot_as_less_than_1_percent(ceo_client, near_impossible):
    svg = chart(ceo_client.get("/o/acme/board/").content.decode())
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "<1%" in texts and "0%" not in texts


def test_the_board_table_and_pdf_table_never_say_100_percent(ceo_client, near_certain):
    page = ceo_client.get("/o/acme/board/table/").content.decode()
    assert "&gt;99%" in page and "100%" not in page
