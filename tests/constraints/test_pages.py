"""The constraint pages as the CEO, the CTO and an observer see them."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization
from calibration.constraints.models import Constraint, Decision
from calibration.models import PlanningCycle
from tests.factories import OrganizationFactory, Role, member
from tests.queries import count_queries

from .conftest import make_constraint, make_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]


def detail_url(org, constraint, **query):
    url = reverse("constraints:detail", args=[org.slug, constraint.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def edit_url(org, constraint, section):
    return reverse("constraints:edit", args=[org.slug, constraint.pk, section])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def decide(client, org, constraint, **fields):
    constraint.refresh_from_db()
    data = {"decision": "", "chosen_path": "", "decision_reason": "", "revisit_on": ""}
    data.update(fields, version=constraint.version)
    return client.post(edit_url(org, constraint, "decision"), data)


# --- the detail page ------------------------------------------------------------------------


def test_the_detail_page_shows_the_gap_the_paths_and_the_trade_off(
    cto_client, org, constraint, cto
):
    make_path(constraint, cto, title="Tune", weeks_best=6, weeks_worst=12, weeks_expected=8)

    body = page(cto_client, detail_url(org, constraint))

    assert "50,000 events/s today; 200,000 needed by 1 Jun 2027: 4×, +150,000" in body
    assert "Path A: Tune" in body and "6–8–12 weeks" in body
    assert "$180,000 + 14 people-months" in body
    assert "Two platform engineers for two quarters" in body
    assert "The CTO's recommendation" in body and "The CEO's market context" in body


def test_the_cto_records_the_recommendation_and_who_made_it(cto_client, org, constraint, cto):
    path = make_path(constraint, cto)

    response = cto_client.post(
        edit_url(org, constraint, "recommendation"),
        {"recommended_path": path.pk, "recommendation_reason": "Headroom", "version": 1},
    )

    constraint.refresh_from_db()
    assert response.status_code == 302
    assert (constraint.recommended_path, constraint.recommended_by) == (path, cto)
    assert "Recorded by Tom CTO." in page(cto_client, detail_url(org, constraint))


def test_the_ceo_cannot_write_the_ctos_recommendation(ceo_client, org, constraint, cto):
    path = make_path(constraint, cto)

    response = ceo_client.post(
        edit_url(org, constraint, "recommendation"),
        {"recommended_path": path.pk, "recommendation_reason": "Mine", "version": 1},
    )

    assert response.status_code == 403
    body = page(ceo_client, detail_url(org, constraint))
    assert "This is the CTO's call to write." in body
    assert "Recommend a path" not in body


def test_without_a_cto_the_ceo_may_record_the_recommendation(client, org, ceo):
    client.force_login(ceo)
    constraint = make_constraint(org, ceo)
    path = make_path(constraint, ceo)

    client.post(
        edit_url(org, constraint, "recommendation"),
        {"recommended_path": path.pk, "recommendation_reason": "Only option", "version": 1},
    )

    constraint.refresh_from_db()
    assert constraint.recommended_by == ceo


def test_the_ceo_adds_the_market_context_and_the_cto_cannot(
    ceo_client, cto_client, org, constraint, ceo
):
    ceo_client.post(
        edit_url(org, constraint, "context"),
        {"market_context": "Two more like Globex", "version": 1},
    )
    refused = cto_client.post(
        edit_url(org, constraint, "context"), {"market_context": "CTO's view", "version": 2}
    )

    constraint.refresh_from_db()
    assert (constraint.market_context, constraint.market_context_by) == (
        "Two more like Globex",
        ceo,
    )
    assert refused.status_code == 403


def test_a_decision_records_who_and_when_and_waits_for_the_other_leader(
    ceo_client, cto_client, org, constraint, cto, ceo
):
    path = make_path(constraint, cto)
    decide(cto_client, org, constraint, decision="chosen", chosen_path=path.pk)

    constraint.refresh_from_db()
    assert (constraint.decision, constraint.chosen_path, constraint.decided_by) == (
        "chosen",
        path,
        cto,
    )
    assert "I agree with this decision" not in page(cto_client, detail_url(org, constraint))
    assert "waiting for the other leader to agree" in page(ceo_client, detail_url(org, constraint))

    ceo_client.post(reverse("constraints:agree", args=[org.slug, constraint.pk]), {"version": 2})

    constraint.refresh_from_db()
    assert constraint.agreed_by == ceo and constraint.agreed_at is not None
    assert "agreed by Ada CEO" in page(cto_client, detail_url(org, constraint))


def test_the_decider_cannot_agree_with_themselves(cto_client, org, constraint, cto):
    decide(cto_client, org, constraint, decision="declined", decision_reason="Not this year")

    cto_client.post(reverse("constraints:agree", args=[org.slug, constraint.pk]), {"version": 2})

    constraint.refresh_from_db()
    assert constraint.agreed_by is None


def test_changing_the_decision_asks_for_agreement_again(
    ceo_client, cto_client, org, constraint, ceo
):
    decide(cto_client, org, constraint, decision="declined", decision_reason="Not this year")
    ceo_client.post(reverse("constraints:agree", args=[org.slug, constraint.pk]), {"version": 2})

    decide(ceo_client, org, constraint, decision="revisit", revisit_on="2030-01-01")

    constraint.refresh_from_db()
    assert (constraint.decision, constraint.decided_by, constraint.agreed_by) == (
        "revisit",
        ceo,
        None,
    )


def test_an_observer_reads_everything_without_edit_controls(client, org, constraint, cto):
    make_path(constraint, cto, title="Tune")
    client.force_login(member(org, Role.OBSERVER))

    body = page(client, detail_url(org, constraint))

    assert "Path A: Tune" in body and "4×, +150,000" in body
    for control in ("Edit the constraint", "Add a path", "Record the decision", "Remove"):
        assert control not in body
    assert "<form" not in body.split("</header>", 1)[1].split("Log out")[0]


def test_an_observer_asking_for_an_edit_form_gets_the_plain_page(client, org, constraint):
    client.force_login(member(org, Role.OBSERVER))

    body = page(client, detail_url(org, constraint, edit="facts"))

    assert "Save the constraint" not in body


def test_htmx_edit_returns_the_form_fragment_and_saving_returns_the_page_body(
    cto_client, org, constraint
):
    fragment = cto_client.get(detail_url(org, constraint, edit="tradeoff"), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and "Save the trade-off" in body

    saved = cto_client.post(
        edit_url(org, constraint, "tradeoff"),
        {
            "tradeoff_people": "Two engineers",
            "tradeoff_initiatives": "Onboarding slips",
            "tradeoff_debt": "",
            "tradeoff_pace": "",
            "version": 1,
        },
        HTTP_HX_REQUEST="true",
    )

    body = saved.content.decode()
    assert saved.status_code == 200 and "<html" not in body
    assert "The trade-off is saved." in body and "Onboarding slips" in body


def test_a_failed_edit_keeps_the_typed_values_and_the_page_shows_what_is_saved(
    cto_client, org, constraint
):
    data = {
        "capability": "Renamed",
        "metric": "m",
        "unit": "events/s",
        "direction": "higher",
        "current_value": "-1",
        "required_value": "200000",
        "needed_by": "",
        "demand_kind": "other",
        "demand": "x",
        "demand_links": "",
        "version": 1,
    }
    response = cto_client.post(edit_url(org, constraint, "facts"), data)

    body = response.content.decode()
    assert 'value="Renamed"' in body and 'value="-1"' in body
    assert "<h1>Event pipeline throughput</h1>" in body


def test_simultaneous_edits_of_the_same_constraint_conflict_visibly(
    ceo_client, cto_client, org, constraint
):
    def facts(capability):
        return {
            "capability": capability,
            "metric": "Sustained ingest rate",
            "unit": "events/s",
            "direction": "higher",
            "current_value": "50000",
            "required_value": "200000",
            "needed_by": "2027-06-01",
            "demand_kind": "partnership",
            "demand": "Globex partnership",
            "demand_links": "",
            "version": 1,
        }

    ceo_client.post(edit_url(org, constraint, "facts"), facts("Ingest throughput"))
    response = cto_client.post(edit_url(org, constraint, "facts"), facts("Pipeline capacity"))

    body = response.content.decode()
    assert "Ada CEO saved this while you were editing" in body
    assert "Pipeline capacity" in body and "Ingest throughput" in body


def test_a_recommended_path_cannot_be_removed(cto_client, org, constraint, cto):
    path = make_path(constraint, cto)
    constraint.recommended_path, constraint.recommendation_reason = path, "Best"
    constraint.save_shared(by=cto, expected_version=1)

    cto_client.post(
        reverse("constraints:path_delete", args=[org.slug, constraint.pk, path.pk]),
        {"version": path.version},
    )

    assert constraint.paths.count() == 1


def test_the_add_path_button_gives_way_to_the_limit_at_three(cto_client, org, constraint, cto):
    for title in ("Tune", "Re-architect", "Buy"):
        make_path(constraint, cto, title=title)

    body = page(cto_client, detail_url(org, constraint))

    assert "Add a path" not in body
    assert "Three paths is the limit" in body


# --- history --------------------------------------------------------------------------------


def test_the_history_shows_the_constraint_and_its_paths_including_removed_ones(
    cto_client, org, constraint, cto
):
    make_path(constraint, cto, title="Tune")
    removed = make_path(constraint, cto, title="Outsource")
    cto_client.post(
        reverse("constraints:path_delete", args=[org.slug, constraint.pk, removed.pk]),
        {"version": removed.version},
    )
    other = make_constraint(org, cto, capability="Search relevance")
    make_path(other, cto, title="Elsewhere")

    history = page(cto_client, detail_url(org, constraint)).split('id="history-title"')[1]

    assert history.count("Tom CTO</strong> created") == 3
    assert "Tom CTO</strong> deleted" in history and "Path B: Outsource" in history
    assert "Elsewhere" not in history


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def four_kinds(org, cto, ceo):
    today = org.today()
    open_ = make_constraint(org, cto, capability="Open one")
    decided = make_constraint(org, cto, capability="Decided one")
    decided.decision, decided.chosen_path = Decision.CHOSEN, make_path(decided, cto)
    decided.record_decision(cto)
    decided.save_shared(by=cto, expected_version=1)
    declined = make_constraint(org, cto, capability="Declined one")
    declined.decision, declined.decision_reason = Decision.DECLINED, "No market"
    declined.record_decision(ceo)
    declined.save_shared(by=ceo, expected_version=1)
    due = make_constraint(org, cto, capability="Due one")
    due.decision, due.revisit_on = Decision.REVISIT, today
    due.record_decision(ceo)
    due.save_shared(by=ceo, expected_version=1)
    later = make_constraint(org, cto, capability="Later one")
    later.decision, later.revisit_on = Decision.REVISIT, today + timedelta(days=30)
    later.record_decision(ceo)
    later.save_shared(by=ceo, expected_version=1)
    return open_, decided, declined, due, later


@pytest.mark.parametrize(
    "show, expected",
    [
        ("open", ["Open one"]),
        ("decided", ["Decided one"]),
        ("declined", ["Declined one"]),
        ("revisit-due", ["Due one"]),
        ("all", ["Decided one", "Declined one", "Due one", "Later one", "Open one"]),
    ],
)
def test_the_list_filters(cto_client, org, four_kinds, show, expected):
    response = cto_client.get(reverse("constraints:list", args=[org.slug]), {"show": show})

    assert sorted(c.capability for c in response.context["constraints"]) == expected


def test_the_filter_bar_counts_each_kind(cto_client, org, four_kinds):
    response = cto_client.get(reverse("constraints:list", args=[org.slug]))

    counts = {key: n for key, _, n in response.context["filters"]}
    assert counts == {"all": 5, "open": 1, "decided": 1, "declined": 1, "revisit-due": 1}
    assert "Revisit due" in response.content.decode()


def test_the_empty_list_invites_the_first_constraint(cto_client, org):
    body = page(cto_client, reverse("constraints:list", args=[org.slug]))

    assert "No constraints recorded yet." in body and "Raise the first constraint" in body


# --- home: the planning cycle's review list ------------------------------------------------------


def test_home_lists_what_the_next_planning_cycle_reviews(ceo_client, org, ceo, four_kinds):
    cycle = PlanningCycle.create_shared(
        by=ceo, organization=org, name="H1 planning", starts_on=org.today() + timedelta(days=40)
    )

    response = ceo_client.get(reverse("home", args=[org.slug]))

    section = next(s for s in response.context["sections"] if s["app"] == "constraints")
    assert section["cycle"] == cycle
    assert sorted(c.capability for c in section["review"]) == ["Due one", "Later one", "Open one"]
    body = response.content.decode()
    assert "For review at" in body and "H1 planning" in body
    assert "3 open or undecided</strong> of 5" in body
    assert "1 decision waiting for your agreement" in body


def test_home_without_a_cycle_reviews_what_is_undecided_today(ceo_client, org, four_kinds):
    response = ceo_client.get(reverse("home", args=[org.slug]))

    section = next(s for s in response.context["sections"] if s["app"] == "constraints")
    assert sorted(c.capability for c in section["review"]) == ["Due one", "Open one"]
    assert "no planning cycle ahead" in response.content.decode()


def test_home_without_constraints_invites_the_first(ceo_client, org):
    body = page(ceo_client, reverse("home", args=[org.slug]))

    assert "No constraints recorded yet." in body


# --- bounded queries ------------------------------------------------------------------------


def add_data(org, cto, n):
    for i in range(n):
        c = make_constraint(org, cto, capability=f"Capability {i}")
        paths = [make_path(c, cto, title=f"Path {j}") for j in range(3)]
        c.recommended_path, c.recommendation_reason = paths[1], "Because"
        c.recommended_by = cto
        c.save_shared(by=cto, expected_version=1)


@pytest.mark.parametrize("url_name", ["constraints:list", "home"])
def test_list_and_home_run_the_same_queries_for_1_or_12_constraints(cto_client, org, cto, url_name):
    url = reverse(url_name, args=[org.slug])
    add_data(org, cto, 1)
    small = count_queries(cto_client, url)
    add_data(org, cto, 11)
    assert count_queries(cto_client, url) == small


def test_the_detail_page_runs_the_same_queries_for_few_or_many_paths_and_changes(
    cto_client, org, constraint, cto
):
    make_path(constraint, cto)
    small = count_queries(cto_client, detail_url(org, constraint))
    for title in ("B", "C"):
        make_path(constraint, cto, title=title)
    for n in range(8):
        constraint.refresh_from_db()
        constraint.market_context = f"Context {n}"
        constraint.save_shared(by=cto, expected_version=constraint.version)
    assert count_queries(cto_client, detail_url(org, constraint)) == small


def test_the_detail_page_with_a_form_open_runs_the_same_queries_too(
    cto_client, org, constraint, cto
):
    make_path(constraint, cto)
    url = detail_url(org, constraint, edit="decision")
    small = count_queries(cto_client, url)
    for title in ("B", "C"):
        make_path(constraint, cto, title=title)
    assert count_queries(cto_client, url) == small


# --- demo -----------------------------------------------------------------------------------


def test_the_demo_has_both_directions_and_is_idempotent(db):
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)

    acme = Organization.objects.get(slug="acme")
    throughput, latency = (
        Constraint.objects.for_org(acme).get(capability=name)
        for name in ("Event pipeline throughput", "Checkout API latency")
    )
    assert Constraint.objects.for_org(acme).count() == 2
    assert throughput.paths.count() == 3 and throughput.recommended_path.letter == "B"
    assert throughput.gap_sentence().startswith("50,000 events/s today; 200,000 needed by")
    assert latency.gap_sentence().endswith("4× faster, −600 ms")


def test_another_company_never_sees_acme_constraints(client, org, constraint):
    stranger = OrganizationFactory(slug="globex")
    client.force_login(member(stranger, Role.CEO))

    body = page(client, reverse("constraints:list", args=[stranger.slug]))

    assert "Event pipeline throughput" not in body
    assert client.get(detail_url(org, constraint)).status_code == 404


def test_the_new_form_can_be_prefilled(cto_client, org):
    body = page(
        cto_client,
        reverse("constraints:new", args=[org.slug]) + "?capability=Search+latency&demand_kind=bet",
    )

    assert 'value="Search latency"' in body
    assert 'value="bet" checked' in body or '<option value="bet" selected>' in body


def test_dates_read_day_month_year(org, cto):
    c = make_constraint(org, cto, needed_by=date(2027, 6, 1))
    assert "by 1 Jun 2027" in c.gap_sentence()


def test_the_new_form_shows_every_field_in_its_fieldsets(cto_client, org):
    response = cto_client.get(reverse("constraints:new", args=[org.slug]))

    form = response.context["form"]
    grouped = {field.name for _, _, fields in form.groups() for field in fields}
    assert grouped | {"version"} == set(form.fields)
    body = response.content.decode()
    assert "The initiative that demands it" in body and "The bet that demands it" in body


def test_without_javascript_an_edit_opens_in_the_full_page_and_saves_back(
    cto_client, org, constraint
):
    body = page(cto_client, detail_url(org, constraint, edit="facts"))
    assert "<html" in body and "Save the constraint" in body

    response = cto_client.post(
        edit_url(org, constraint, "facts"),
        {
            "capability": "Ingest throughput",
            "metric": "Sustained ingest rate",
            "unit": "events/s",
            "direction": "higher",
            "current_value": "60,000",
            "required_value": "200,000",
            "needed_by": "2027-06-01",
            "demand_kind": "partnership",
            "demand": "Globex partnership",
            "demand_links": "",
            "version": 1,
        },
        follow=True,
    )

    body = response.content.decode()
    assert "The constraint is saved." in body
    assert "60,000 events/s today; 200,000 needed by 1 Jun 2027: 3.3×, +140,000" in body


def test_deleting_asks_first_then_removes_the_constraint_and_its_paths_into_history(
    cto_client, org, constraint, cto
):
    from calibration.models import Change

    path = make_path(constraint, cto)
    url = reverse("constraints:delete", args=[org.slug, constraint.pk])
    assert "Delete “Event pipeline throughput”?" in page(cto_client, url)

    response = cto_client.post(url, {"version": constraint.version}, follow=True)

    assert "Constraint “Event pipeline throughput” deleted" in response.content.decode()
    assert not Constraint.objects.exists()
    deleted = Change.objects.filter(action="deleted")
    assert {c.object_id for c in deleted} == {constraint.pk, path.pk}


def test_a_stale_delete_deletes_nothing(cto_client, org, constraint, cto):
    make_path(constraint, cto)
    url = reverse("constraints:delete", args=[org.slug, constraint.pk])

    cto_client.post(url, {"version": constraint.version - 1 or 99})

    assert Constraint.objects.count() == 1 and constraint.paths.count() == 1
