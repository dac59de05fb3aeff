import datetime

import pytest
from django.core.exceptions import ValidationError

from calibration.timeline.models import EstimateRevision, Initiative, LeadingIndicator

D = datetime.date


def test_timelines_must_be_ordered_and_after_start(make_initiative):
    with pytest.raises(ValidationError) as err:
        make_initiative(best_date=D(2027, 5, 10))
    assert "expected_date" in err.value.message_dict


def test_worst_before_expected_is_refused_at_worst(make_initiative):
    with pytest.raises(ValidationError) as err:
        make_initiative(worst_date=D(2027, 4, 1))
    assert list(err.value.message_dict) == ["worst_date"]


def test_timeline_on_or_before_start_is_refused(make_initiative):
    with pytest.raises(ValidationError) as err:
        make_initiative(best_date=D(2027, 1, 4))
    assert "after the start date" in err.value.message_dict["best_date"][0]


def test_gap_sentence_names_the_gap_plainly(make_initiative):
    i = make_initiative(
        best_date=D(2027, 3, 22),
        expected_date=D(2027, 5, 3),
        commitment_date=D(2027, 3, 1),
        commitment_audience="board",
    )
    assert i.gap_sentence() == (
        "The board hears 2027-03-01; the plan says 2027-05-03: "
        "9 weeks earlier than expected, 3 weeks earlier than best case."
    )
    assert i.gap_weeks() == 9


def test_creation_records_first_revisions(initiative):
    fields = sorted(r.field for r in EstimateRevision.objects.filter(initiative=initiative))
    assert fields == ["best", "expected", "worst"]


def test_changing_a_timeline_clears_both_acknowledgements(make_initiative, ceo, cto):
    i = make_initiative(commitment_date=D(2027, 3, 1), commitment_audience="board")
    i.acknowledge(by=ceo, role="ceo", expected_version=i.version)
    i.acknowledge(by=cto, role="cto", expected_version=i.version)
    assert i.is_acknowledged()
    i.expected_date = D(2027, 5, 17)
    i.save_shared(by=cto, expected_version=i.version)
    i.refresh_from_db()
    assert not i.is_acknowledged()
    assert i.acknowledgements_cleared_because == "the expected case changed"


def test_active_initiative_needs_a_reason_to_move_a_date(make_initiative, cto):
    i = make_initiative(status="active")
    i.worst_date = D(2027, 7, 5)
    with pytest.raises(ValidationError):
        i.save_shared(by=cto, expected_version=i.version)
    i.save_shared(by=cto, expected_version=i.version, note="Vendor slipped")
    rev = EstimateRevision.objects.filter(initiative=i, field="worst").first()
    assert (rev.old_date, rev.new_date, rev.reason) == (
        D(2027, 6, 28),
        D(2027, 7, 5),
        "Vendor slipped",
    )


def test_missing_an_indicator_moves_tracking_and_triggers_slip_plan(
    make_initiative, make_indicator, make_step, cto
):
    i = make_initiative(status="active", commitment_date=D(2027, 5, 3), commitment_audience="board")
    ind = make_indicator(i)
    make_step(i)
    assert Initiative.objects.with_everything().get(pk=i.pk).tracking_timeline() == "expected"
    ind.status, ind.resolved_on = LeadingIndicator.Status.MISSED, D(2027, 2, 16)
    ind.save_shared(by=cto, expected_version=ind.version)
    fresh = Initiative.objects.with_page_details().get(pk=i.pk)
    assert fresh.tracking_timeline() == "worst"
    assert fresh.tracking_changed_on() == D(2027, 2, 16)
    assert len(fresh.open_slip_actions()) == 1
    assert len(fresh.slip_events.all()) == 1


def test_week_n_due_date_annotation(make_initiative, make_indicator):
    i = make_initiative()
    make_indicator(i, due_on=None, due_week=3)
    ind = LeadingIndicator.objects.for_org(i.organization).with_due_date().get()
    assert ind.due_date == D(2027, 1, 25)
