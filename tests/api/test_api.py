"""The HTTP API, as a client with a personal token sees it."""

import pytest
from openapi_spec_validator import validate

from calibration.api.models import ApiToken
from calibration.models import Change
from calibration.timeline.models import Initiative, SlipAction
from tests.api.conftest import token_for
from tests.factories import Role, member

pytestmark = pytest.mark.django_db


# --- the schema and the docs --------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_lists_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()

    validate(schema)
    assert {
        "/api/v1/initiatives",
        "/api/v1/initiatives/{pk}",
        "/api/v1/initiatives/{pk}/dates",
        "/api/v1/indicators/{pk}",
        "/api/v1/constraints",
        "/api/v1/constraints/{pk}",
        "/api/v1/bet-sheets",
        "/api/v1/bet-sheets/{pk}",
        "/api/v1/calibration",
    } <= set(schema["paths"])


def test_the_docs_page_renders_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="swagger-ui"' in page and "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


# --- tokens and roles ----------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401(client, initiative):
    assert client.get("/api/v1/initiatives").status_code == 401


def test_a_leaders_token_reads_the_initiatives_with_timelines_forecast_and_indicators(
    ceo_api, initiative, indicator
):
    response = ceo_api.get("/api/v1/initiatives")

    assert response.status_code == 200
    [item] = response.json()
    assert item["title"] == "Payments platform"
    assert [t["name"] for t in item["timelines"]] == ["best", "expected", "worst"]
    assert item["commitment"]["date"] == "2027-04-01"
    assert 0 < item["forecast"]["probability_of_meeting_commitment"] < 1
    assert item["tracking"]["timeline"] == "expected"
    assert item["indicators"][0]["description"] == "Data migration completed"


def test_an_observers_token_reads(observer_api, initiative):
    response = observer_api.get(f"/api/v1/initiatives/{initiative.pk}")

    assert response.status_code == 200 and response.json()["id"] == initiative.pk


def test_an_observers_token_may_not_write(observer_api, indicator):
    response = observer_api.patch(
        f"/api/v1/indicators/{indicator.pk}", {"version": indicator.version, "status": "met"}
    )

    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.status == "pending"


def test_a_token_acts_with_the_role_its_member_holds_now(org, cto, indicator):
    api = token_for(org, cto)
    cto.memberships.filter(organization=org).update(role=Role.OBSERVER)

    response = api.patch(f"/api/v1/indicators/{indicator.pk}", {"version": 1, "evidence": "x"})

    assert response.status_code == 403


def test_a_revoked_token_answers_401(org, ceo, initiative):
    api = token_for(org, ceo)
    ceo_token = org_tokens(org)[0]
    ceo_token.revoke()

    assert api.get("/api/v1/initiatives").status_code == 401


def test_a_token_of_someone_who_left_the_company_answers_401(org, cto, initiative):
    api = token_for(org, cto)
    cto.memberships.filter(organization=org).delete()

    assert api.get("/api/v1/initiatives").status_code == 401


def test_another_organizations_object_is_404(ceo_api, other_org, outsider):
    theirs = Initiative.create_shared(
        by=outsider,
        organization=other_org,
        title="Their secret",
        owner=outsider,
        start_date="2027-01-04",
        best_date="2027-03-01",
        expected_date="2027-04-01",
        worst_date="2027-05-01",
    )

    assert ceo_api.get(f"/api/v1/initiatives/{theirs.pk}").status_code == 404
    assert (
        ceo_api.patch(
            f"/api/v1/initiatives/{theirs.pk}/dates", {"version": 1, "worst_date": "2027-06-01"}
        ).status_code
        == 404
    )
    assert "Their secret" not in ceo_api.get("/api/v1/initiatives").content.decode()


def test_a_token_sees_only_its_own_organization(org, ceo, other_org, initiative):
    member(other_org, Role.CEO, email="ada-elsewhere@globex.test")
    elsewhere = token_for(other_org, other_org.member_with_role(Role.CEO))

    assert elsewhere.get("/api/v1/initiatives").json() == []


def test_the_token_page_shows_when_it_was_last_used(org, ceo, ceo_client, initiative):
    api = token_for(org, ceo)
    api.get("/api/v1/initiatives")

    page = ceo_client.get(f"/o/{org.slug}/api-tokens/").content.decode()

    assert "never" not in page and org_tokens(org)[0].last_used_at is not None


def org_tokens(org):
    return list(ApiToken.objects.filter(organization=org))


# --- writes: the shared save path ------------------------------------------------------------------


def test_marking_an_indicator_missed_moves_tracking_and_triggers_the_slip_plan(
    cto_api, indicator, initiative
):
    response = cto_api.patch(
        f"/api/v1/indicators/{indicator.pk}", {"version": indicator.version, "status": "missed"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "missed" and response.json()["version"] == 2
    reread = cto_api.get(f"/api/v1/initiatives/{initiative.pk}").json()
    assert reread["tracking"]["timeline"] == "worst"
    assert SlipAction.objects.filter(initiative=initiative).count() == 1


def test_every_api_write_is_in_the_history_as_made_by_its_member_through_the_api(
    cto, cto_api, indicator
):
    cto_api.patch(
        f"/api/v1/indicators/{indicator.pk}",
        {"version": indicator.version, "status": "met", "evidence": "Migration log attached."},
    )

    change = Change.objects.filter(object_id=indicator.pk, action="changed").get()
    assert change.by == cto and change.note == "via the API"
    assert change.new["evidence"] == "Migration log attached."


def test_the_history_page_shows_the_write_came_through_the_api(org, ceo_client, cto_api, indicator):
    cto_api.patch(f"/api/v1/indicators/{indicator.pk}", {"version": 1, "evidence": "Seen."})

    page = ceo_client.get(f"/o/{org.slug}/history/").content.decode()

    assert "via the API" in page


def test_moving_dates_of_an_active_initiative_needs_a_reason(ceo_api, initiative):
    response = ceo_api.patch(
        f"/api/v1/initiatives/{initiative.pk}/dates",
        {"version": initiative.version, "worst_date": "2027-07-30"},
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_dates_moved_with_a_reason_are_a_revision_with_it(ceo, ceo_api, initiative):
    response = ceo_api.patch(
        f"/api/v1/initiatives/{initiative.pk}/dates",
        {"version": initiative.version, "commitment_date": "2027-05-15", "reason": "Board agreed"},
    )

    assert response.status_code == 200
    assert response.json()["commitment"]["date"] == "2027-05-15"
    revision = initiative.revisions.get(field="commitment", old_date__isnull=False)
    assert revision.by == ceo and revision.reason == "via the API: Board agreed"


def test_a_stale_version_is_merged_when_someone_changed_other_fields(cto, cto_api, indicator):
    indicator.description = "Data migration completed and verified"
    indicator.save_shared(by=cto, expected_version=1)

    response = cto_api.patch(
        f"/api/v1/indicators/{indicator.pk}", {"version": 1, "evidence": "Checked by ops."}
    )

    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.description == "Data migration completed and verified"
    assert indicator.evidence == "Checked by ops." and indicator.version == 3


def test_a_stale_version_that_changed_the_same_field_is_a_409_with_the_current_values(
    ceo, cto_api, indicator
):
    indicator.evidence = "The CEO's evidence"
    indicator.save_shared(by=ceo, expected_version=1)

    response = cto_api.patch(
        f"/api/v1/indicators/{indicator.pk}", {"version": 1, "evidence": "The CTO's evidence"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["fields"] == ["evidence"]
    assert body["current"] == {"version": 2, "evidence": "The CEO's evidence"}
    indicator.refresh_from_db()
    assert indicator.evidence == "The CEO's evidence"


def test_a_version_the_record_never_had_is_a_400(cto_api, indicator):
    response = cto_api.patch(f"/api/v1/indicators/{indicator.pk}", {"version": 7, "evidence": "x"})

    assert response.status_code == 400 and "version" in response.json()["errors"]


# --- bad bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "met"}, "version"),
        ({"version": 1, "status": "done"}, "status"),
        ({"version": 0}, "version"),
        ({"version": 1, "colour": "red"}, "colour"),
        ({"version": 1, "resolved_on": "2027-02-30", "status": "met"}, "resolved_on"),
        ({"version": 1, "evidence": "nul \u0000 byte"}, "evidence"),
        ({"version": 1, "evidence": "x" * 10_001}, "evidence"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(cto_api, indicator, body, field):
    response = cto_api.patch(f"/api/v1/indicators/{indicator.pk}", body)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_met_without_evidence_is_a_400_from_the_models_own_rule(cto_api, indicator):
    response = cto_api.patch(f"/api/v1/indicators/{indicator.pk}", {"version": 1, "status": "met"})

    assert response.status_code == 400
    assert response.json()["errors"]["evidence"] == ["Say what shows it was met."]


def test_dates_out_of_order_are_a_400_naming_the_field(cto_api, initiative):
    response = cto_api.patch(
        f"/api/v1/initiatives/{initiative.pk}/dates",
        {"version": 1, "worst_date": "2027-02-01", "reason": "oops"},
    )

    assert response.status_code == 400 and "worst_date" in response.json()["errors"]


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "[]",
        "null",
        '{"version": "1e999"}',
        '{"version": 99999999999999999999999999}',
        '{"version": 1, "evidence": "\\ud800"}',
        '{"version": 1, "resolved_on": "99999-01-01", "status": "missed"}',
        '{"version": 1, "status": ["met"]}',
    ],
)
def test_no_body_makes_the_api_fail(cto_api, indicator, raw):
    response = cto_api.patch(f"/api/v1/indicators/{indicator.pk}", raw_body=raw)

    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "path",
    ["/initiatives/0", "/initiatives/99999999999999999999", "/bet-sheets/-1", "/constraints/abc"],
)
def test_impossible_ids_are_refused_without_an_error(ceo_api, path):
    assert ceo_api.get(path).status_code in (400, 404)


# --- rate limit --------------------------------------------------------------------------------------


def test_a_token_past_its_rate_limit_gets_429_with_retry_after(org, ceo, initiative):
    api = token_for(org, ceo, per_minute=3)

    answers = [api.get("/api/v1/initiatives") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 61


def test_each_token_has_its_own_limit(org, ceo, cto, initiative):
    busy, other = token_for(org, ceo, per_minute=1), token_for(org, cto, per_minute=1)
    busy.get("/api/v1/initiatives")

    assert busy.get("/api/v1/initiatives").status_code == 429
    assert other.get("/api/v1/initiatives").status_code == 200
