"""Every date and number has a sane range, enforced on the model (calibration/ranges.py), so
the pages, the API and imports refuse the same values with a message at the field."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.test import Client
from django.urls import reverse

from calibration.alignment.models import BetSheet
from calibration.api.models import ApiToken
from calibration.constraints.models import Constraint, Path
from calibration.quarters import Quarter
from calibration.ranges import DateInRange, latest_date, report_out_of_range
from calibration.timeline.models import ForecastRecord, Initiative, LeadingIndicator, SlipPlanStep

D = datetime.date
LATEST = latest_date()
LATEST_YEAR = LATEST.year
DATE_MESSAGE = f"Give a date between 2000 and {LATEST_YEAR}."


@pytest.fixture
def initiative(org, cto):
    return Initiative.create_shared(
        by=cto,
        organization=org,
        title="Payments platform",
        owner=cto,
        start_date=D(2027, 1, 4),
        best_date=D(2027, 3, 22),
        expected_date=D(2027, 5, 3),
        worst_date=D(2027, 6, 28),
    )


@pytest.fixture
def constraint(org, cto):
    return Constraint.create_shared(
        by=cto,
        organization=org,
        capability="Event throughput",
        metric="events per second",
        unit="events/s",
        current_value=Decimal(5_000),
        required_value=Decimal(20_000),
        demand="The new pricing engine",
    )


def errors_of(record):
    """The model's messages per field ({} when it is valid)."""
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def indicator(initiative, **fields):
    values = {
        "organization": initiative.organization,
        "initiative": initiative,
        "description": "Data migration completed",
        "due_on": D(2027, 2, 15),
    }
    return LeadingIndicator(**{**values, **fields})


def step(initiative, **fields):
    values = {
        "organization": initiative.organization,
        "initiative": initiative,
        "audience": "board",
        "message": "Tell the board.",
    }
    return SlipPlanStep(**{**values, **fields})


def path(constraint, **fields):
    values = {
        "organization": constraint.organization,
        "constraint": constraint,
        "title": "Shard Kafka",
        "description": "Split the topics",
        "weeks_expected": 8,
    }
    return Path(**{**values, **fields})


def forecast_record(initiative, **fields):
    values = {
        "organization": initiative.organization,
        "initiative": initiative,
        "reason": ForecastRecord.Reason.DATES,
        "best_date": initiative.best_date,
        "expected_date": initiative.expected_date,
        "worst_date": initiative.worst_date,
        "p50": initiative.expected_date,
        "p85": initiative.worst_date,
        "p95": initiative.worst_date,
    }
    return ForecastRecord(**{**values, **fields})


# Numbers the application counts for itself, never typed: versions, ids, places in a column,
# delivery attempts (and each one's number) and what a receiver answered.
COUNTERS = {
    "version",
    "object_id",
    "position",
    "attempts",
    "number",
    "response_code",
    "milliseconds",
}
NUMBER_FIELDS = (models.IntegerField, models.FloatField, models.DecimalField)


def organization_fields():
    """(model, field) for each concrete field of the apps that belong to an organization."""
    for model in apps.get_models():
        if model.__module__.startswith(("calibration.", "accounts.")):
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    yield model, field


def test_every_date_field_has_the_date_range():
    unranged = [
        f"{model._meta.label}.{field.name}"
        for model, field in organization_fields()
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and field.editable  # a derived date (the stored due date) is bounded by its inputs
        and not any(isinstance(v, DateInRange) for v in field.validators)
    ]

    assert unranged == []


def test_every_number_a_person_or_a_file_gives_has_an_upper_bound():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model, field in organization_fields()
        if isinstance(field, NUMBER_FIELDS)
        and not isinstance(field, models.AutoField)
        and field.editable
        and field.name not in COUNTERS
        # Declared ones only: Django adds the column's own limits to `validators`.
        and not any(isinstance(v, MaxValueValidator) for v in field._validators)
    ]

    assert unbounded == []


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [D(1999, 12, 31), D(1, 1, 1), D(1900, 1, 1)])
def test_a_date_before_2000_is_refused_at_the_field(initiative, day):
    assert errors_of(indicator(initiative, due_on=day))["due_on"] == [DATE_MESSAGE]


@pytest.mark.parametrize("day", [D(LATEST_YEAR + 1, 1, 1), D(2200, 1, 1), D(9999, 12, 31)])
def test_a_date_more_than_25_years_ahead_is_refused_at_the_field(initiative, day):
    assert errors_of(indicator(initiative, due_on=day))["due_on"] == [DATE_MESSAGE]


@pytest.mark.parametrize("day", [D(2000, 1, 1), LATEST, D(2028, 2, 29)])
def test_the_first_and_last_day_and_a_leap_day_are_accepted(initiative, day):
    assert "due_on" not in errors_of(indicator(initiative, due_on=day))


def test_the_last_day_is_25_years_ahead_of_today():
    assert latest_date(D(2026, 6, 1)) == D(2051, 12, 31)


def test_every_date_of_an_initiative_is_in_range(initiative):
    initiative.worst_date = D(9999, 12, 31)
    initiative.delivered_on = D(2600, 1, 1)

    errors = errors_of(initiative)

    assert errors["worst_date"] == [DATE_MESSAGE] and errors["delivered_on"] == [DATE_MESSAGE]


def test_a_commitment_before_the_start_is_refused_at_the_commitment(initiative):
    initiative.commitment_date = D(2026, 12, 1)
    initiative.commitment_audience = "board"

    assert errors_of(initiative)["commitment_date"] == [
        "A commitment cannot come before the start date (2027-01-04)."
    ]


def test_a_commitment_on_the_start_date_is_accepted(initiative):
    initiative.commitment_date = initiative.start_date
    initiative.commitment_audience = "board"

    assert errors_of(initiative) == {}


def test_a_scheduled_session_is_judged_by_its_day(org):
    sheet = apps.get_model("alignment", "BetSheet")
    field = sheet._meta.get_field("session_at")
    far = datetime.datetime(2300, 1, 1, 10, tzinfo=datetime.UTC)

    with pytest.raises(ValidationError, match="Give a date between 2000"):
        field.run_validators(far)


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("week, message", [(0, "At least 1 week."), (30000, "At most 520 weeks.")])
def test_a_week_number_outside_1_to_520_is_refused(initiative, week, message):
    errors = errors_of(indicator(initiative, due_on=None, due_week=week))

    assert errors["due_week"] == [message]


@pytest.mark.parametrize("week", [1, 520])
def test_week_1_and_520_are_accepted(initiative, week):
    assert errors_of(indicator(initiative, due_on=None, due_week=week)) == {}


def test_a_week_number_that_lands_after_the_last_day_is_refused(initiative):
    initiative.start_date = D(LATEST_YEAR, 6, 1)

    errors = errors_of(indicator(initiative, due_on=None, due_week=52))

    assert errors["due_week"] == [
        f"Week 52 from the start ({LATEST_YEAR}-06-01) is after {LATEST_YEAR}: "
        "give an earlier week."
    ]


def test_within_more_than_365_days_is_refused(initiative):
    assert errors_of(step(initiative, days_after=99999))["days_after"] == ["At most 365 days."]


@pytest.mark.parametrize("days", [0, 365])
def test_within_0_and_365_days_are_accepted(initiative, days):
    assert "days_after" not in errors_of(step(initiative, days_after=days))


def test_a_price_above_a_hundred_billion_is_refused(constraint):
    errors = errors_of(path(constraint, cost_money=Decimal("100000000000.01")))

    assert errors["cost_money"] == ["At most 100,000,000,000."]


def test_a_price_of_a_hundred_billion_is_accepted(constraint):
    assert errors_of(path(constraint, cost_money=Decimal(100_000_000_000))) == {}


def test_a_negative_price_is_refused(constraint):
    assert errors_of(path(constraint, cost_money=Decimal(-1)))["cost_money"] == [
        "A cost cannot be negative."
    ]


def test_more_than_10000_people_months_is_refused(constraint):
    errors = errors_of(path(constraint, cost_people_months=Decimal("10000.1")))

    assert errors["cost_people_months"] == ["At most 10,000 people-months."]


def test_an_estimate_of_more_than_520_weeks_is_refused(constraint):
    assert errors_of(path(constraint, weeks_worst=521))["weeks_worst"] == ["At most 520 weeks."]


def test_a_measured_value_above_a_trillion_is_refused(constraint):
    constraint.required_value = Decimal(10) ** 13

    assert errors_of(constraint)["required_value"] == ["At most 1,000,000,000,000."]


@pytest.mark.parametrize("p, message", [(-0.01, "At least 0."), (1.5, "At most 1.")])
def test_a_probability_outside_0_to_1_is_refused(initiative, p, message):
    assert errors_of(forecast_record(initiative, p_meet=p))["p_meet"] == [message]


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_a_probability_of_0_or_1_is_accepted(initiative, p):
    assert errors_of(forecast_record(initiative, p_meet=p)) == {}


# --- where values come in ------------------------------------------------------------------


def test_the_page_refuses_an_out_of_range_date_at_the_field(cto_client, org, initiative):
    response = cto_client.post(
        reverse("timeline:timelines", args=[org.slug, initiative.pk]),
        {
            "version": initiative.version,
            "best_date": "2027-03-22",
            "expected_date": "2027-05-03",
            "worst_date": "9999-12-31",
            "reason": "",
        },
    )

    page = response.content.decode()
    assert 'id="id_worst_date_errors"' in page and DATE_MESSAGE in page
    initiative.refresh_from_db()
    assert initiative.worst_date == D(2027, 6, 28)


def test_the_api_refuses_an_out_of_range_date_with_a_400_naming_the_field(org, cto, initiative):
    _token, raw = ApiToken.issue(organization=org, user=cto, name="script")

    response = Client().patch(
        f"/api/v1/initiatives/{initiative.pk}/dates",
        data={"version": initiative.version, "worst_date": "2200-01-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["worst_date"] == [DATE_MESSAGE]


def test_starting_the_quarter_after_the_last_day_is_refused_with_a_message(ceo_client, org, ceo):
    last_quarter = Quarter.containing(LATEST, start_month=1)
    org.fiscal_year_start_month = 1
    org.save()
    sheet = BetSheet.start(org, last_quarter, by=ceo)

    response = ceo_client.post(
        reverse("alignment:start_next", args=[org.slug, sheet.pk]), follow=True
    )

    assert f"{last_quarter.next().label}: {DATE_MESSAGE}</li>" in response.content.decode()
    assert BetSheet.for_quarter(org, last_quarter.next()) is None


# --- what was stored before the ranges -----------------------------------------------------


def test_stored_values_out_of_range_are_reported_not_changed(org, initiative):
    Initiative.objects.filter(pk=initiative.pk).update(worst_date=D(9999, 12, 31))
    lines = []

    found = report_out_of_range(
        apps, {"timeline.Initiative": ["start_date", "worst_date"]}, write=lines.append
    )

    assert lines == [
        f"out of range: timeline.Initiative {initiative.pk}, field worst_date = 9999-12-31 "
        f"(organization {org.pk})"
    ]
    assert [problem.field for problem in found] == ["worst_date"]
    initiative.refresh_from_db()
    assert initiative.worst_date == D(9999, 12, 31)


def test_nothing_is_reported_when_every_stored_value_is_in_range(initiative):
    lines = []

    report_out_of_range(apps, {"timeline.Initiative": ["worst_date"]}, write=lines.append)

    assert lines == []
