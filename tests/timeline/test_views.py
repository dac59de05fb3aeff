import datetime
import html

import pytest
from django.urls import reverse

from calibration.timeline.models import (
    EstimateRevision,
    Initiative,
    LeadingIndicator,
    SlipAction,
    SlipPlanStep,
)
from tests.factories import OrganizationFactory, member

D = datetime.date
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, org, *args):
    return reverse(f"timeline:{name}", args=[org.slug, *args])


def timelines_post(initiative, **overrides):
    data = {
        "version": initiative.version,
        "best_date": "2027-03-22",
        "expected_date": "2027-05-03",
        "worst_date": "2027-06-28",
        "best_assumptions": "",
        "best_risks": "",
        "expected_assumptions": "",
        "expected_risks": "",
        "worst_assumptions": "",
        "worst_risks": "",
        "contingency_plan": "",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_cto_creates_an_initiative(cto_client, org, cto):
    response = cto_client.post(
        url("new", org),
        {
            "version": 0,
            "title": "New checkout",
            "owner": cto.pk,
            "status": "proposed",
            "start_date": "2027-01-04",
            "best_date": "2027-02-01",
            "expected_date": "2027-03-01",
            "worst_date": "2027-04-05",
            "contingency_plan": "Keep the old checkout",
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    page = cto_client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "New checkout" in page and "1 Mar 2027" in page and "Keep the old checkout" in page


def test_unordered_timelines_are_refused_at_the_field_keeping_input(cto_client, org, cto):
    response = cto_client.post(
        url("new", org),
        {
            "version": 0,
            "title": "New checkout",
            "owner": cto.pk,
            "status": "proposed",
            "start_date": "2027-01-04",
            "best_date": "2027-02-01",
            "expected_date": "2027-01-20",
            "worst_date": "2027-04-05",
            "worst_risks": "Payment provider certification",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be earlier than the best case" in form.errors["expected_date"][0]
    page = response.content.decode()
    assert 'value="2027-01-20"' in page and "Payment provider certification" in page
    assert not Initiative.objects.exists()


def test_inline_timeline_edit_refuses_date_before_start(cto_client, org, initiative):
    response = cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, best_date="2026-12-01"),
        **HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-timelines"' in page and "must be after the start date" in page
    assert 'value="2026-12-01"' in page


def test_active_initiative_refuses_a_date_change_without_reason(cto_client, org, make_initiative):
    initiative = make_initiative(status="active")
    response = cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, expected_date="2027-05-17"),
        **HX,
    )
    assert "no estimate moves without a reason" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.expected_date == D(2027, 5, 3)


def test_reasoned_change_is_saved_and_shows_the_revision(cto_client, org, make_initiative):
    initiative = make_initiative(status="active")
    response = cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, expected_date="2027-05-17", reason="API partner late"),
        **HX,
    )
    assert response["HX-Retarget"] == "#initiative-body"
    page = response.content.decode()
    assert "API partner late" in page and "3 May 2027" in page and "17 May 2027" in page
    assert "Delays against it" in page and "expected 2 weeks" in page
    assert EstimateRevision.objects.filter(field="expected", reason="API partner late").exists()


def test_commitment_gap_and_acknowledgement_flow(ceo_client, cto_client, org, initiative, ceo):
    ceo_client.post(
        url("commitment", org, initiative.pk),
        {
            "version": initiative.version,
            "commitment_date": "2027-03-01",
            "commitment_audience": "board",
        },
    )
    initiative.refresh_from_db()
    assert initiative.commitment_set_by == ceo
    page = ceo_client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "The board hears 1 Mar 2027; the plan says 3 May 2027" in page
    ceo_client.post(url("acknowledge", org, initiative.pk), {"version": initiative.version})
    initiative.refresh_from_db()
    cto_client.post(url("acknowledge", org, initiative.pk), {"version": initiative.version})
    initiative.refresh_from_db()
    assert initiative.is_acknowledged()
    cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, worst_date="2027-07-05"),
    )
    page = cto_client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "Acknowledgements were cleared" in page and "the worst case changed" in page


def test_observer_reads_but_gets_no_edit_controls(client, observer, org, initiative):
    client.force_login(observer)
    page = client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "Payments platform" in page
    assert "Change the timelines" not in page and "Add a leading indicator" not in page
    assert client.post(url("acknowledge", org, initiative.pk), {"version": 1}).status_code == 403


def test_marking_an_indicator_missed_shows_tracking_and_slip_actions(
    cto_client, org, make_initiative, make_indicator, make_step
):
    initiative = make_initiative(
        status="active", commitment_date=D(2027, 5, 10), commitment_audience="board"
    )
    indicator = make_indicator(initiative)
    make_step(initiative, days_after=3)
    response = cto_client.post(
        url("indicator", org, indicator.pk),
        {
            "version": indicator.version,
            "description": indicator.description,
            "due_on": "2027-02-15",
            "if_missed": "worst",
            "status": "missed",
            "resolved_on": "2027-02-16",
            "evidence": "",
        },
        **HX,
    )
    page = response.content.decode()
    assert "Tracking the <strong>worst case</strong> (28 Jun 2027) since 16 Feb 2027" in page
    assert "past the commitment" in page and "Slip plan triggered" in page
    action = SlipAction.objects.get()
    assert action.due_on == org.today() + datetime.timedelta(days=3)


def test_overdue_indicator_is_shown_as_overdue(cto_client, org, initiative, make_indicator):
    make_indicator(initiative, due_on=org.today() - datetime.timedelta(days=1))
    page = cto_client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "overdue" in page


def test_met_indicator_needs_date_and_evidence(cto_client, org, initiative, make_indicator):
    indicator = make_indicator(initiative)
    response = cto_client.post(
        url("indicator", org, indicator.pk),
        {
            "version": indicator.version,
            "description": "Data migration completed",
            "due_on": "2027-02-15",
            "if_missed": "worst",
            "status": "met",
            "resolved_on": "",
            "evidence": "",
        },
        **HX,
    )
    page = response.content.decode()
    assert "Say when it was met." in page and "Say what shows it was met." in page
    assert LeadingIndicator.objects.get().status == "pending"


def test_only_the_owner_marks_an_action_done(
    ceo_client, cto_client, org, make_initiative, make_indicator, make_step, ceo, cto
):
    initiative = make_initiative(status="active")
    make_step(initiative, owner=ceo)
    indicator = make_indicator(initiative)
    indicator.status, indicator.resolved_on = "missed", D(2027, 2, 16)
    indicator.save_shared(by=cto, expected_version=indicator.version)
    action = SlipAction.objects.get()
    cto_client.post(url("slip_action_done", org, action.pk), {"version": action.version})
    action.refresh_from_db()
    assert action.done_at is None
    home = ceo_client.get(reverse("home", args=[org.slug])).content.decode()
    assert "Slip plan actions" in home and "Mark done" in home
    ceo_client.post(url("slip_action_done", org, action.pk), {"version": action.version})
    action.refresh_from_db()
    assert action.done_by == ceo


def test_forecast_question_answers_inline(cto_client, org, make_initiative):
    initiative = make_initiative(
        best_date=D(2027, 3, 1), expected_date=D(2027, 4, 20), worst_date=D(2027, 6, 9)
    )
    response = cto_client.get(url("initiative", org, initiative.pk) + "?by=2027-04-20", **HX)
    assert "<strong>50%</strong> likely to be delivered by 20 Apr 2027" in response.content.decode()


def test_the_forecast_question_takes_a_date_typed_as_the_pages_write_it(
    cto_client, org, make_initiative
):
    initiative = make_initiative(
        best_date=D(2027, 3, 1), expected_date=D(2027, 4, 20), worst_date=D(2027, 6, 9)
    )
    response = cto_client.get(url("initiative", org, initiative.pk) + "?by=20+Apr+2027", **HX)
    assert "<strong>50%</strong> likely to be delivered by 20 Apr 2027" in response.content.decode()


def test_the_forecast_question_refuses_what_is_not_a_date(cto_client, org, make_initiative):
    initiative = make_initiative()
    response = cto_client.get(url("initiative", org, initiative.pk) + "?by=soon", **HX)
    assert "Give a date, such as 6 Dec 2027." in response.content.decode()


def test_list_sorts_by_risk(cto_client, org, make_initiative):
    make_initiative(title="Safe", commitment_date=D(2027, 6, 28), commitment_audience="board")
    make_initiative(title="Risky", commitment_date=D(2027, 4, 1), commitment_audience="board")
    page = cto_client.get(url("list", org) + "?sort=risk").content.decode()
    assert page.index("Risky") < page.index("Safe")


def test_calibration_page_figures(cto_client, org, make_initiative, cto):
    for actual in (D(2027, 5, 3), D(2027, 7, 12), D(2027, 5, 17)):
        i = make_initiative(status="active")
        i.status, i.delivered_on = "delivered", actual
        i.save_shared(by=cto, expected_version=i.version)
    page = html.unescape(cto_client.get(url("calibration", org)).content.decode())
    # Baseline 03-22 · 05-03 · 06-28: P50 05-05, P85 05-26, P95 06-06. Deliveries 05-03
    # (by P50), 05-17 and 07-12 (after P95, outside the range): 2, −12 and −68 days from P50.
    assert "Tom CTO delivered by the P50 date 1 time in 3" in page
    assert "Tom CTO's deliveries fell outside best–worst 1 time in 3" in page
    assert "median delivery 12 days after P50" in page
    assert "3 deliveries can tell little" in page


@pytest.mark.parametrize("name", ["overview", "timelines", "commitment"])
def test_sections_open_inline_forms(cto_client, org, initiative, name):
    response = cto_client.get(url(name, org, initiative.pk) + "?edit", **HX)
    assert f'id="section-{name}" class="tl-section editing"' in response.content.decode()


def test_simultaneous_timeline_edits_conflict_visibly(ceo_client, cto_client, org, initiative):
    version = initiative.version
    ceo_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, worst_date="2027-07-05", version=version),
    )
    response = cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, worst_date="2027-07-19", version=version),
        **HX,
    )
    page = response.content.decode()
    assert "Ada CEO saved this while you were editing" in page
    assert 'value="2027-07-19"' in page and "5 Jul 2027" in page
    initiative.refresh_from_db()
    assert initiative.worst_date == D(2027, 7, 5)


def test_without_javascript_a_refused_edit_shows_the_full_page_with_the_form(
    cto_client, org, initiative
):
    response = cto_client.post(
        url("timelines", org, initiative.pk),
        timelines_post(initiative, worst_date="2027-04-01", worst_risks="Vendor"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page
    assert "cannot be earlier than the expected case" in page and "Vendor</textarea>" in page


def test_new_indicator_without_a_due_date_is_refused_at_the_field(cto_client, org, initiative):
    response = cto_client.post(
        url("new_indicator", org, initiative.pk),
        {
            "new-indicator-version": 0,
            "new-indicator-description": "Load test passes at 2x peak",
            "new-indicator-if_missed": "worst",
            "new-indicator-status": "pending",
        },
        **HX,
    )
    page = response.content.decode()
    assert 'id="new-indicator"' in page and "Give a date, or a week number" in page
    assert 'value="Load test passes at 2x peak"' in page
    assert not LeadingIndicator.objects.exists()


def test_new_indicator_by_week_number(cto_client, org, initiative):
    response = cto_client.post(
        url("new_indicator", org, initiative.pk),
        {
            "new-indicator-version": 0,
            "new-indicator-description": "Load test passes",
            "new-indicator-due_week": 3,
            "new-indicator-if_missed": "worst",
            "new-indicator-status": "pending",
        },
        **HX,
    )
    assert "week 3 (25 Jan 2027)" in response.content.decode()


def test_slip_plan_row_to_a_partner_needs_a_name(cto_client, org, initiative, ceo):
    response = cto_client.post(
        url("new_step", org, initiative.pk),
        {
            "new-step-version": 0,
            "new-step-owner": ceo.pk,
            "new-step-audience": "partner",
            "new-step-audience_name": "",
            "new-step-message": "Call them",
            "new-step-days_after": 2,
        },
        **HX,
    )
    assert "Name the partner or the person." in response.content.decode()


def test_a_slip_plan_row_cannot_name_someone_from_another_company(cto_client, org, initiative):
    outsider = member(OrganizationFactory(slug="globex"), "ceo", name="Olga Outsider")

    response = cto_client.post(
        url("new_step", org, initiative.pk),
        {
            "new-step-version": 0,
            "new-step-owner": outsider.pk,
            "new-step-audience": "team",
            "new-step-message": "Tell the team",
            "new-step-days_after": 2,
        },
        **HX,
    )

    page = response.content.decode()
    assert "Select a valid choice" in page and not SlipPlanStep.objects.exists()


def test_an_observer_who_owns_an_action_can_mark_it_done(
    client, observer, org, make_initiative, make_indicator, make_step, cto
):
    initiative = make_initiative(status="active")
    make_step(initiative, owner=observer, audience="team")
    indicator = make_indicator(initiative, status="missed", resolved_on=D(2027, 2, 16))
    action = SlipAction.objects.get()
    client.force_login(observer)
    page = client.get(url("initiative", org, initiative.pk)).content.decode()
    assert "Mark done" in page and indicator.description in page
    client.post(url("slip_action_done", org, action.pk), {"version": action.version})
    action.refresh_from_db()
    assert action.done_by == observer


def test_marking_delivered_records_where_it_landed(cto_client, org, make_initiative, cto):
    initiative = make_initiative(status="active")
    response = cto_client.post(
        url("overview", org, initiative.pk),
        {
            "version": initiative.version,
            "title": initiative.title,
            "summary": "",
            "owner": cto.pk,
            "status": "delivered",
            "start_date": "2027-01-04",
            "delivered_on": "2027-05-31",
        },
        follow=True,
    )
    # Judged against P50 (2027-05-05), not the most likely date: right-skewed estimates
    # deliver after their expected case even when they are right.
    assert "landed between expected and worst (26 days after P50 of the baseline forecast" in (
        response.content.decode()
    )


def test_delivered_without_a_date_is_refused(cto_client, org, initiative, cto):
    response = cto_client.post(
        url("overview", org, initiative.pk),
        {
            "version": initiative.version,
            "title": initiative.title,
            "owner": cto.pk,
            "status": "delivered",
            "start_date": "2027-01-04",
            "delivered_on": "",
        },
        **HX,
    )
    assert "Give the date it was actually delivered." in response.content.decode()
