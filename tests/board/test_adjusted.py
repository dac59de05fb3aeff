"""The board shows the adjusted chance as a second line beside the raw one."""

import pytest

from calibration.board.figures import board_figures
from calibration.probability import percent_text
from tests.board.conftest import D
from tests.board.helpers import chart, csv_rows, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(make_initiative, cto):
    """Five of Tom CTO's initiatives, each delivered late in its range."""
    for k in range(5):
        i = make_initiative(title=f"Late {k}")
        i.status, i.delivered_on = "delivered", D(2027, 6, 14 + k)
        i.save_shared(by=cto, expected_version=i.version, note="Shipped")


@pytest.fixture
def live(make_initiative, record):
    return make_initiative(
        title="Live one", commitment_date=D(2027, 5, 20), commitment_audience="board"
    )


def test_the_csv_carries_the_adjusted_chance_beside_the_raw_one(ceo_client, org, live):
    heading, *lines = csv_rows(ceo_client.get("/o/acme/board/board.csv"))
    row = dict(zip(heading, lines[0], strict=True))
    (figures,) = board_figures(org).rows
    assert row["P(meet commitment)"] == percent_text(live.probability_of_meeting_commitment())
    assert row["Adjusted P(meet)"] == percent_text(figures.adjusted_probability)
    assert figures.adjusted_probability < live.probability_of_meeting_commitment()
    assert row["Adjusted forecast"].startswith("Given Tom CTO's record (5 delivered): P(meet) ")


def test_the_chart_draws_the_adjusted_chance_under_the_raw_one(ceo_client, org, live):
    (figures,) = board_figures(org).rows
    (row,) = rows(chart(ceo_client.get("/o/acme/board/").content.decode()))
    texts = [t.text for t in row.iter("{http://www.w3.org/2000/svg}text")]
    assert figures.probability_text in texts
    assert f"adj. {figures.adjusted_text}" in texts


def test_without_a_record_the_table_says_why(ceo_client, make_initiative):
    make_initiative(title="Alone", commitment_date=D(2027, 5, 20), commitment_audience="board")
    page = ceo_client.get("/o/acme/board/table/").content.decode()
    assert "No adjusted forecast yet: Tom CTO has 0 delivered initiatives on record" in page
