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
        "The board hears 1 Mar 2027; the plan says 3 May 2027: "
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


def test_setting_a_commitment_before_the_plan_is_a_gap_not_a_slip(make_initiative, make_step, ceo):
    i = make_initiative(status="active")
    make_step(i)
    i.commitment_date, i.commitment_audience = D(2027, 3, 1), "board"
    i.save_shared(by=ceo, expected_version=i.version, note="Board meeting")
    assert not i.slip_events.exists()


def test_moving_the_plan_past_the_commitment_triggers_the_slip_plan(
    make_initiative, make_step, cto
):
    i = make_initiative(
        status="active", commitment_date=D(2027, 5, 10), commitment_audience="board"
    )
    make_step(i, days_after=5)
    i.expected_date = D(2027, 5, 24)
    i.save_shared(by=cto, expected_version=i.version, note="Vendor late")
    event = i.slip_events.get()
    assert "past what the board heard (10 May 2027)" in event.cause
    assert i.slip_actions.get().due_on == i.organization.today() + datetime.timedelta(days=5)


def test_a_missed_indicator_triggers_once(make_initiative, make_indicator, make_step, cto):
    i = make_initiative(status="active")
    make_step(i)
    ind = make_indicator(i, if_missed="expected")
    ind.status, ind.resolved_on = "missed", D(2027, 2, 16)
    ind.save_shared(by=cto, expected_version=ind.version)
    ind.status = "pending"
    ind.resolved_on = None
    ind.save_shared(by=cto, expected_version=ind.version)
    ind.status, ind.resolved_on = "missed", D(2027, 2, 17)
    ind.save_shared(by=cto, expected_version=ind.version)
    assert i.slip_events.count() == 1 and i.slip_actions.count() == 1


def test_tracking_is_best_when_every_best_case_guard_is_met(make_initiative, make_indicator, cto):
    i = make_initiative()
    guard = make_indicator(i, if_missed="expected")
    make_indicator(i, description="Other", if_missed="worst")
    guard.status, guard.resolved_on, guard.evidence = "met", D(2027, 2, 1), "Demo to the board"
    guard.save_shared(by=cto, expected_version=guard.version)
    i = Initiative.objects.with_everything().get(pk=i.pk)
    assert (i.tracking_timeline(), i.tracking_changed_on()) == ("best", D(2027, 2, 1))


def test_tracking_takes_the_most_severe_miss(make_initiative, make_indicator):
    i = make_initiative()
    make_indicator(i, if_missed="expected", status="missed", resolved_on=D(2027, 2, 1))
    make_indicator(i, if_missed="worst", status="missed", resolved_on=D(2027, 2, 20))
    i = Initiative.objects.with_everything().get(pk=i.pk)
    assert (i.tracking_timeline(), i.tracking_changed_on()) == ("worst", D(2027, 2, 20))
    assert i.tracking_date() == D(2027, 6, 28)


def test_pending_indicator_past_its_date_is_overdue(make_initiative, make_indicator):
    i = make_initiative()
    ind = make_indicator(i, due_on=D(2027, 2, 15))
    assert ind.is_overdue(D(2027, 2, 16)) and ind.state(D(2027, 2, 16)) == "overdue"
    assert not ind.is_overdue(D(2027, 2, 15))


def test_indicator_needs_exactly_one_kind_of_due_date(make_initiative, make_indicator):
    i = make_initiative()
    with pytest.raises(ValidationError) as err:
        make_indicator(i, due_on=None, due_week=None)
    assert "due_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        make_indicator(i, due_on=D(2027, 2, 1), due_week=3)
    assert "due_week" in err.value.message_dict


def test_acknowledgement_needs_a_commitment(initiative, ceo):
    with pytest.raises(ValidationError):
        initiative.acknowledge(by=ceo, role="ceo", expected_version=initiative.version)


def test_changing_the_commitment_clears_acknowledgements(make_initiative, ceo, cto):
    i = make_initiative(commitment_date=D(2027, 3, 1), commitment_audience="board")
    i.acknowledge(by=cto, role="cto", expected_version=i.version)
    i.commitment_date = D(2027, 3, 15)
    i.save_shared(by=ceo, expected_version=i.version)
    assert i.acknowledgements() == {"ceo": None, "cto": None}
    assert i.acknowledgements_cleared_because == "the commitment changed"
    assert i.commitment_set_by == ceo


def test_baseline_is_taken_when_it_becomes_active_and_delays_are_measured(initiative, cto):
    initiative.status = "active"
    initiative.save_shared(by=cto, expected_version=initiative.version)
    assert initiative.baseline_expected == D(2027, 5, 3)
    initiative.expected_date = D(2027, 5, 24)
    initiative.save_shared(by=cto, expected_version=initiative.version, note="Scope added")
    assert initiative.delays_weeks() == {"best": 0, "expected": 3, "worst": 0}
    assert initiative.baseline_expected == D(2027, 5, 3)
    assert initiative.last_estimate_change().reason == "Scope added"


@pytest.mark.parametrize(
    "actual,landed",
    [
        (D(2027, 3, 1), "before_best"),
        (D(2027, 3, 22), "best_expected"),
        (D(2027, 5, 3), "best_expected"),
        (D(2027, 6, 1), "expected_worst"),
        (D(2027, 7, 1), "after_worst"),
    ],
)
def test_where_a_delivery_landed(make_initiative, cto, actual, landed):
    i = make_initiative(status="active")
    i.status, i.delivered_on = "delivered", actual
    i.save_shared(by=cto, expected_version=i.version)
    assert i.landed() == landed


def test_delivered_needs_the_actual_date(initiative, cto):
    initiative.status = "delivered"
    with pytest.raises(ValidationError) as err:
        initiative.full_clean()
    assert "delivered_on" in err.value.message_dict


def test_calibration_judges_against_the_baseline(make_initiative, cto):
    i = make_initiative(status="active")
    i.worst_date = D(2027, 8, 30)
    i.save_shared(by=cto, expected_version=i.version, note="Re-estimated late")
    i.status, i.delivered_on = "delivered", D(2027, 8, 2)
    i.save_shared(by=cto, expected_version=i.version)
    assert i.landed() == "after_worst"


def test_for_board_is_bounded_and_only_active(
    org, make_initiative, make_indicator, django_assert_num_queries
):
    for k in range(3):
        i = make_initiative(
            title=f"A{k}",
            status="active",
            commitment_date=D(2027, 4, 1),
            commitment_audience="board",
        )
        make_indicator(i)
    make_initiative(title="Proposed one")
    with django_assert_num_queries(4):
        rows = [
            (
                i.title,
                i.probability_of_meeting_commitment(),
                i.gap_weeks(),
                i.last_estimate_change(),
                i.acknowledgements(),
                i.indicator_counts(D(2027, 3, 1)),
                i.tracking_timeline(),
            )
            for i in Initiative.objects.for_board(org)
        ]
    assert [r[0] for r in rows] == ["A0", "A1", "A2"]
    assert rows[0][5] == {"met": 0, "missed": 0, "pending": 1, "overdue": 1}


def test_reminder_queries(org, make_initiative, make_indicator, make_step, cto):
    from calibration.timeline.models import SlipAction

    i = make_initiative(status="active")
    make_indicator(i, due_on=None, due_week=2)  # 2027-01-18
    make_indicator(i, description="Later", due_on=D(2027, 3, 1))
    due = LeadingIndicator.objects.for_org(org).of_active_initiatives().due_by(D(2027, 1, 20))
    assert [x.description for x in due] == ["Data migration completed"]
    make_step(i)
    ind = LeadingIndicator.objects.get(description="Later")
    ind.status, ind.resolved_on = "missed", D(2027, 3, 2)
    ind.save_shared(by=cto, expected_version=ind.version)
    assert SlipAction.objects.for_org(org).open().count() == 1
    assert (
        SlipAction.objects.for_org(org).due_by(org.today() + datetime.timedelta(days=2)).count()
        == 1
    )


def test_gap_sentence_when_the_commitment_is_later_than_the_plan(make_initiative):
    i = make_initiative(commitment_date=D(2027, 5, 17), commitment_audience="customers")
    assert i.gap_sentence() == (
        "Customers hear 17 May 2027; the plan says 3 May 2027: 2 weeks later than expected."
    )
    assert i.gap_weeks() == -2


def test_gap_sentence_when_the_commitment_is_the_best_case(make_initiative):
    i = make_initiative(commitment_date=D(2027, 3, 22), commitment_audience="partner")
    assert i.gap_sentence() == (
        "A partner hears 22 Mar 2027; the plan says 3 May 2027: "
        "6 weeks earlier than expected, the same as best case."
    )


def test_gap_sentence_without_commitment(initiative):
    assert initiative.gap_sentence() == "No date has been communicated outside yet."
    assert initiative.gap_weeks() is None and initiative.probability_of_meeting_commitment() is None


def test_board_summary_needs_no_extra_queries(
    org, make_initiative, make_indicator, django_assert_num_queries
):
    for k in range(3):
        i = make_initiative(
            title=f"B{k}",
            status="active",
            commitment_date=D(2027, 4, 1),
            commitment_audience="board",
        )
        make_indicator(i)
    with django_assert_num_queries(4):
        rows = [i.board_summary(D(2027, 3, 1)) for i in Initiative.objects.for_board(org)]
    assert rows[0]["gap_weeks"] == pytest.approx(4.6)
    assert rows[0]["checkpoints"]["overdue"] == 1 and rows[0]["tracking"] == "expected"
