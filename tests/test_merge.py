"""Three-way merge, for every kind of shared record a page edits.

The CEO and the CTO open the same form at the same version. If they change different
fields, both changes are stored with no conflict; if both change the same field, the one who
saves second is asked about that field alone; saving from that panel writes only what the
person changed or chose — never a field they did not touch."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from calibration.alignment.models import BetSheet, Side
from calibration.models import PlanningCycle
from calibration.quarters import current_quarter
from calibration.reminders.models import ReminderSettings
from calibration.timeline.models import LeadingIndicator, SlipPlanStep
from tests.alignment.conftest import add_bet, make_call
from tests.constraints.conftest import make_constraint, make_path
from tests.timeline.conftest import new_initiative
from tests.urlwalk import form_data

pytestmark = pytest.mark.django_db

D = datetime.date


@dataclass
class Kind:
    """Where a record's form is opened and saved, two fields it edits (`first` is the
    one both change in the conflict cases) and the values typed into them."""

    record: object
    opened_at: str  # the page showing the form
    saves_to: str  # the form's action
    first: str
    second: str
    typed: dict  # field → (CEO's value, CTO's value)
    prefix: str = ""

    def field(self, name):
        return f"{self.prefix}-{name}" if self.prefix else name

    def stored(self, name):
        record = type(self.record)._base_manager.get(pk=self.record.pk)
        value = getattr(record, name)
        return value.pk if hasattr(value, "pk") else value


def planning_cycle(org, ceo, cto):
    cycle = PlanningCycle.create_shared(
        by=ceo, organization=org, name="H1 planning", starts_on=D(2027, 1, 10)
    )
    url = reverse("planning_cycle", args=[org.slug, cycle.pk])
    return Kind(
        cycle,
        url + "?edit",
        url,
        "notes",
        "name",
        {"notes": ("Offsite in Lisbon", "Remote"), "name": ("H1 offsite", "H1 remote")},
    )


def bet(org, ceo, cto):
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)
    record = add_bet(sheet, Side.CEO, "Logos in banking", ceo)
    return Kind(
        record,
        reverse("alignment:sheet", args=[org.slug, sheet.pk]) + f"?edit=bet-{record.pk}",
        reverse("alignment:bet", args=[org.slug, record.pk]),
        "expected_outcome",
        "title",
        {
            "expected_outcome": ("Three banks by Q3", "Two banks by Q3"),
            "title": ("Logos in retail banking", "Logos in banks"),
        },
    )


def call(org, ceo, cto):
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)
    tech = add_bet(sheet, Side.CTO, "Event sourcing", cto)
    record = make_call(sheet, tech, "continue", cto, reason="Ahead on purpose")
    return Kind(
        record,
        reverse("alignment:call", args=[org.slug, tech.pk]) + "?edit",
        reverse("alignment:call", args=[org.slug, tech.pk]),
        "reason",
        "kind",
        {"reason": ("We need it for audits", "It pays off next year"), "kind": ("stop", "stop")},
    )


def session(org, ceo, cto):
    sheet = BetSheet.start(org, current_quarter(org), by=ceo)
    return Kind(
        sheet,
        reverse("alignment:sheet", args=[org.slug, sheet.pk]) + "?edit=session",
        reverse("alignment:session", args=[org.slug, sheet.pk]),
        "session_notes",
        "attendees",
        {
            "session_notes": ("Agreed to stop X", "Agreed to keep X"),
            "attendees": ("Ada, Tom", "Ada, Tom, Bea"),
        },
    )


def initiative_section(section, first, second, typed, **fields):
    def make(org, ceo, cto):
        record = new_initiative(org, cto, **fields)
        url = reverse(f"timeline:{section}", args=[org.slug, record.pk])
        return Kind(record, url, url, first, second, typed)

    return make


def indicator(org, ceo, cto):
    initiative = new_initiative(org, cto)
    record = LeadingIndicator.create_shared(
        by=cto,
        organization=org,
        initiative=initiative,
        description="Data migration completed",
        due_on=D(2027, 2, 15),
        if_missed="worst",
    )
    url = reverse("timeline:indicator", args=[org.slug, record.pk])
    return Kind(
        record,
        url + "?edit",
        url,
        "description",
        "if_missed",
        {
            "description": ("Migration done and verified", "Migration done"),
            "if_missed": ("expected", "expected"),
        },
    )


def slip_step(org, ceo, cto):
    initiative = new_initiative(org, cto)
    record = SlipPlanStep.create_shared(
        by=ceo,
        organization=org,
        initiative=initiative,
        owner=ceo,
        audience="board",
        message="Tell the board",
        days_after=2,
    )
    url = reverse("timeline:step", args=[org.slug, record.pk])
    return Kind(
        record,
        url + "?edit",
        url,
        "message",
        "days_after",
        {"message": ("Tell the board today", "Tell the board this week"), "days_after": ("5", "5")},
    )


def constraint_section(section, first, second, typed, **fields):
    def make(org, ceo, cto):
        record = make_constraint(org, cto, **fields)
        url = reverse("constraints:detail", args=[org.slug, record.pk]) + f"?edit={section}"
        return Kind(
            record,
            url,
            reverse("constraints:edit", args=[org.slug, record.pk, section]),
            first,
            second,
            typed,
        )

    return make


def path(org, ceo, cto):
    constraint = make_constraint(org, cto)
    record = make_path(constraint, cto)
    return Kind(
        record,
        reverse("constraints:detail", args=[org.slug, constraint.pk]) + f"?edit=path-{record.pk}",
        reverse("constraints:path_edit", args=[org.slug, constraint.pk, record.pk]),
        "description",
        "risks",
        {
            "description": ("Partition by tenant", "Partition by region"),
            "risks": ("Rebalancing pain", "Rebalancing pain"),
        },
    )


def reminder_settings(org, ceo, cto):
    record = ReminderSettings.create_shared(by=cto, organization=org, checkpoint_lead_days="7, 1")
    return Kind(
        record,
        reverse("reminders:index", args=[org.slug]),
        reverse("reminders:settings", args=[org.slug]),
        "checkpoint_lead_days",
        "checkpoint_lead_days",
        {"checkpoint_lead_days": ("14, 7, 1", "3")},
        prefix="settings",
    )


KINDS = {
    "planning cycle": planning_cycle,
    "bet": bet,
    "call": call,
    "session": session,
    "initiative overview": initiative_section(
        "overview",
        "summary",
        "title",
        {"summary": ("Cards and wallets", "Cards only"), "title": ("Payments v2", "Payments 2")},
    ),
    "initiative timelines": initiative_section(
        "timelines",
        "best_risks",
        "worst_date",
        {
            "best_risks": ("Vendor late", "Vendor API changes"),
            "worst_date": ("2027-07-19", "2027-07-19"),
        },
    ),
    "initiative commitment": initiative_section(
        "commitment",
        "commitment_date",
        "commitment_audience",
        {
            "commitment_date": ("2027-04-12", "2027-04-26"),
            "commitment_audience": ("partner", "customers"),
        },
        commitment_date=D(2027, 4, 5),
        commitment_audience="board",
    ),
    "indicator": indicator,
    "slip-plan row": slip_step,
    "constraint facts": constraint_section(
        "facts",
        "demand",
        "metric",
        {
            "demand": ("Globex launch volume", "Globex and Initech"),
            "metric": ("Peak ingest rate", "Peak ingest rate"),
        },
    ),
    "constraint trade-off": constraint_section(
        "tradeoff",
        "tradeoff_debt",
        "tradeoff_pace",
        {"tradeoff_debt": ("Old ETL", "Old ETL stays"), "tradeoff_pace": ("On-call", "On-call")},
    ),
    "constraint decision": constraint_section(
        "decision",
        "decision_reason",
        "revisit_on",
        {
            "decision_reason": ("Too costly now", "Wait for the Globex deal"),
            "revisit_on": ("2027-09-01", "2027-10-01"),
        },
        decision="revisit",
        revisit_on=D(2027, 6, 1),
    ),
    "path": path,
    "reminder settings": reminder_settings,
}


@pytest.fixture(params=KINDS)
def kind(request, org, ceo, cto):
    return KINDS[request.param](org, ceo, cto)


def opened(client, kind):
    """The form as the page shows it."""
    return form_data(client.get(kind.opened_at).content.decode(), kind.saves_to, kind.opened_at)


def save(client, spec, data, **typed):
    data = {**data, **{spec.field(name): value for name, value in typed.items()}}
    response = client.post(spec.saves_to, data, follow=True)
    assert response.status_code in (200, 400)  # 400: refused, the form shown again
    return response.content.decode()


def typed(kind, who, name):
    return kind.typed[name][0 if who == "ceo" else 1]


def as_stored(kind, name, value):
    field = type(kind.record)._meta.get_field(name)
    if field.get_internal_type() == "DateField":
        return D.fromisoformat(value)
    if field.get_internal_type() == "PositiveSmallIntegerField":
        return int(value)
    if field.get_internal_type() == "DecimalField":
        return Decimal(value)
    if field.is_relation:
        return int(value)
    return value


def test_different_fields_saved_from_one_version_are_both_kept(kind, ceo_client, cto_client):
    if kind.first == kind.second:
        pytest.skip("this form edits one field")
    ceos, ctos = opened(ceo_client, kind), opened(cto_client, kind)

    save(ceo_client, kind, ceos, **{kind.first: typed(kind, "ceo", kind.first)})
    page = save(cto_client, kind, ctos, **{kind.second: typed(kind, "cto", kind.second)})

    assert "Both of you changed this" not in page
    assert "both changes are kept" in page
    assert kind.stored(kind.first) == as_stored(kind, kind.first, typed(kind, "ceo", kind.first))
    assert kind.stored(kind.second) == as_stored(kind, kind.second, typed(kind, "cto", kind.second))


def test_the_same_field_changed_by_both_is_the_only_conflict(kind, ceo_client, cto_client):
    ceos, ctos = opened(ceo_client, kind), opened(cto_client, kind)

    save(ceo_client, kind, ceos, **{kind.first: typed(kind, "ceo", kind.first)})
    page = save(cto_client, kind, ctos, **{kind.first: typed(kind, "cto", kind.first)})

    assert "Both of you changed this" in page
    panel = page.split('class="conflict-table"')[1].split("</table>")[0]
    assert panel.count("<tr>") == 2  # the heading and the one field both changed
    assert kind.stored(kind.first) == as_stored(kind, kind.first, typed(kind, "ceo", kind.first))


def test_saving_from_the_panel_writes_only_what_was_changed_or_chosen(kind, ceo_client, cto_client):
    ceos, ctos = opened(ceo_client, kind), opened(cto_client, kind)
    ceo_first = typed(kind, "ceo", kind.first)
    changes = {kind.first: ceo_first}
    if kind.second != kind.first:
        changes[kind.second] = typed(kind, "ceo", kind.second)
    save(ceo_client, kind, ceos, **changes)
    page = save(cto_client, kind, ctos, **{kind.first: typed(kind, "cto", kind.first)})

    # The CTO keeps the CEO's value for the field both changed, and saves from the panel.
    panel = form_data(page, kind.saves_to, kind.saves_to)
    save(cto_client, kind, {**panel, kind.field(f"keep-{kind.first}"): "theirs"})

    for name, value in changes.items():
        assert kind.stored(name) == as_stored(kind, name, value), name


def test_choosing_mine_on_the_panel_saves_mine_and_keeps_their_other_changes(
    kind, ceo_client, cto_client
):
    if kind.first == kind.second:
        pytest.skip("this form edits one field")
    ceos, ctos = opened(ceo_client, kind), opened(cto_client, kind)
    theirs_second = typed(kind, "ceo", kind.second)
    save(
        ceo_client,
        kind,
        ceos,
        **{kind.first: typed(kind, "ceo", kind.first), kind.second: theirs_second},
    )
    page = save(cto_client, kind, ctos, **{kind.first: typed(kind, "cto", kind.first)})

    panel = form_data(page, kind.saves_to, kind.saves_to)
    save(cto_client, kind, {**panel, kind.field(f"keep-{kind.first}"): "mine"})

    mine = typed(kind, "cto", kind.first)
    assert kind.stored(kind.first) == as_stored(kind, kind.first, mine)
    assert kind.stored(kind.second) == as_stored(kind, kind.second, theirs_second)


def test_a_reason_is_asked_only_of_the_person_who_moved_a_date(org, cto, ceo_client, cto_client):
    record = new_initiative(org, cto, status="active")
    url = reverse("timeline:timelines", args=[org.slug, record.pk])
    spec = Kind(record, url, url, "best_risks", "worst_date", {})
    ceos, ctos = opened(ceo_client, spec), opened(cto_client, spec)

    save(cto_client, spec, ctos, worst_date="2027-07-19", reason="Vendor slipped")
    page = save(ceo_client, spec, ceos, best_risks="Vendor API changes")

    assert "Say why" not in page
    assert spec.stored("best_risks") == "Vendor API changes"
    assert spec.stored("worst_date") == D(2027, 7, 19)
