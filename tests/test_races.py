"""Two leaders racing on the same records, through the real views, on two database
connections at once. Whatever the order the database picks: one consistent outcome, the
loser is told, nothing answers 500, and every change a page shows is in the history.

Each race runs TRIALS times: before the fixes these failed in a good share of trials."""

import pytest
from django.test import Client
from django.urls import reverse

from calibration.alignment.models import Bet, BetSheet, Side
from calibration.constraints.models import Constraint, Decision, Path
from calibration.models import Change
from calibration.quarters import current_quarter
from tests.alignment.conftest import add_bet
from tests.constraints.conftest import make_constraint, make_path
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 8


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    """POST as a page would; what a person sees (status and text)."""
    response = client.post(url, data, follow=True)
    return response.status_code, response.content.decode()


def history_of(record):
    return [(c.action, c.note) for c in record.history()]


def test_a_move_and_an_edit_opened_before_it_never_leave_two_bets_in_one_place(org, ceo, cto):
    ceo_client, cto_client = client_for(ceo), client_for(cto)
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)

    def race(trial):
        Bet.objects.filter(sheet=sheet).delete()
        bets = [add_bet(sheet, Side.CEO, f"Bet {trial}-{n}", ceo) for n in range(3)]
        moved = bets[2]
        edit = {
            "title": f"Renamed {trial}",
            "expected_outcome": moved.expected_outcome,
            "confidence": moved.confidence,
            "notes": "",
            "version": moved.version,
        }

        outcomes = at_once(
            lambda: post(
                ceo_client,
                reverse("alignment:move_bet", args=[org.slug, moved.pk]),
                {"direction": "up"},
            ),
            lambda: post(cto_client, reverse("alignment:bet", args=[org.slug, moved.pk]), edit),
        )

        assert [status for status, _ in outcomes] == [200, 200], outcomes
        places = sorted(Bet.objects.filter(sheet=sheet).values_list("position", flat=True))
        assert places == [1, 2, 3]
        moved.refresh_from_db()
        assert moved.position == 2  # the move stands whatever came first
        renamed = moved.title == f"Renamed {trial}"
        assert renamed or "Both of you changed this" in outcomes[1][1]

    for trial in range(TRIALS):
        race(trial)


def test_choosing_a_path_while_it_is_deleted_never_leaves_a_choice_without_a_path(org, ceo, cto):
    ceo_client, cto_client = client_for(ceo), client_for(cto)

    def race(trial):
        constraint = make_constraint(org, cto, capability=f"Throughput {trial}")
        keep = make_path(constraint, cto, title="Keep")
        doomed = make_path(constraint, cto, title="Doomed")
        choose = {
            "decision": Decision.CHOSEN,
            "chosen_path": doomed.pk,
            "decision_reason": "It is the cheapest",
            "revisit_on": "",
            "version": constraint.version,
        }

        outcomes = at_once(
            lambda: post(
                ceo_client,
                reverse("constraints:edit", args=[org.slug, constraint.pk, "decision"]),
                choose,
            ),
            lambda: post(
                cto_client,
                reverse("constraints:path_delete", args=[org.slug, constraint.pk, doomed.pk]),
                {"version": doomed.version},
            ),
        )

        assert [status for status, _ in outcomes] == [200, 200], outcomes
        constraint.refresh_from_db()
        if constraint.decision == Decision.CHOSEN:
            assert constraint.chosen_path_id == doomed.pk and Path.objects.filter(pk=doomed.pk)
            assert "is the chosen path: change that first" in outcomes[1][1]
        else:
            assert not Path.objects.filter(pk=doomed.pk).exists()
            assert ("deleted", "") in history_of(doomed)
            assert "deleted by someone else" in outcomes[0][1]
        assert keep.pk

    for trial in range(TRIALS):
        race(trial)


def test_recommending_a_path_while_it_is_deleted_never_points_at_nothing(org, ceo, cto):
    ceo_client, cto_client = client_for(ceo), client_for(cto)

    def race(trial):
        constraint = make_constraint(org, cto, capability=f"Latency {trial}")
        make_path(constraint, cto, title="Keep")
        doomed = make_path(constraint, cto, title="Doomed")
        recommend = {
            "recommended_path": doomed.pk,
            "recommendation_reason": "Fastest to ship",
            "version": constraint.version,
        }

        outcomes = at_once(
            lambda: post(
                cto_client,
                reverse("constraints:edit", args=[org.slug, constraint.pk, "recommendation"]),
                recommend,
            ),
            lambda: post(
                ceo_client,
                reverse("constraints:path_delete", args=[org.slug, constraint.pk, doomed.pk]),
                {"version": doomed.version},
            ),
        )

        assert [status for status, _ in outcomes] == [200, 200], outcomes
        constraint.refresh_from_db()
        gone = not Path.objects.filter(pk=doomed.pk).exists()
        assert (constraint.recommended_path_id == doomed.pk) != gone
        loser = outcomes[0][1] if gone else outcomes[1][1]
        assert "deleted by someone else" in loser or "is the recommended path" in loser

    for trial in range(TRIALS):
        race(trial)


def test_a_path_added_while_its_constraint_is_deleted_is_never_lost_unrecorded(org, ceo, cto):
    ceo_client, cto_client = client_for(ceo), client_for(cto)

    def race(trial):
        constraint = make_constraint(org, cto, capability=f"Storage {trial}")
        new_path = {
            "title": f"Path {trial}",
            "description": "Buy more disks",
            "cost_money": "1000",
            "cost_people_months": "",
            "weeks_best": "",
            "weeks_expected": "4",
            "weeks_worst": "",
            "risks": "",
            "gives_up": "",
            "version": 0,
        }

        outcomes = at_once(
            lambda: post(
                cto_client,
                reverse("constraints:path_add", args=[org.slug, constraint.pk]),
                new_path,
            ),
            lambda: post(
                ceo_client,
                reverse("constraints:delete", args=[org.slug, constraint.pk]),
                {"version": constraint.version},
            ),
        )

        (add_status, add_page), (delete_status, _) = outcomes
        # The add came after the delete: its page is gone (404), or it was told under the lock.
        assert add_status in (200, 404) and delete_status == 200, outcomes
        assert not Constraint.objects.filter(pk=constraint.pk).exists()
        added = Change.objects.filter(action="created", object_repr__endswith=f"Path {trial}")
        for change in added:  # a path that was added went with its constraint, recorded
            assert Change.objects.filter(
                content_type=change.content_type, object_id=change.object_id, action="deleted"
            ).exists()
        if not added and add_status == 200:
            assert "was just deleted by someone else" in add_page

    for trial in range(TRIALS):
        race(trial)


def test_two_paths_added_at_once_take_their_own_slots_or_are_told_there_are_three(org, ceo, cto):
    ceo_client, cto_client = client_for(ceo), client_for(cto)

    def race(trial):
        constraint = make_constraint(org, cto, capability=f"Capacity {trial}")
        existing = 1 + trial % 2  # one or two paths already
        for n in range(existing):
            make_path(constraint, cto, title=f"Existing {n}")

        def add(client, name):
            data = {
                "title": name,
                "description": "Another way",
                "cost_money": "5000",
                "cost_people_months": "",
                "weeks_best": "",
                "weeks_expected": "6",
                "weeks_worst": "",
                "risks": "",
                "gives_up": "",
                "version": 0,
            }
            url = reverse("constraints:path_add", args=[org.slug, constraint.pk])
            return post(client, url, data)

        outcomes = at_once(lambda: add(ceo_client, "By the CEO"), lambda: add(cto_client, "CTO"))

        assert [status for status, _ in outcomes] == [200, 200], outcomes
        places = sorted(
            Path.objects.filter(constraint=constraint).values_list("position", flat=True)
        )
        assert places == list(range(1, min(existing + 2, 3) + 1))
        if existing == 2:
            assert sum("A constraint has at most three paths" in text for _, text in outcomes) == 1

    for trial in range(TRIALS):
        race(trial)
