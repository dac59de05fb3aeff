"""Snapshots: taking one, and comparing one with now, initiative by initiative.

Kinds of difference, in the order a board asks about them:

* **delivered** — on the snapshot, delivered since (with how it landed against the plan then);
* **slipped** — the plan (expected case) is later than what was presented, by N weeks;
* **moved** — the plan came earlier, or the commitment, best or worst case changed;
* **new** — on the view now, not presented then;
* **dropped** — presented then, no longer on the view (cancelled, deleted, or filtered out);
* **unchanged** — every date as presented.
"""

from dataclasses import dataclass, field

from django.db import transaction

from calibration.formats import date_text, duration_text
from calibration.timeline.models import Initiative, weeks_between

from . import svg
from .figures import FIELD_LABELS, Row, board_figures, row_for
from .models import BoardSnapshot

MOST_ID = 2**63 - 1  # the largest 64-bit primary key
KINDS = {
    "delivered": "Delivered",
    "slipped": "Slipped",
    "moved": "Moved",
    "new": "New",
    "dropped": "Dropped",
    "unchanged": "Unchanged",
}
BADGES = {
    "delivered": "ok",
    "slipped": "danger",
    "moved": "warn",
    "new": "info",
    "dropped": "muted",
    "unchanged": "muted",
}


def take_snapshot(org, *, by, title, meeting_date, params=None):
    """Freeze the board view (figures and picture) as it is now, as a BoardSnapshot."""
    board = board_figures(org, params)
    picture = svg.render(board.rows, board.today, title=f"{org.name} — {title}", id_prefix="snap")
    with transaction.atomic():
        return BoardSnapshot.create_shared(
            by=by,
            organization=org,
            title=title,
            meeting_date=meeting_date,
            taken_on=board.today,
            taken_by=by,
            filters=board.filters.as_params(),
            filters_description=board.filters.describe(org.fiscal_year_start_month),
            figures=board.figures,
            svg=picture,
        )


@dataclass
class Difference:
    kind: str
    title: str
    then: Row | None
    now: Row | None
    details: list[str] = field(default_factory=list)
    expected_weeks: float | None = None  # + later, − earlier

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def badge(self):
        return BADGES[self.kind]

    @property
    def id(self):
        return (self.now or self.then).id

    @property
    def weeks_text(self):
        """How far the plan moved, e.g. "3 weeks 2 days" (OUT_OF_RANGE past what a plan can
        mean)."""
        if self.expected_weeks is None:
            return ""
        return duration_text(self.expected_weeks)


def _date_changes(then, now):
    details = []
    for name in ("expected", "commitment", "best", "worst"):
        old, new = getattr(then, name), getattr(now, name)
        if old == new:
            continue
        label = FIELD_LABELS[name]
        if old is None:
            details.append(f"{label} set: {date_text(new)}")
        elif new is None:
            details.append(f"{label} withdrawn (was {date_text(old)})")
        else:
            weeks = weeks_between(old, new)
            direction = "later" if weeks > 0 else "earlier"
            moved = duration_text(weeks)
            details.append(f"{label} {date_text(old)} → {date_text(new)} ({moved} {direction})")
    return details


def _other_changes(then, now):
    details = []
    if then.tracking != now.tracking:
        details.append(f"Tracking {then.tracking} → {now.tracking}")
    if then.probability_text != now.probability_text:
        details.append(
            f"Probability of meeting the commitment {then.probability_text} → "
            f"{now.probability_text}"
        )
    return details


def difference(then, now):
    """The Difference between a row as presented (`then`) and as it is (`now`); either may be
    None (new / dropped). `now` may be an initiative no longer on the view."""
    if then is None:
        return Difference("new", now.title, None, now, [f"Plan {date_text(now.expected)}"])
    if now is None:
        return Difference("dropped", then.title, then, None, ["Deleted since."])
    if now.delivered_on and not then.delivered_on:
        weeks = weeks_between(then.expected, now.delivered_on)
        moved = duration_text(weeks)
        when = (
            "on the plan presented"
            if weeks == 0
            else f"{moved} {'after' if weeks > 0 else 'before'} the plan presented "
            f"({date_text(then.expected)})"
        )
        return Difference(
            "delivered",
            now.title,
            then,
            now,
            [f"Delivered {date_text(now.delivered_on)}, {when}"],
            weeks,
        )
    details = _date_changes(then, now)
    weeks = weeks_between(then.expected, now.expected)
    if weeks > 0:
        kind = "slipped"
    elif details:
        kind = "moved"
    else:
        kind = "unchanged"
    return Difference(kind, now.title, then, now, details + _other_changes(then, now), weeks)


def compare(snapshot, org, *, today=None):
    """[Difference] between `snapshot` and the board now (under the snapshot's filters),
    in the order presented, new initiatives last."""
    board = board_figures(org, snapshot.filter_values(), today=today)
    now = {row.id: row for row in board.rows}
    then_rows = snapshot.rows()
    # Ids a primary key can hold: a snapshot's stored rows are not checked against anything.
    missing = [r.id for r in then_rows if r.id not in now and 0 < r.id <= MOST_ID]
    elsewhere = {
        i.pk: i for i in Initiative.objects.for_list(org).filter(pk__in=missing)
    }  # presented then, off the view now: delivered, cancelled, or out of the filters
    result = []
    for then in then_rows:
        if then.id in now:
            result.append(difference(then, now[then.id]))
        elif then.id in elsewhere:
            initiative = elsewhere[then.id]
            current = row_for(initiative, board.today)
            if initiative.status == Initiative.Status.DELIVERED:
                result.append(difference(then, current))
            else:
                reason = (
                    "Cancelled."
                    if initiative.status == Initiative.Status.CANCELLED
                    else f"No longer on this view (now {initiative.get_status_display().lower()})."
                    if initiative.status != then.status
                    else "No longer matches the snapshot's filters."
                )
                result.append(
                    Difference(
                        "dropped",
                        then.title,
                        then,
                        current,
                        [reason] + _date_changes(then, current),
                    )
                )
        else:
            result.append(difference(then, None))
    presented = {r.id for r in then_rows}
    result += [difference(None, row) for row in board.rows if row.id not in presented]
    return result, board


def summary(differences):
    """{kind: count} for the kinds that occur, in KINDS order."""
    counts = {}
    for d in differences:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    return [(kind, KINDS[kind], BADGES[kind], counts[kind]) for kind in KINDS if kind in counts]
