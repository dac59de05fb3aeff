"""The board shows the adjusted chance as a second line beside the raw one."""

import pytest

from calibration.board.figures import COLUMNS, GROUPS, board_figures
from calibration.probability import percent_text
from calibration.timeline.adjusted import Basis, adjusted
from calibration.timeline.track_record import rows_for
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
    expected = adjusted(live.forecast(), Basis.of("Tom CTO", rows_for(org)))
    assert row["Adjusted forecast"] == (
        f"P50 {expected.p50}, P85 {expected.p85} — Tom CTO's record, 5 delivered"
    )


def test_the_chart_draws_the_adjusted_chance_under_the_raw_one(ceo_client, org, live):
    (figures,) = board_figures(org).rows
    (row,) = rows(chart(ceo_client.get("/o/acme/board/").content.decode()))
    texts = [t.text for t in row.iter("{http://www.w3.org/2000/svg}text")]
    assert figures.probability_text in texts
    assert f"adj. {figures.adjusted_text}" in texts


def test_without_a_record_the_table_says_why(ceo_client, make_initiative):
    make_initiative(title="Alone", commitment_date=D(2027, 5, 20), commitment_audience="board")
    page = ceo_client.get("/o/acme/board/table/").content.decode()
    assert "none yet: Tom CTO has 0 of the 5 deliveries it needs" in page


def test_every_figure_of_the_csv_is_in_exactly_one_group_of_the_table():
    grouped = [name for _, names in GROUPS for name in names]
    assert sorted(grouped) == sorted(heading for heading, *_ in COLUMNS)
