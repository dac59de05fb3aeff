"""The commitment ledger: who owns the gap.

For every initiative with an external commitment: the commitment, the plan and P85 over time
(from the ``ForecastRecord``s), who moved which date and why (the ``EstimateRevision``s), when
each leader acknowledged the gap (the ``Change`` history: acknowledgements are cleared on every
date change, so only the history remembers them), and whether the commitment was met.

For the organization (``summary``): how many external commitments were met and the median
miss, both from the track record's rows (the same commitment the calibration page judges: the
one standing when the initiative became active); how often both leaders had acknowledged the
gap before a missed commitment fell due; and how often a commitment was set earlier than the
P50 of its day (each time one was set or moved, from the forecast records).
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

from calibration.models import Change

from .chart import ledger_chart
from .models import EstimateRevision, ForecastRecord, Initiative, weeks_between
from .track_record import promised_commitment, rows_for

ROLES = ("ceo", "cto")


@dataclass(frozen=True)
class Acknowledgement:
    role: str  # "ceo" or "cto"
    who: str
    at: datetime.datetime

    @property
    def role_label(self):
        return self.role.upper()


@dataclass(frozen=True)
class CommitmentSet:
    """A commitment set or moved, beside the forecast of that moment."""

    at: datetime.datetime
    commitment: datetime.date
    p50: datetime.date
    p_meet: float | None

    @property
    def earlier_than_p50(self):
        return self.commitment < self.p50


@dataclass
class Entry:
    """One initiative's line in the ledger."""

    initiative: Initiative
    promised: datetime.date | None
    moves: list = field(default_factory=list)  # EstimateRevisions, oldest first
    acknowledgements: list = field(default_factory=list)
    commitments_set: list = field(default_factory=list)
    chart: dict | None = None
    today: datetime.date | None = None
    tz: object = None

    @property
    def outcome(self):
        """ "met", "missed", "missed_open" (its date passed, not delivered yet) or "open"."""
        i = self.initiative
        if self.promised is None:
            return "open"
        if i.delivered_on:
            return "met" if i.delivered_on <= self.promised else "missed"
        if i.status == Initiative.Status.ACTIVE and self.today and self.today > self.promised:
            return "missed_open"
        return "open"

    @property
    def weeks_missed(self):
        if self.outcome == "missed":
            return weeks_between(self.promised, self.initiative.delivered_on)
        if self.outcome == "missed_open":
            return weeks_between(self.promised, self.today)
        return None

    def acknowledged_before(self, day):
        """Both leaders had acknowledged the gap on or before `day`."""
        return acknowledged_by_both_before(self.acknowledgements, day, self.tz)


def acknowledged_by_both_before(acknowledgements, day, tz):
    roles = {a.role for a in acknowledgements if a.at.astimezone(tz).date() <= day}
    return all(role in roles for role in ROLES)


# --------------------------------------------------------------------------------------------
# Reading the history
# --------------------------------------------------------------------------------------------


def acknowledgements_of(initiative_ids):
    """{initiative id: [Acknowledgement]} from the Change history, oldest first."""
    if not initiative_ids:
        return {}
    keys = Q()
    for role in ROLES:
        keys |= Q(new__has_key=f"{role}_acknowledged_at")
    changes = (
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Initiative),
            object_id__in=initiative_ids,
        )
        .filter(keys)
        .select_related("by")
        .only("object_id", "at", "new", "by__name", "by__email")
        .order_by("at", "id")
    )
    found = {}
    for change in changes:
        for role in ROLES:
            if change.new.get(f"{role}_acknowledged_at"):
                who = change.new.get(f"{role}_acknowledged_by") or str(change.by or "someone")
                found.setdefault(change.object_id, []).append(Acknowledgement(role, who, change.at))
    return found


def commitments_set(records):
    """Each time the commitment was set or moved (a record whose commitment differs from the
    record before it), with the forecast of that moment. `records`: one initiative's, oldest
    first."""
    found, previous = [], None
    for r in records:
        if r.commitment_date and r.commitment_date != previous:
            found.append(CommitmentSet(r.at, r.commitment_date, r.p50, r.p_meet))
        previous = r.commitment_date
    return found


# --------------------------------------------------------------------------------------------
# The ledger page
# --------------------------------------------------------------------------------------------


def entries(org, today=None):
    """The ledger of every initiative that has had an external commitment: open ones first
    (soonest commitment first), then the delivered and cancelled ones, latest first."""
    today = today or org.today()
    initiatives = list(
        Initiative.objects.for_org(org)
        .select_related("owner", "commitment_set_by")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=EstimateRevision.objects.select_related("by").order_by("at", "id"),
            ),
            Prefetch("forecast_records", queryset=ForecastRecord.objects.order_by("at", "id")),
        )
    )
    committed = [
        i
        for i in initiatives
        if i.commitment_date
        or any(r.field == "commitment" and r.new_date for r in i.revisions.all())
    ]
    acks = acknowledgements_of([i.pk for i in committed])
    result = []
    for i in committed:
        revisions = list(i.revisions.all())
        records = list(i.forecast_records.all())
        commitment_moves = [r for r in revisions if r.field == "commitment"]
        i.organization = org  # the one the queryset is filtered by: no query to read it
        result.append(
            Entry(
                initiative=i,
                promised=promised_commitment(i, commitment_moves, org.tz),
                moves=[r for r in revisions if r.old_date is not None or r.field == "commitment"],
                acknowledgements=acks.get(i.pk, []),
                commitments_set=commitments_set(records),
                chart=ledger_chart(records, i.delivered_on, org.tz),
                today=today,
                tz=org.tz,
            )
        )
    result.sort(key=_ledger_order)
    return result


def _ledger_order(entry):
    """Open commitments first, soonest first; then closed ones, latest delivery first."""
    i = entry.initiative
    closed = i.delivered_on is not None or i.status == Initiative.Status.CANCELLED
    day = i.delivered_on or entry.promised or datetime.date.max
    return (closed, -day.toordinal() if closed else day.toordinal(), i.pk)


# --------------------------------------------------------------------------------------------
# The organization's figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    met: int
    decided: int  # delivered initiatives with a commitment: met or missed
    median_miss_weeks: float | None
    acknowledged_before_miss: int
    missed: int
    set_earlier_than_p50: int
    commitments_set: int
    missed_open: int  # active, past their commitment, not delivered

    @property
    def missed_share(self):
        return self.missed / self.decided if self.decided else None


def summary(org, rows=None, today=None):
    """The organization's ledger figures; `rows` (track_record rows) when already read."""
    today = today or org.today()
    rows = rows_for(org) if rows is None else rows
    decided = [r for r in rows if r.met_commitment is not None]
    missed = [r for r in decided if not r.met_commitment]
    acks = acknowledgements_of([r.initiative_id for r in missed])
    acknowledged = sum(
        1
        for r in missed
        if acknowledged_by_both_before(acks.get(r.initiative_id, []), r.commitment, org.tz)
    )
    records = {}
    for r in (
        ForecastRecord.objects.for_org(org)
        .only("initiative_id", "at", "commitment_date", "p50", "p_meet")
        .order_by("at", "id")
    ):
        records.setdefault(r.initiative_id, []).append(r)
    events = [e for items in records.values() for e in commitments_set(items)]
    open_past = (
        Initiative.objects.for_org(org)
        .filter(status=Initiative.Status.ACTIVE, commitment_date__lt=today)
        .count()
    )
    return Summary(
        met=len(decided) - len(missed),
        decided=len(decided),
        median_miss_weeks=statistics.median(
            weeks_between(r.commitment, r.delivered_on) for r in missed
        )
        if missed
        else None,
        acknowledged_before_miss=acknowledged,
        missed=len(missed),
        set_earlier_than_p50=sum(1 for e in events if e.earlier_than_p50),
        commitments_set=len(events),
        missed_open=open_past,
    )
