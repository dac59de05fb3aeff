"""Leading indicators that check themselves, against a loopback server answering with the
trackers' documented response shapes (recorded in fixtures/)."""

import datetime

import pytest
from django.utils import timezone

from calibration.integrations import checker
from calibration.integrations.models import IndicatorSource, TrackerConnection
from calibration.models import Change
from calibration.reminders import engine
from calibration.reminders.models import Reminder
from calibration.timeline.models import LeadingIndicator, SlipAction
from tests.integrations.conftest import connect, link
from tests.integrations.loopback import recorded

pytestmark = pytest.mark.django_db

MILESTONE = "/repos/acme/billing/milestones/3"
GITHUB, LINEAR, JIRA = TrackerConnection.GITHUB, TrackerConnection.LINEAR, TrackerConnection.JIRA


def dates(indicator, closed_days_before_due=2):
    due = indicator.due_on
    closed = datetime.datetime.combine(
        due - datetime.timedelta(days=closed_days_before_due), datetime.time(15, 30)
    )
    return {
        "CLOSED_AT_JIRA": f"{closed:%Y-%m-%dT%H:%M:%S}.000+0000",
        "CLOSED_AT": f"{closed:%Y-%m-%dT%H:%M:%S}Z",
        "DUE_ON": f"{due}T07:00:00Z",
    }


def after_the_checkpoint(indicator):
    return timezone.now() + datetime.timedelta(
        days=(indicator.due_on - indicator.organization.today()).days + 1
    )


def check(indicator, **kwargs):
    return checker.check(IndicatorSource.objects.get(indicator=indicator), **kwargs)


def fresh(indicator):
    return LeadingIndicator.objects.get(pk=indicator.pk)


@pytest.fixture
def github(org, cto, loopback):
    return connect(org, cto, GITHUB, loopback.url, token="ghp_secret-token-1234")


@pytest.fixture
def milestone_indicator(make_indicator, github, cto):
    indicator = make_indicator(due_in_days=7)
    link(indicator, github, "acme/billing#3", cto)
    return indicator


# --- GitHub milestones -------------------------------------------------------------------------


def test_a_milestone_closed_before_the_checkpoint_marks_the_indicator_met_with_evidence(
    milestone_indicator, loopback
):
    loopback.routes[MILESTONE] = recorded("github_milestone_closed", **dates(milestone_indicator))

    outcome = check(milestone_indicator)

    indicator = fresh(milestone_indicator)
    assert outcome == "met" and indicator.status == "met"
    assert indicator.resolved_on == milestone_indicator.due_on - datetime.timedelta(days=2)
    assert (
        "Usage billing beta" in indicator.evidence
        and "14 of 14 issues closed" in indicator.evidence
    )
    assert "https://github.com/acme/billing/milestone/3" in indicator.evidence


def test_the_checker_sends_the_token_to_githubs_documented_endpoint(milestone_indicator, loopback):
    loopback.routes[MILESTONE] = recorded("github_milestone_open", **dates(milestone_indicator))

    check(milestone_indicator)

    [request] = loopback.requests
    assert request["path"] == MILESTONE
    assert request["headers"]["Authorization"] == "Bearer ghp_secret-token-1234"


def test_a_milestone_still_open_at_the_checkpoint_is_missed_and_fires_the_slip_plan(
    milestone_indicator, initiative, loopback
):
    loopback.routes[MILESTONE] = recorded("github_milestone_open", **dates(milestone_indicator))

    outcome = check(milestone_indicator, now=after_the_checkpoint(milestone_indicator))

    indicator = fresh(milestone_indicator)
    assert outcome == "missed" and indicator.status == "missed"
    assert indicator.resolved_on == milestone_indicator.due_on
    assert "10 of 14 issues closed" in indicator.evidence
    assert SlipAction.objects.filter(initiative=initiative).count() == 1
    initiative.refresh_from_db()
    assert initiative.tracking_timeline() == "worst"


def test_a_milestone_closed_after_the_checkpoint_is_missed(milestone_indicator, loopback):
    loopback.routes[MILESTONE] = recorded(
        "github_milestone_closed", **dates(milestone_indicator, closed_days_before_due=-1)
    )

    outcome = check(
        milestone_indicator,
        now=after_the_checkpoint(milestone_indicator) + datetime.timedelta(days=1),
    )

    assert outcome == "missed"


def test_an_open_milestone_before_the_checkpoint_waits_and_shows_its_progress(
    org, ceo, milestone_indicator, loopback, client
):
    loopback.routes[MILESTONE] = recorded("github_milestone_open", **dates(milestone_indicator))

    outcome = check(milestone_indicator)

    assert outcome == "waiting" and fresh(milestone_indicator).status == "pending"
    client.force_login(ceo)
    page = client.get(f"/o/{org.slug}/integrations/").content.decode()
    assert "10 of 14 issues closed" in page and "71%" in page


def test_it_reads_a_source_once_a_day_before_the_checkpoint(milestone_indicator, loopback):
    loopback.routes[MILESTONE] = recorded("github_milestone_open", **dates(milestone_indicator))

    first, second = check(milestone_indicator), check(milestone_indicator)

    assert (first, second) == ("waiting", "skipped") and len(loopback.requests) == 1


@pytest.mark.parametrize(
    "fixture, words",
    [
        ("github_not_found", "no such item"),
        ("github_unauthorized", "refused the token"),
        ("github_rate_limited", "rate-limiting"),
    ],
)
def test_an_unreadable_milestone_leaves_the_indicator_pending_with_a_warning(
    org, ceo, milestone_indicator, loopback, client, fixture, words
):
    loopback.routes[MILESTONE] = recorded(fixture)

    outcome = check(milestone_indicator, now=after_the_checkpoint(milestone_indicator))

    assert outcome == "unreadable" and fresh(milestone_indicator).status == "pending"
    client.force_login(ceo)
    page = client.get(f"/o/{org.slug}/integrations/").content.decode()
    assert "Cannot be read since" in page and words in page


def test_the_initiative_page_shows_the_warning_beside_the_pending_indicator(
    org, cto, milestone_indicator, loopback, client
):
    loopback.routes[MILESTONE] = recorded("github_unauthorized")
    check(milestone_indicator, now=after_the_checkpoint(milestone_indicator))

    client.force_login(cto)
    page = client.get(f"/o/{org.slug}/timeline/{milestone_indicator.initiative_id}/")

    row = page.content.decode().split(f'id="indicator-{milestone_indicator.pk}"')[1]
    row = row.split("</tr>")[0]
    assert "pending" in row and "cannot be read since" in row


def test_an_unreadable_source_sends_both_leaders_one_notice(
    ceo, cto, observer, milestone_indicator, loopback
):
    loopback.routes[MILESTONE] = recorded("github_unauthorized")
    check(milestone_indicator)
    check(milestone_indicator)  # still unreadable: the same spell of trouble

    engine.materialise(timezone.now() + datetime.timedelta(seconds=1))

    notices = Reminder.objects.filter(kind="tracker_unreadable")
    assert {r.recipient for r in notices} == {ceo, cto}


def test_the_checker_marks_once_then_a_leaders_override_stands(ceo, milestone_indicator, loopback):
    loopback.routes[MILESTONE] = recorded("github_milestone_closed", **dates(milestone_indicator))
    check(milestone_indicator)
    indicator = fresh(milestone_indicator)
    indicator.status = "missed"
    indicator.save_shared(by=ceo, expected_version=indicator.version, note="Beta had no customer")

    later = checker.check_all(now=after_the_checkpoint(milestone_indicator))

    assert later == {} and fresh(milestone_indicator).status == "missed"
    notes = [
        (c.by, c.note)
        for c in Change.objects.filter(
            object_id=indicator.pk, action="changed", content_type__model="leadingindicator"
        ).order_by("at")
    ]
    assert notes[0][0] is None and notes[0][1].startswith("checked automatically")
    assert notes[1] == (ceo, "Beta had no customer")


def test_a_tracker_token_is_stored_encrypted_and_never_shown(org, ceo, client):
    client.force_login(ceo)

    client.post(
        f"/o/{org.slug}/integrations/trackers/",
        {"tracker-service": "github", "tracker-token": "ghp_very-secret-token-9876"},
    )

    connection = TrackerConnection.objects.get(organization=org)
    assert "very-secret" not in connection.token_secret
    assert connection.token == "ghp_very-secret-token-9876"
    for page in (f"/o/{org.slug}/integrations/", f"/o/{org.slug}/history/"):
        assert "very-secret" not in client.get(page).content.decode()


def test_linking_an_indicator_on_the_page(org, ceo, client, github, make_indicator):
    indicator = make_indicator()
    client.force_login(ceo)

    client.post(
        f"/o/{org.slug}/integrations/indicators/",
        {
            "source-indicator": indicator.pk,
            "source-connection": github.pk,
            "source-reference": "https://github.com/acme/billing/milestone/3",
        },
    )

    assert IndicatorSource.objects.get().indicator == indicator


def test_a_milestone_reference_that_is_not_one_is_refused(org, ceo, client, github, make_indicator):
    indicator = make_indicator()
    client.force_login(ceo)

    response = client.post(
        f"/o/{org.slug}/integrations/indicators/",
        {
            "source-indicator": indicator.pk,
            "source-connection": github.pk,
            "source-reference": "billing",
        },
    )

    assert response.status_code == 400 and "owner/repo#number" in response.content.decode()


# --- Linear projects ----------------------------------------------------------------------------


@pytest.fixture
def project_indicator(org, cto, make_indicator, loopback):
    linear = connect(org, cto, LINEAR, f"{loopback.url}/graphql", token="lin_api_secret")
    indicator = make_indicator()
    link(indicator, linear, "https://linear.app/acme/project/pricing-rules-5c1e2f", cto)
    return indicator


def test_a_completed_linear_project_marks_the_indicator_met(project_indicator, loopback):
    loopback.routes["/graphql"] = recorded("linear_project_completed", **dates(project_indicator))

    assert check(project_indicator) == "met"
    assert "Pricing rules" in fresh(project_indicator).evidence
    assert loopback.requests[0]["headers"]["Authorization"] == "lin_api_secret"
    assert b"pricing-rules-5c1e2f" in loopback.requests[0]["body"]


def test_a_linear_project_at_the_chosen_progress_by_the_checkpoint_is_met(
    project_indicator, loopback
):
    IndicatorSource.objects.filter(indicator=project_indicator).update(met_at_progress=75)
    loopback.routes["/graphql"] = recorded("linear_project_started", **dates(project_indicator))

    assert check(project_indicator) == "met"
    assert "progress 80%" in fresh(project_indicator).evidence


def test_a_linear_project_in_progress_after_the_checkpoint_is_missed(project_indicator, loopback):
    loopback.routes["/graphql"] = recorded("linear_project_started", **dates(project_indicator))

    assert check(project_indicator, now=after_the_checkpoint(project_indicator)) == "missed"


@pytest.mark.parametrize(
    "fixture", ["linear_not_found", "linear_unauthorized", "linear_rate_limited"]
)
def test_an_unreadable_linear_project_leaves_the_indicator_pending(
    project_indicator, loopback, fixture
):
    loopback.routes["/graphql"] = recorded(fixture)

    assert check(project_indicator, now=after_the_checkpoint(project_indicator)) == "unreadable"
    assert fresh(project_indicator).status == "pending"


# --- Jira epics ----------------------------------------------------------------------------------


@pytest.fixture
def epic_indicator(org, cto, make_indicator, loopback):
    jira = connect(org, cto, JIRA, loopback.url, token="atl-secret", account="tom@acme.test")
    indicator = make_indicator()
    link(indicator, jira, "BILL-12", cto)
    return indicator


def test_a_done_jira_epic_marks_the_indicator_met(epic_indicator, loopback):
    loopback.routes["/rest/api/3/issue/BILL-12"] = recorded(
        "jira_epic_done", **dates(epic_indicator)
    )

    assert check(epic_indicator) == "met"
    assert "BILL-12 Usage-based invoices" in fresh(epic_indicator).evidence
    assert loopback.requests[0]["headers"]["Authorization"].startswith("Basic ")


def test_a_jira_epic_in_progress_after_the_checkpoint_is_missed(epic_indicator, loopback):
    loopback.routes["/rest/api/3/issue/BILL-12"] = recorded(
        "jira_epic_in_progress", **dates(epic_indicator)
    )

    assert check(epic_indicator, now=after_the_checkpoint(epic_indicator)) == "missed"


@pytest.mark.parametrize("fixture", ["jira_not_found", "jira_unauthorized", "jira_rate_limited"])
def test_an_unreadable_jira_epic_leaves_the_indicator_pending(epic_indicator, loopback, fixture):
    loopback.routes["/rest/api/3/issue/BILL-12"] = recorded(fixture)

    assert check(epic_indicator, now=after_the_checkpoint(epic_indicator)) == "unreadable"
    assert fresh(epic_indicator).status == "pending"


def test_a_tracker_that_is_down_leaves_the_indicator_pending(org, cto, make_indicator):
    down = connect(org, cto, GITHUB, "http://127.0.0.1:9")
    indicator = make_indicator()
    link(indicator, down, "acme/billing#3", cto)

    assert check(indicator, now=after_the_checkpoint(indicator)) == "unreadable"
    assert fresh(indicator).status == "pending"
