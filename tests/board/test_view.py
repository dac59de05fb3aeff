"""The board view: one row per initiative on a shared time axis, drawn as SVG."""

import pytest
from django.urls import reverse

from calibration.board.chart import Axis
from calibration.timeline.models import LeadingIndicator
from tests.board.conftest import TODAY, D, change
from tests.board.helpers import chart, marks, rows, svgs

pytestmark = pytest.mark.django_db

URL = "/o/acme/board/"


@pytest.fixture
def three(make_initiative, make_indicator, ceo, cto):
    """Two active initiatives with commitments and checkpoints, one proposed, one delivered."""
    pay = make_initiative(
        title="Payments platform", commitment_date=D(2027, 4, 1), commitment_audience="board"
    )
    make_indicator(pay, description="Vendor contract signed", due_on=D(2027, 1, 20))  # overdue
    met = make_indicator(pay, description="Ledger design agreed", due_on=D(2027, 1, 15))
    met.status, met.resolved_on, met.evidence = "met", D(2027, 1, 14), "Design doc signed off"
    met.save_shared(by=cto, expected_version=met.version)
    make_indicator(pay, description="Data migration completed", due_on=D(2027, 3, 1))  # pending
    mobile = make_initiative(
        title="Mobile app",
        best_date=D(2027, 4, 5),
        expected_date=D(2027, 6, 7),
        worst_date=D(2027, 7, 26),
        commitment_date=D(2027, 7, 1),
        commitment_audience="customers",
    )
    missed = make_indicator(mobile, description="Design system shipped", due_on=D(2027, 1, 25))
    missed.status, missed.resolved_on = "missed", D(2027, 1, 26)
    missed.save_shared(by=cto, expected_version=missed.version)
    make_initiative(title="Data warehouse", status="proposed")
    make_initiative(
        title="Old billing",
        status="delivered",
        delivered_on=D(2027, 1, 20),
        best_date=D(2027, 1, 10),
        expected_date=D(2027, 1, 18),
        worst_date=D(2027, 2, 1),
    )
    return pay, mobile


def test_the_svg_is_well_formed_with_one_row_per_active_initiative(ceo_client, three):
    html = ceo_client.get(URL).content.decode()
    svg = chart(html)
    assert svg.get("viewBox").startswith("0 0 1280 ")
    titles = [r.find("s:title", {"s": "http://www.w3.org/2000/svg"}).text for r in rows(svg)]
    assert len(titles) == 2
    assert any(t.startswith("Payments platform") for t in titles)
    assert any(t.startswith("Mobile app") for t in titles)
    assert "Data warehouse" not in html and "Old billing" not in html
    for printed in svgs(html)[1:]:  # the print pages are well-formed too
        assert printed.get("class") == "board-chart"


def test_marks_sit_at_the_x_of_their_dates_on_the_shared_axis(ceo_client, three):
    pay, mobile = three
    svg = chart(ceo_client.get(URL).content.decode())
    # Dates on the view: earliest checkpoint 2027-01-15 … latest worst case 2027-07-26
    # (+10 days → August): the axis runs from 1 January to 1 September (243 days).
    assert (svg.get("data-axis-start"), svg.get("data-axis-end")) == ("2027-01-01", "2027-09-01")
    axis = Axis(D(2027, 1, 1), D(2027, 9, 1))
    by_id = {int(r.get("data-initiative")): r for r in rows(svg)}
    row = by_id[pay.pk]
    band = marks(row, "band")[0]
    assert float(band.get("x")) == axis.x(D(2027, 3, 22))
    assert float(band.get("x")) + float(band.get("width")) == pytest.approx(
        axis.x(D(2027, 6, 28)), abs=0.11
    )
    plan = marks(row, "plan")[0]
    assert (
        float(plan.get("data-x"))
        == axis.x(D(2027, 5, 3))
        == pytest.approx(260 + 122 * 600 / 243, abs=0.05)
    )
    assert float(marks(row, "commitment")[0].get("data-x")) == axis.x(D(2027, 4, 1))
    assert float(marks(row, "tracking")[0].get("cx")) == axis.x(D(2027, 5, 3))
    # Mobile app missed an indicator that means "worst": it tracks its worst case, in red.
    tracking = marks(by_id[mobile.pk], "tracking")[0]
    assert "tracking--worst" in tracking.get("class")
    assert float(tracking.get("cx")) == axis.x(D(2027, 7, 26))
    today = svg.find(".//s:g[@class='today']", {"s": "http://www.w3.org/2000/svg"})
    assert (
        float(today.get("data-x")) == axis.x(TODAY) == pytest.approx(260 + 31 * 600 / 243, abs=0.05)
    )


def test_checkpoints_show_as_met_missed_pending_and_overdue(ceo_client, three):
    pay, mobile = three
    svg = chart(ceo_client.get(URL).content.decode())
    by_id = {int(r.get("data-initiative")): r for r in rows(svg)}
    states = sorted(c.get("class").split("--")[1] for c in marks(by_id[pay.pk], "checkpoint"))
    assert states == ["met", "overdue", "pending"]
    assert [c.get("class") for c in marks(by_id[mobile.pk], "checkpoint")] == [
        "checkpoint checkpoint--missed"
    ]


def test_each_row_says_itself_in_words(ceo_client, three):
    html = ceo_client.get(URL).content.decode()
    row = rows(chart(html))[0]
    label = row.get("aria-label")
    assert row.get("role") == "listitem"
    assert "commitment to the board 1 Apr 2027" in label
    assert "checkpoints: 1 met, 1 pending, 1 overdue" in label
    assert "The chart in words" in html


def test_beside_each_row_the_probability_gap_last_change_and_acknowledgements(
    ceo_client, three, ceo, cto
):
    pay, _ = three
    change(pay, cto, expected_date=D(2027, 5, 24), note="Vendor delay")
    pay.refresh_from_db()
    pay.acknowledge(by=ceo, role="ceo", expected_version=pay.version)
    svg = chart(ceo_client.get(URL).content.decode())
    row = [r for r in rows(svg) if int(r.get("data-initiative")) == pay.pk][0]
    texts = [t.text for t in row.iter("{http://www.w3.org/2000/svg}text")]
    pay.refresh_from_db()
    # About 0.3%: a long shot, but not "0%" (issue 16: no certainty the forecast does not have).
    assert 0 < pay.probability_of_meeting_commitment() < 0.005
    assert "<1%" in texts
    assert "+7 weeks 4 days" in texts  # 2027-04-01 → 2027-05-24: 53 days
    assert "Plan +3 weeks → 24 May 2027" in texts
    assert "CEO ✓ Ada CEO" in texts and "CTO — not yet" in texts


def test_risk_sort_puts_the_lowest_probability_first_and_date_sort_the_earliest_plan(
    ceo_client, make_initiative
):
    safe = make_initiative(title="Safe", commitment_date=D(2027, 7, 1), commitment_audience="board")
    risky = make_initiative(
        title="Risky",
        expected_date=D(2027, 4, 1),
        worst_date=D(2027, 5, 1),
        commitment_date=D(2027, 3, 25),
        commitment_audience="board",
    )
    none = make_initiative(title="No date", expected_date=D(2027, 3, 29), worst_date=D(2027, 4, 2))

    def order(query):
        return [
            int(r.get("data-initiative"))
            for r in rows(chart(ceo_client.get(URL + query).content.decode()))
        ]

    assert order("") == [risky.pk, safe.pk, none.pk]
    assert order("?sort=date") == [none.pk, risky.pk, safe.pk]


def test_filters_by_status_audience_and_commitment_quarter(ceo_client, make_initiative):
    make_initiative(title="Board Q2", commitment_date=D(2027, 5, 10), commitment_audience="board")
    make_initiative(
        title="Partner Q3", commitment_date=D(2027, 8, 2), commitment_audience="partner"
    )
    make_initiative(title="Uncommitted")
    make_initiative(title="Someday", status="proposed")

    def titles(query):
        svg = chart(ceo_client.get(URL + query).content.decode())
        return sorted(
            r.find("s:title", {"s": "http://www.w3.org/2000/svg"}).text.split(" (")[0]
            for r in rows(svg)
        )

    assert titles("") == ["Board Q2", "Partner Q3", "Uncommitted"]
    assert titles("?audience=board") == ["Board Q2"]
    assert titles("?audience=none") == ["Uncommitted"]
    assert titles("?quarter=2027Q3") == ["Partner Q3"]
    assert titles("?quarter=none") == ["Uncommitted"]
    assert titles("?status=proposed") == ["Someday"]
    assert titles("?status=bogus&sort=bogus") == titles("")
    page = ceo_client.get(URL).content.decode()
    assert "FY27 Q2 (Apr–Jun 2027)" in page and "FY27 Q3 (Jul–Sep 2027)" in page


def test_quarter_filter_follows_the_fiscal_year(ceo_client, org, make_initiative):
    org.fiscal_year_start_month = 4
    org.save()
    make_initiative(title="Board Q2", commitment_date=D(2027, 5, 10), commitment_audience="board")
    page = ceo_client.get(URL).content.decode()
    assert "FY28 Q1 (Apr–Jun 2027)" in page
    assert len(rows(chart(ceo_client.get(URL + "?quarter=2028Q1").content.decode()))) == 1


def test_an_empty_board_says_what_it_will_show(ceo_client):
    html = ceo_client.get(URL).content.decode()
    assert "No active initiatives yet." in html
    assert "<svg" not in html
    assert reverse("board:new_snapshot", args=["acme"]) not in html


def test_observers_read_the_view_but_cannot_prepare_a_snapshot(client, observer, three):
    client.force_login(observer)
    html = client.get(URL).content.decode()
    assert len(rows(chart(html))) == 2
    assert "Prepare for board meeting" not in html
    assert client.get(reverse("board:new_snapshot", args=["acme"])).status_code == 403


def test_the_nav_links_to_the_board_view(ceo_client):
    html = ceo_client.get("/o/acme/").content.decode()
    assert 'href="/o/acme/board/">Board</a>' in html


def test_a_pending_checkpoint_marked_missed_changes_the_row(ceo_client, three, cto):
    pay, _ = three
    ind = LeadingIndicator.objects.get(description="Data migration completed")
    ind.status, ind.resolved_on = "missed", D(2027, 1, 31)
    ind.save_shared(by=cto, expected_version=ind.version)
    svg = chart(ceo_client.get(URL).content.decode())
    row = [r for r in rows(svg) if int(r.get("data-initiative")) == pay.pk][0]
    assert "tracking--worst" in marks(row, "tracking")[0].get("class")
