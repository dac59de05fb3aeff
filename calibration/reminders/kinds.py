"""The kinds of reminder Calibrate sends: one line each, with who gets it by default.

A kind is a stable string stored in the database (never renamed: unsubscribe links and the
unique key use it). Sources (sources.py) produce the due reminders of a kind; members choose
which kinds they get (ReminderPreference).
"""

from dataclasses import dataclass

LEADERS = ("ceo", "cto")


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    conversation: str
    audience: str  # as a person reads it, on the preferences page


KINDS = {
    k.slug: k
    for k in [
        Kind(
            "constraint_review",
            "Constraint review at the start of a planning cycle",
            "constraints",
            "CEO and CTO",
        ),
        Kind(
            "constraint_revisit",
            "A constraint's “revisit on” date arrives",
            "constraints",
            "CEO and CTO",
        ),
        Kind("checkpoint_coming", "A checkpoint is coming up", "timeline", "CEO and CTO"),
        Kind("checkpoint_due", "A checkpoint is due today", "timeline", "CEO and CTO"),
        Kind(
            "checkpoint_overdue",
            "A checkpoint is overdue with no status (at most weekly)",
            "timeline",
            "CEO and CTO",
        ),
        Kind(
            "slip_action_due",
            "A triggered slip-plan action is due",
            "timeline",
            "the action's owner",
        ),
        Kind("slip_action_overdue", "A slip-plan action is overdue", "timeline", "CEO and CTO"),
        Kind(
            "alignment_unscheduled",
            "No alignment session scheduled two weeks before the quarter",
            "alignment",
            "CEO and CTO",
        ),
        Kind(
            "alignment_coming",
            "Alignment session coming (a week and a day before, with the agenda)",
            "alignment",
            "CEO and CTO",
        ),
        Kind(
            "alignment_undecided",
            "A held alignment session still has undecided calls",
            "alignment",
            "CEO and CTO",
        ),
    ]
}


def label(slug):
    kind = KINDS.get(slug)
    return kind.label if kind else slug.replace("_", " ")
