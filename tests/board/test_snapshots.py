"""Snapshots: the view frozen as presented, read-only, and compared with now."""

import pytest

from calibration.board.compare import compare, take_snapshot
from calibration.board.models import BoardSnapshot
from calibration.timeline.models import Initiative
from tests.board.conftest import D, change
from tests.board.helpers import chart, csv_rows, rows, svgs

pytestmark = pytest.mark.django_db


def snapshot_via_page(client, **params):
    response = client.post(
        "/o/acme/board/snapshots/new/",
        {"title": "Board meeting March 2027", "meeting_date": "2027-03-04", "version": 0, **params},
    )
    assert response.status_code == 302, response.content.decode()
    return BoardSnapshot.objects.latest("id"), response["Location"]


def test_preparing_for_a_board_meeting_freezes_figures_and_picture(
    ceo_client, ceo, make_initiative
):
    make_initiative(title="Payments", commitment_date=D(2027, 4, 1), commitment_audience="board")
    make_initiative(title="Mobile app")
    form = ceo_client.get("/o/acme/board/snapshots/new/").content.decode()
    assert "2 initiatives" in form
    snap, location = snapshot_via_page(ceo_client)
    assert location == f"/o/acme/board/snapshots/{snap.pk}/"
    assert (snap.taken_on, snap.meeting_date, snap.taken_by) == (D(2027, 2, 1), D(2027, 3, 4), ceo)
    assert [r["title"] for r in snap.figures] == ["Payments", "Mobile app"]
    assert len(rows(chart(snap.svg))) == 2
    page = ceo_client.get(location).content.decode()
    assert "Board meeting March 2027" in page and "read-only" in page
    assert len(rows(chart(page))) == 2


def test_a_snapshot_needs_a_title_and_a_meeting_date(ceo_client, make_initiative):
    make_initiative()
    response = ceo_client.post(
        "/o/acme/board/snapshots/new/", {"title": "", "meeting_date": "soon", "version": 0}
    )
    assert response.status_code == 200
    assert BoardSnapshot.objects.count() == 0
    form = response.context["form"]
    assert "title" in form.errors and "meeting_date" in form.errors


def test_a_snapshot_keeps_the_filters_it_was_taken_with(ceo_client, make_initiative):
    make_initiative(
        title="Told the board", commitment_date=D(2027, 4, 1), commitment_audience="board"
    )
    make_initiative(title="Not told")
    snap, _ = snapshot_via_page(ceo_client, audience="board")
    assert [r["title"] for r in snap.figures] == ["Told the board"]
    assert snap.filters == {"audience": "board"}
    assert "commitments to the board" in snap.filters_description


def test_snapshots_do_not_change_when_initiatives_change_afterwards(
    ceo_client, cto, make_initiative
):
    pay = make_initiative(
        title="Payments", commitment_date=D(2027, 4, 1), commitment_audience="board"
    )
    snap, location = snapshot_via_page(ceo_client)
    before_page = ceo_client.get(location).content.decode()
    before_csv = ceo_client.get(f"{location}csv/").content
    figures, picture = snap.figures, snap.svg

    change(pay, cto, expected_date=D(2027, 6, 7), worst_date=D(2027, 7, 26), note="Vendor delay")
    change(pay, cto, title="Payments (renamed)", note="")
    make_initiative(title="A new one")

    snap.refresh_from_db()
    assert snap.figures == figures and snap.svg == picture
    assert ceo_client.get(f"{location}csv/").content == before_csv
    after_page = ceo_client.get(location).content.decode()

    def frozen(page):  # the picture and the table of figures
        return page[page.index("<figure") : page.index("</table>")]

    assert frozen(after_page) == frozen(before_page)
    assert "2027-05-03" in after_page and "2027-06-07" not in after_page
    assert csv_rows(ceo_client.get(f"{location}csv/"))[1][0] == "Payments"


def test_snapshots_are_read_only_and_kept_in_the_history(ceo_client, make_initiative):
    make_initiative()
    snap, location = snapshot_via_page(ceo_client)
    assert ceo_client.post(location).status_code == 405
    history = ceo_client.get("/o/acme/history/").content.decode()
    assert "Board meeting March 2027" in history
    listing = ceo_client.get("/o/acme/board/snapshots/").content.decode()
    assert "Board meeting March 2027" in listing and f"snapshots/{snap.pk}/compare/" in listing
    assert f"snapshots/{snap.pk}/" in ceo_client.get("/o/acme/board/").content.decode()


def test_a_snapshot_pdf_is_made_from_the_stored_figures(ceo_client, make_initiative, cto):
    pay = make_initiative(title="Payments")
    snap, location = snapshot_via_page(ceo_client)
    change(pay, cto, title="Renamed since", note="")
    response = ceo_client.get(f"{location}pdf/")
    assert response.content.startswith(b"%PDF")
    assert "snapshot-2027-02-01.pdf" in response["Content-Disposition"]


def test_the_comparison_lists_moves_initiative_by_initiative(org, ceo, cto, make_initiative):
    slips = make_initiative(
        title="Slips", commitment_date=D(2027, 4, 1), commitment_audience="board"
    )
    earlier = make_initiative(title="Comes earlier")
    recommitted = make_initiative(
        title="Recommitted", commitment_date=D(2027, 6, 1), commitment_audience="board"
    )
    delivered = make_initiative(
        title="Delivered",
        best_date=D(2027, 2, 8),
        expected_date=D(2027, 2, 22),
        worst_date=D(2027, 3, 8),
    )
    cancelled = make_initiative(title="Cancelled")
    same = make_initiative(title="Same")
    snap = take_snapshot(org, by=ceo, title="March board", meeting_date=D(2027, 3, 4))

    change(slips, cto, expected_date=D(2027, 5, 24), worst_date=D(2027, 7, 5), note="Vendor")
    change(earlier, cto, best_date=D(2027, 3, 8), expected_date=D(2027, 4, 19), note="Scope cut")
    change(recommitted, ceo, commitment_date=D(2027, 6, 28), note="Board agreed")
    change(delivered, cto, status="delivered", delivered_on=D(2027, 3, 1), note="")
    change(cancelled, ceo, status="cancelled", note="")
    new = make_initiative(title="Brand new")

    differences, _ = compare(snap, org)
    by_title = {d.title: d for d in differences}
    assert by_title["Slips"].kind == "slipped" and by_title["Slips"].expected_weeks == 3
    assert "Expected case 3 May 2027 → 24 May 2027 (3 weeks later)" in by_title["Slips"].details
    assert by_title["Comes earlier"].kind == "moved"
    assert by_title["Comes earlier"].expected_weeks == -2
    assert by_title["Recommitted"].kind == "moved"
    assert (
        "Commitment 1 Jun 2027 → 28 Jun 2027 (3 weeks 6 days later)"
        in by_title["Recommitted"].details
    )
    assert by_title["Delivered"].kind == "delivered"
    assert by_title["Delivered"].details == [
        "Delivered 1 Mar 2027, 1 week after the plan presented (22 Feb 2027)"
    ]
    assert by_title["Cancelled"].kind == "dropped" and by_title["Cancelled"].details == [
        "Cancelled."
    ]
    assert by_title["Same"].kind == "unchanged"
    assert by_title["Brand new"].kind == "new" and by_title["Brand new"].now.id == new.pk
    assert [d.title for d in differences][-1] == "Brand new"
    assert same.pk in {d.id for d in differences}


def test_the_comparison_page_shows_each_change_with_its_weeks(
    ceo_client, org, ceo, cto, make_initiative
):
    slips = make_initiative(title="Slips")
    gone = make_initiative(title="Gone")
    snap = take_snapshot(org, by=ceo, title="March board", meeting_date=D(2027, 3, 4))
    change(slips, cto, expected_date=D(2027, 5, 24), worst_date=D(2027, 7, 5), note="Vendor")
    Initiative.objects.get(pk=gone.pk).delete_shared(by=ceo, expected_version=gone.version)
    page = ceo_client.get(f"/o/acme/board/snapshots/{snap.pk}/compare/").content.decode()
    assert "Slipped 3 weeks" in page
    assert "1 slipped" in page and "1 dropped" in page
    assert "Deleted since." in page


def test_observers_read_snapshots_and_the_comparison(client, observer, org, ceo, make_initiative):
    make_initiative(title="Payments")
    snap = take_snapshot(org, by=ceo, title="March board", meeting_date=D(2027, 3, 4))
    client.force_login(observer)
    page = client.get(f"/o/acme/board/snapshots/{snap.pk}/").content.decode()
    assert "March board" in page and len(rows(chart(page))) == 1
    compared = client.get(f"/o/acme/board/snapshots/{snap.pk}/compare/").content.decode()
    assert "1 unchanged" in compared
    then, now = [s for s in svgs(compared)]
    assert len(rows(then)) == len(rows(now)) == 1


def test_a_snapshot_keeps_the_quarter_labels_it_was_presented_with(
    ceo_client, org, ceo, make_initiative
):
    """Before quarters had one label the board named a January fiscal year's quarters
    "2027 Q2 (Apr–Jun)". A snapshot stored then is read, exported and compared as it was
    presented: its rows are not relabelled."""
    make_initiative(title="Payments", commitment_date=D(2027, 5, 10), commitment_audience="board")
    snap = take_snapshot(
        org, by=ceo, title="March board", meeting_date=D(2027, 3, 4), params={"quarter": "2027Q2"}
    )
    assert [r["quarter_label"] for r in snap.figures] == ["FY27 Q2 (Apr–Jun 2027)"]
    old_label = "2027 Q2 (Apr–Jun)"
    BoardSnapshot.objects.filter(pk=snap.pk).update(
        figures=[{**row, "quarter_label": old_label} for row in snap.figures],
        filters_description=f"Active initiatives, commitment in {old_label}, sorted by risk",
    )
    location = f"/o/acme/board/snapshots/{snap.pk}/"

    page = ceo_client.get(location).content.decode()
    assert old_label in page and "FY27 Q2" not in page
    heading, row = csv_rows(ceo_client.get(f"{location}csv/"))
    assert row[heading.index("Commitment quarter")] == old_label
    assert ceo_client.get(f"{location}pdf/").content.startswith(b"%PDF")
    compared = ceo_client.get(f"{location}compare/").content.decode()
    assert "1 unchanged" in compared
