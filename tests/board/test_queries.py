"""The board pages run a bounded number of SQL queries, whatever the number of initiatives."""

import datetime

import pytest

from calibration.board.compare import take_snapshot
from calibration.timeline.models import EstimateRevision, Initiative, LeadingIndicator
from tests.board.conftest import D
from tests.queries import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

MAX_QUERIES = 15


def add_initiatives(org, ceo, cto, count, start=0):
    """`count` active initiatives, each with a commitment, revisions, acknowledgements and
    three checkpoints (bulk-created: only the reading is measured)."""
    made = Initiative.objects.bulk_create(
        Initiative(
            organization=org,
            title=f"Initiative {start + n}",
            owner=cto,
            status="active",
            start_date=D(2027, 1, 4),
            best_date=D(2027, 3, 1) + datetime.timedelta(days=n % 40),
            expected_date=D(2027, 5, 3) + datetime.timedelta(days=n % 40),
            worst_date=D(2027, 7, 5) + datetime.timedelta(days=n % 40),
            commitment_date=D(2027, 4, 1) + datetime.timedelta(days=n % 90),
            commitment_audience=["board", "partner", "market", "customers"][n % 4],
            ceo_acknowledged_by=ceo,
            ceo_acknowledged_at=datetime.datetime(2027, 1, 10, tzinfo=datetime.UTC),
        )
        for n in range(count)
    )
    LeadingIndicator.objects.bulk_create(
        LeadingIndicator(
            organization=org,
            initiative=i,
            description=f"Checkpoint {k}",
            due_on=D(2027, 1, 15) + datetime.timedelta(weeks=4 * k),
            status=["met", "missed", "pending"][k],
            resolved_on=D(2027, 1, 15) if k < 2 else None,
            evidence="Shown" if k == 0 else "",
        )
        for i in made
        for k in range(3)
    )
    EstimateRevision.objects.bulk_create(
        EstimateRevision(
            organization=org,
            initiative=i,
            field="expected",
            old_date=D(2027, 4, 26),
            new_date=i.expected_date,
            reason="Re-estimated",
            by=cto,
        )
        for i in made
    )


@pytest.mark.parametrize(
    "url",
    [
        "/o/acme/board/",
        "/o/acme/board/table/",
        "/o/acme/board/board.csv",
        "/o/acme/board/snapshots/new/",
        "/o/acme/board/?sort=date&audience=board",
    ],
)
def test_board_pages_run_the_same_bounded_number_of_queries_for_10_and_200_initiatives(
    ceo_client, org, ceo, cto, url
):
    add_initiatives(org, ceo, cto, 10)
    with_10 = count_queries(ceo_client, url)
    add_initiatives(org, ceo, cto, 190, start=10)
    with_200 = count_queries(ceo_client, url)
    assert with_10 == with_200
    assert with_200 <= MAX_QUERIES


def test_the_comparison_runs_a_bounded_number_of_queries(ceo_client, org, ceo, cto):
    add_initiatives(org, ceo, cto, 10)
    snap = take_snapshot(org, by=ceo, title="Board", meeting_date=D(2027, 3, 1))
    url = f"/o/acme/board/snapshots/{snap.pk}/compare/"
    with_10 = count_queries(ceo_client, url)
    add_initiatives(org, ceo, cto, 190, start=10)
    Initiative.objects.filter(title__in=["Initiative 1", "Initiative 2"]).update(status="cancelled")
    with_200 = count_queries(ceo_client, url)
    assert with_10 <= with_200 <= with_10 + 4  # + the initiatives no longer on the view
    assert with_200 <= MAX_QUERIES + 4
