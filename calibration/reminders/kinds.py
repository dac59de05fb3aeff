"""The kinds of reminder Calibrate sends — the engine's one table.

Each kind is a stable string stored in the database (never renamed: unsubscribe links and
the unique key use it), with who gets it by default, the *source* that finds what is due
(a function of the dispatch Window yielding `calibration.cadence.Due`) and the *describer*
that writes its mail (a function of the reminder and its record returning a `Message`).
Sources and describers live with their conversation, in its `cadence.py`; one source may
yield several kinds (a checkpoint is coming, due, then overdue).
"""

from collections.abc import Callable
from dataclasses import dataclass

from calibration.alignment import cadence as alignment
from calibration.comments import cadence as comments
from calibration.constraints import cadence as constraints
from calibration.integrations import cadence as integrations
from calibration.timeline import cadence as timeline


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    conversation: str
    audience: str  # as a person reads it, on the preferences page
    source: Callable
    describe: Callable
    # (org, user) → a record of the organization to write a sample about, or None.
    sample: Callable
    # What the describer reads beside the record (select_related names): loaded with the
    # batch's records rather than one query per mail.
    related: tuple = ()


KINDS = {
    k.slug: k
    for k in [
        Kind(
            "constraint_review",
            "Constraint review at the start of a planning cycle",
            "constraints",
            "CEO and CTO",
            constraints.planning_cycle_reviews,
            constraints.describe_review,
            constraints.sample_cycle,
        ),
        Kind(
            "constraint_revisit",
            "A constraint's “revisit on” date arrives",
            "constraints",
            "CEO and CTO",
            constraints.revisits,
            constraints.describe_revisit,
            constraints.sample_revisit,
        ),
        Kind(
            "checkpoint_coming",
            "A checkpoint is coming up",
            "timeline",
            "CEO and CTO",
            timeline.checkpoints,
            timeline.describe_checkpoint_coming,
            timeline.sample_indicator,
            related=("initiative",),
        ),
        Kind(
            "checkpoint_due",
            "A checkpoint is due today",
            "timeline",
            "CEO and CTO",
            timeline.checkpoints,
            timeline.describe_checkpoint_due,
            timeline.sample_indicator,
            related=("initiative",),
        ),
        Kind(
            "checkpoint_overdue",
            "A checkpoint is overdue with no status (at most weekly)",
            "timeline",
            "CEO and CTO",
            timeline.checkpoints,
            timeline.describe_checkpoint_overdue,
            timeline.sample_indicator,
            related=("initiative",),
        ),
        Kind(
            "slip_action_due",
            "A triggered slip-plan action is due",
            "timeline",
            "the action's owner",
            timeline.slip_actions,
            timeline.describe_slip_action_due,
            timeline.sample_action,
            related=("initiative", "owner"),
        ),
        Kind(
            "slip_action_overdue",
            "A slip-plan action is overdue",
            "timeline",
            "CEO and CTO",
            timeline.slip_actions,
            timeline.describe_slip_action_overdue,
            timeline.sample_action,
            related=("initiative", "owner"),
        ),
        Kind(
            "slip_triggered",
            "A slip plan triggers an action of yours (at once)",
            "timeline",
            "the action's owner",
            timeline.triggered_actions,
            timeline.describe_slip_triggered,
            timeline.sample_action,
            related=("initiative", "event"),
        ),
        Kind(
            "dates_changed",
            "The other leader moves the commitment or an estimate date (within the hour)",
            "timeline",
            "the other leader",
            timeline.date_changes,
            timeline.describe_date_changes,
            timeline.sample_moved_initiative,
        ),
        Kind(
            "alignment_unscheduled",
            "No alignment session scheduled two weeks before the quarter",
            "alignment",
            "CEO and CTO",
            alignment.unscheduled_sessions,
            alignment.describe_unscheduled,
            alignment.sample_organization,
        ),
        Kind(
            "alignment_coming",
            "Alignment session coming (a week and a day before, with the agenda)",
            "alignment",
            "CEO and CTO",
            alignment.coming_sessions,
            alignment.describe_coming,
            alignment.sample_session,
        ),
        Kind(
            "alignment_undecided",
            "A held alignment session still has undecided calls",
            "alignment",
            "CEO and CTO",
            alignment.undecided_calls,
            alignment.describe_undecided,
            alignment.sample_held_session,
        ),
        Kind(
            "mention",
            "Someone mentions you in a comment",
            "discussion",
            "the member mentioned",
            comments.mentions,
            comments.describe_mention,
            comments.sample_comment,
            related=("author",),
        ),
        Kind(
            "tracker_unreadable",
            "A leading indicator's tracker cannot be read (once per spell of trouble)",
            "integrations",
            "CEO and CTO",
            integrations.unreadable_sources,
            integrations.describe_unreadable,
            integrations.sample_unreadable,
            related=("connection", "indicator__initiative"),
        ),
    ]
}

# Each source once, in the table's order.
SOURCES = list(dict.fromkeys(kind.source for kind in KINDS.values()))


def label(slug):
    kind = KINDS.get(slug)
    return kind.label if kind else slug.replace("_", " ")
