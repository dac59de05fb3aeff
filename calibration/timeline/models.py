"""The timeline conversation: initiatives, their three timelines, the external commitment
and its gap, estimate revisions, leading indicators, the slip communication plan.

Public model API (used by the board-prep view and reminders — keep it stable, add only):

* ``Initiative`` — ``Initiative.objects.for_org(org)``, ``.for_board(org)`` (active ones with
  everything prefetched), ``.for_list(org)``; per initiative: ``timeline_date(name)``,
  ``plan_date()``, ``contingency_date()``, ``gap_sentence()``, ``gap_weeks()``,
  ``forecast()``, ``probability_by(date)``, ``probability_of_meeting_commitment()``,
  ``tracking_timeline()``, ``tracking_date()``, ``tracking_changed_on()``, ``board_summary(today)``,
  ``is_tracking_past_commitment()``, ``acknowledgements()``, ``is_acknowledged()``,
  ``last_estimate_change()``, ``delays_weeks()``, ``indicator_counts(today)``,
  ``next_checkpoint(today)``, ``landed()``, ``open_slip_actions()``.
* ``EstimateRevision`` — append-only: one row per changed date (who, when, old → new, reason).
* ``ForecastRecord`` — append-only: the forecast as it stood (dates, commitment, P(meet), P50,
  P85, P95) each time a date changed, when it became active and at each checkpoint marked.
* ``LeadingIndicator`` — ``LeadingIndicator.objects.for_org(org).with_due_date()`` annotates
  ``due_date`` (a date, or week N from the start); ``.pending()``, ``.due_by(date)``;
  per indicator: ``due_date_value()``, ``is_overdue(today)``, ``state(today)``.
* ``SlipPlanStep`` — the agreed rows (who tells whom what, N days after detection).
* ``SlipEvent`` — one detection of a slip (an indicator missed, or tracking past the
  commitment) and ``SlipAction`` — the dated actions it created:
  ``SlipAction.objects.for_org(org).open()``, ``.due_by(date)``, ``.with_initiative()``,
  ``.for_home(org)``; per action ``is_overdue(today)``, ``mark_done(by=, expected_version=)``.
* The calibration of delivered initiatives lives in ``track_record.py``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateField, F, Func, Prefetch, Value
from django.db.models.functions import Coalesce, ExtractIsoWeekDay
from django.urls import reverse
from django.utils import timezone

from calibration.comments.models import Comment
from calibration.dates import FARTHEST_YEARS, OUT_OF_RANGE, add_weeks, weeks_in_range
from calibration.formats import date_text, duration_text
from calibration.models import SharedRecord, SharedRecordQuerySet
from calibration.ranges import WEEKS, date_in_range, latest_date

from . import forecast as forecasting
from .forecast_record import ForecastRecord, record_forecast
from .slips import SlipAction, SlipEvent, SlipPlanStep, trigger_slip_plan

BEST, EXPECTED, WORST = "best", "expected", "worst"
TIMELINES = [(BEST, "best case"), (EXPECTED, "expected case"), (WORST, "worst case")]
TIMELINE_ORDER = {BEST: 0, EXPECTED: 1, WORST: 2}
COMMITMENT = "commitment"
ESTIMATE_FIELDS = {
    BEST: "best_date",
    EXPECTED: "expected_date",
    WORST: "worst_date",
    COMMITMENT: "commitment_date",
}


def initiative_url(org):
    """pk → the initiative page's URL: reversed once, not once per row of a long list."""
    marker = 2147483647
    head, tail = reverse("timeline:initiative", args=[org.slug, marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def weeks_between(earlier, later):
    """Whole and fractional weeks from `earlier` to `later`, rounded to one decimal (None when
    either date is missing)."""
    if earlier is None or later is None:
        return None
    return round((later - earlier).days / 7, 1)


# --------------------------------------------------------------------------------------------
# Initiatives
# --------------------------------------------------------------------------------------------


class InitiativeQuerySet(SharedRecordQuerySet):
    def with_everything(self):
        """Everything the list, the page and the board view read, in a fixed number of queries."""
        return self.select_related(
            "owner",
            "commitment_set_by",
            "ceo_acknowledged_by",
            "cto_acknowledged_by",
            "organization",
        ).prefetch_related(
            # The tracker an indicator may be linked to (integrations) shows beside it.
            Prefetch(
                "indicators",
                queryset=LeadingIndicator.objects.select_related(
                    "tracker_source__connection"
                ).order_by("due_on", "id"),
            ),
            Prefetch(
                "revisions", queryset=EstimateRevision.objects.select_related("by").order_by("at")
            ),
            Prefetch(
                "slip_actions",
                queryset=SlipAction.objects.select_related("owner", "done_by").order_by(
                    "due_on", "id"
                ),
            ),
        )

    def with_page_details(self):
        """with_everything() plus the slip plan and its events, for the initiative page."""
        return self.with_everything().prefetch_related(
            Prefetch("slip_plan", queryset=SlipPlanStep.objects.select_related("owner")),
            Prefetch("slip_events", queryset=SlipEvent.objects.order_by("-detected_on", "-id")),
        )

    def for_list(self, org):
        return self.for_org(org).with_everything()

    def for_overview(self, org):
        """What the list and the home page read: the owner and the indicators (tracking,
        next checkpoint, probability) — not every revision and slip action, which the big
        organizations have thousands of."""
        return (
            self.for_org(org)
            .select_related("owner")
            .prefetch_related(
                Prefetch("indicators", queryset=LeadingIndicator.objects.order_by("due_on", "id"))
            )
        )

    def for_board(self, org):
        """Every active initiative of `org`, ready for the board-prep view (bounded queries)."""
        return self.for_list(org).filter(status=Initiative.Status.ACTIVE)


class Initiative(SharedRecord):
    """A major piece of work with three timelines, an external commitment and their gap.

    The CTO brings the engineering estimate (best ≤ expected ≤ worst, all after the start);
    the CEO brings the external commitment. Both acknowledge the gap; any change to a
    timeline or to the commitment clears both acknowledgements and is kept as an
    EstimateRevision (with a required reason once the initiative is active). When it first
    becomes active, its timelines are kept as the baseline; later slips are delays.
    Write it only through ``create_shared`` / ``save_shared``.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class Audience(models.TextChoices):
        BOARD = "board", "the board"
        PARTNER = "partner", "a partner"
        MARKET = "market", "the market"
        CUSTOMERS = "customers", "customers"

    title = models.CharField(max_length=140)
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="owner (engineering)",
        help_text="Who owns the estimate on the CTO's side.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    start_date = models.DateField("start date", validators=[date_in_range])

    best_date = models.DateField("best case", validators=[date_in_range])
    best_assumptions = models.TextField("best case assumptions", blank=True)
    best_risks = models.TextField("best case risks", blank=True)
    expected_date = models.DateField("expected case", validators=[date_in_range])
    expected_assumptions = models.TextField("expected case assumptions", blank=True)
    expected_risks = models.TextField("expected case risks", blank=True)
    worst_date = models.DateField("worst case", validators=[date_in_range])
    worst_assumptions = models.TextField("worst case assumptions", blank=True)
    worst_risks = models.TextField("worst case risks", blank=True)
    contingency_plan = models.TextField("contingency plan", blank=True)

    commitment_date = models.DateField(
        "external commitment", null=True, blank=True, validators=[date_in_range]
    )
    commitment_audience = models.CharField(
        "communicated to", max_length=12, choices=Audience.choices, blank=True
    )
    commitment_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    commitment_set_at = models.DateTimeField(null=True, blank=True, editable=False)

    ceo_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="CEO acknowledgement",
    )
    ceo_acknowledged_at = models.DateTimeField(null=True, blank=True)
    cto_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="CTO acknowledgement",
    )
    cto_acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgements_cleared_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledgements_cleared_because = models.CharField(max_length=200, blank=True, editable=False)

    baseline_best = models.DateField(
        "baseline best case", null=True, blank=True, validators=[date_in_range]
    )
    baseline_expected = models.DateField(
        "baseline expected case", null=True, blank=True, validators=[date_in_range]
    )
    baseline_worst = models.DateField(
        "baseline worst case", null=True, blank=True, validators=[date_in_range]
    )
    baseline_set_on = models.DateField(
        "became active on", null=True, blank=True, validators=[date_in_range]
    )

    delivered_on = models.DateField(
        "delivered on", null=True, blank=True, validators=[date_in_range]
    )

    comments = GenericRelation(Comment)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["expected_date", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("timeline:initiative", args=[self.organization.slug, self.pk])

    # --- validation ---------------------------------------------------------------------

    def clean(self):
        errors = {}
        start = self.start_date
        if start:
            for name in (BEST, EXPECTED, WORST):
                value = self.timeline_date(name)
                if value and value <= start:
                    errors.setdefault(ESTIMATE_FIELDS[name], []).append(
                        f"The {dict(TIMELINES)[name]} must be after the start date ({start})."
                    )
        if self.best_date and self.expected_date and self.expected_date < self.best_date:
            errors.setdefault("expected_date", []).append(
                f"The expected case cannot be earlier than the best case ({self.best_date})."
            )
        if self.expected_date and self.worst_date and self.worst_date < self.expected_date:
            errors.setdefault("worst_date", []).append(
                f"The worst case cannot be earlier than the expected case ({self.expected_date})."
            )
        elif self.best_date and self.worst_date and self.worst_date < self.best_date:
            errors.setdefault("worst_date", []).append(
                f"The worst case cannot be earlier than the best case ({self.best_date})."
            )
        if self.commitment_date and start and self.commitment_date < start:
            errors.setdefault("commitment_date", []).append(
                f"A commitment cannot come before the start date ({start})."
            )
        if self.commitment_date and not self.commitment_audience:
            errors["commitment_audience"] = ["Say who heard this date."]
        if self.commitment_audience and not self.commitment_date:
            errors["commitment_date"] = ["Give the date that was communicated."]
        if self.status == self.Status.DELIVERED and not self.delivered_on:
            errors["delivered_on"] = ["Give the date it was actually delivered."]
        if self.delivered_on and start and self.delivered_on < start:
            errors.setdefault("delivered_on", []).append(
                f"It cannot be delivered before it started ({start})."
            )
        if errors:
            raise ValidationError(errors)

    # --- the three timelines and the commitment -----------------------------------------

    def timeline_date(self, name):
        """The date of timeline `name` ("best", "expected", "worst")."""
        return getattr(self, ESTIMATE_FIELDS[name])

    def plan_date(self):
        """What the organization plans against: the expected case."""
        return self.expected_date

    def contingency_date(self):
        """The contingency: the worst case."""
        return self.worst_date

    def timelines(self):
        """[(name, label, date, assumptions, risks)] for best, expected, worst."""
        return [
            (
                name,
                label,
                self.timeline_date(name),
                getattr(self, f"{name}_assumptions"),
                getattr(self, f"{name}_risks"),
            )
            for name, label in TIMELINES
        ]

    def has_commitment(self):
        return self.commitment_date is not None

    def gap_weeks(self):
        """Weeks between the commitment and the expected case: positive when the commitment
        is earlier than the plan (the gap to close). None without a commitment."""
        if not self.commitment_date:
            return None
        return weeks_between(self.commitment_date, self.expected_date)

    def gap_sentence(self):
        """The gap in plain words, e.g. "The board hears 1 Mar 2027; the plan says 1 May 2027:
        8 weeks earlier than expected, 3 weeks earlier than best case." """
        if not self.commitment_date:
            return "No date has been communicated outside yet."
        who = self.get_commitment_audience_display() or "The outside world"
        who = who[0].upper() + who[1:]
        verb = "hear" if self.commitment_audience in ("customers",) else "hears"
        head = (
            f"{who} {verb} {date_text(self.commitment_date)}; "
            f"the plan says {date_text(self.expected_date)}"
        )
        parts = []
        c = self.commitment_date
        for name, label in ((EXPECTED, "expected"), (BEST, "best case"), (WORST, "worst case")):
            d = self.timeline_date(name)
            if c == d:
                parts.append(f"the same as {label}")
            elif name == EXPECTED or (name == BEST and c < d) or (name == WORST and c > d):
                direction = "earlier" if c < d else "later"
                weeks = weeks_between(c, d)
                if weeks_in_range(weeks):
                    parts.append(f"{duration_text(weeks)} {direction} than {label}")
                else:
                    parts.append(
                        f"more than {FARTHEST_YEARS} years {direction} than {label} "
                        f"({OUT_OF_RANGE})"
                    )
        return f"{head}: {', '.join(parts)}."

    # --- acknowledgement ----------------------------------------------------------------

    def acknowledgements(self):
        """{"ceo": (user, at) or None, "cto": (user, at) or None}."""
        return {
            "ceo": (self.ceo_acknowledged_by, self.ceo_acknowledged_at)
            if self.ceo_acknowledged_at
            else None,
            "cto": (self.cto_acknowledged_by, self.cto_acknowledged_at)
            if self.cto_acknowledged_at
            else None,
        }

    def is_acknowledged(self):
        """Both the CEO and the CTO acknowledged the current gap."""
        return bool(self.ceo_acknowledged_at and self.cto_acknowledged_at)

    def acknowledge(self, *, by, role, expected_version):
        """Record that the CEO or CTO (`role`) acknowledges the gap as it now stands. Who
        may acknowledge is decided in calibration.access."""
        if role not in ("ceo", "cto"):
            raise ValueError(
                f"Only the CEO's and the CTO's acknowledgements are kept, not {role}'s."
            )
        if not self.commitment_date:
            raise ValidationError("There is no external commitment to acknowledge yet.")
        setattr(self, f"{role}_acknowledged_by", by)
        setattr(self, f"{role}_acknowledged_at", timezone.now())
        return self.save_shared(by=by, expected_version=expected_version, note="Acknowledged gap")

    def _cleared_acknowledgements(self, because):
        """The fields that clear both acknowledgements, saying why if there were any."""
        fields = {
            "ceo_acknowledged_by": None,
            "cto_acknowledged_by": None,
            "ceo_acknowledged_at": None,
            "cto_acknowledged_at": None,
        }
        if self.ceo_acknowledged_at or self.cto_acknowledged_at:
            fields["acknowledgements_cleared_at"] = timezone.now()
            fields["acknowledgements_cleared_because"] = because[:200]
        return fields

    # --- writing: revisions, acknowledgement reset, baseline, triggers --------------------

    def estimate_changes(self, before):
        """[(field, old, new)] of the dates that differ from `before` (None: all are new)."""
        rows = []
        for name, attr in ESTIMATE_FIELDS.items():
            old = getattr(before, attr) if before is not None else None
            new = getattr(self, attr)
            if old != new and not (before is None and new is None):
                rows.append((name, old, new))
        return rows

    def reason_required(self):
        """A reason is required for changing an estimate date once the initiative is active
        (judged on the saved status)."""
        return self.status == self.Status.ACTIVE

    def changed(self, before, *, by, note, deleted=False):
        """Changing a timeline or the commitment records a revision per date, clears both
        acknowledgements, and needs a reason (`note`) once the initiative is active; the
        first time it is active its timelines become the baseline; a date change may
        trigger the slip plan."""
        if deleted:
            return
        if before is not None and before.start_date != self.start_date:
            # Checkpoints given as "week N" move with the start: their stored due date too.
            self.indicators.filter(due_week__isnull=False).update(
                due_date=AddWeeks(Value(self.start_date, output_field=DateField()), F("due_week"))
            )
        changes = self.estimate_changes(before)
        if changes and before is not None and before.status == self.Status.ACTIVE:
            if not note.strip():
                raise ValidationError(
                    {
                        "reason": "Say why the estimate changed: it is active, so no date moves quietly."
                    }
                )
        derived = {}
        if changes and before is not None:
            names = ", ".join(
                "the commitment" if n == COMMITMENT else f"the {n} case" for n, _, _ in changes
            )
            derived.update(self._cleared_acknowledgements(f"{names} changed"))
        commitment_moved = any(n == COMMITMENT for n, _, _ in changes)
        if self.commitment_date and (
            commitment_moved
            or before is not None
            and self.commitment_audience != before.commitment_audience
        ):
            derived.update(commitment_set_by=by, commitment_set_at=timezone.now())
        if not self.commitment_date and self.commitment_set_at:
            derived.update(commitment_set_by=None, commitment_set_at=None)
        if self.status == self.Status.ACTIVE and not self.baseline_set_on:
            derived.update(
                baseline_best=self.best_date,
                baseline_expected=self.expected_date,
                baseline_worst=self.worst_date,
                baseline_set_on=self.organization.today(),
            )
        if (
            before is not None
            and before.status == self.Status.DELIVERED
            and self.status != self.Status.DELIVERED
            and self.delivered_on
        ):
            derived["delivered_on"] = None
        if derived:
            self.write_derived(**derived)
        self._record_revisions(changes, by, note)
        if changes and before is not None:
            # Was tracking already past the (new) commitment with the old dates? Then moving
            # the commitment alone is a deliberate choice with an acknowledged gap, not a slip.
            before.commitment_date = self.commitment_date
            trigger_slip_plan(self, by=by, was_past=before.is_tracking_past_commitment())
        self._record_forecast(before, changes)

    def _record_forecast(self, before, changes):
        """Keep the forecast as it now stands when it became active (the baseline) or a date
        or the commitment moved: the track record and the commitment ledger read these."""
        became_active = self.status == self.Status.ACTIVE and (
            before is None or before.status != self.Status.ACTIVE
        )
        if became_active:
            record_forecast(self, ForecastRecord.Reason.ACTIVE)
        elif changes:
            record_forecast(self, ForecastRecord.Reason.DATES)

    def _record_revisions(self, changes, by, reason):
        EstimateRevision.objects.bulk_create(
            EstimateRevision(
                organization_id=self.organization_id,
                initiative=self,
                field=name,
                old_date=old,
                new_date=new,
                reason=reason,
                by=by,
            )
            for name, old, new in changes
        )

    # --- estimate history -----------------------------------------------------------------

    def revisions_list(self):
        """Revisions oldest first (uses the prefetch when there is one)."""
        return sorted(self.revisions.all(), key=lambda r: (r.at, r.pk))

    def last_estimate_change(self):
        """The latest revision that changed an existing date (not the first setting), or None."""
        changes = [r for r in self.revisions_list() if r.old_date is not None]
        return changes[-1] if changes else None

    def delays_weeks(self):
        """{"best"/"expected"/"worst": weeks later than the baseline}, {} before it is active."""
        if not self.baseline_set_on:
            return {}
        return {
            name: weeks_between(getattr(self, f"baseline_{name}"), self.timeline_date(name))
            for name in (BEST, EXPECTED, WORST)
        }

    def date_series(self):
        """{field: [(datetime, date)]} — how each date moved, for the chart."""
        series = {name: [] for name in ESTIMATE_FIELDS}
        for r in self.revisions_list():
            series[r.field].append((r.at, r.new_date))
        return series

    # --- forecast -------------------------------------------------------------------------

    def forecast(self):
        """The delivery-date distribution (PERT-Beta) over the current three timelines."""
        if not hasattr(self, "_forecast"):
            self._forecast = forecasting.DeliveryForecast(
                self.best_date, self.expected_date, self.worst_date
            )
        return self._forecast

    def probability_by(self, day):
        """P(delivered on or before `day`), 0..1."""
        return self.forecast().probability_by(day)

    def probability_of_meeting_commitment(self):
        """P(delivered on or before the external commitment), or None without one."""
        if not self.commitment_date:
            return None
        return self.probability_by(self.commitment_date)

    # --- leading indicators and the tracking timeline -------------------------------------

    def indicators_list(self):
        return sorted(self.indicators.all(), key=lambda i: (i.due_date_value(self), i.pk))

    def tracking_timeline(self):
        """Which timeline the initiative is on, derived from its indicators (never typed in):

        * any indicator missed → the most severe timeline those misses lead to;
        * otherwise, when the indicators that guard the best case (missing them would mean
          "expected") are all met → best;
        * otherwise → expected (the plan).
        """
        return self._tracking()[0]

    def tracking_changed_on(self):
        """The date the tracking timeline last changed (None: it has been the plan all along)."""
        return self._tracking()[1]

    def _tracking(self):
        return tracking_of(self.indicators.all())

    def tracking_date(self):
        return self.timeline_date(self.tracking_timeline())

    def is_tracking_past_commitment(self):
        return bool(self.commitment_date and self.tracking_date() > self.commitment_date)

    def indicator_counts(self, today):
        """{"met": n, "missed": n, "pending": n, "overdue": n} (overdue ⊂ pending)."""
        counts = {"met": 0, "missed": 0, "pending": 0, "overdue": 0}
        for i in self.indicators.all():
            counts[i.status] += 1
            if i.is_overdue(today, self):
                counts["overdue"] += 1
        return counts

    def next_checkpoint(self, today=None):
        """The pending indicator due soonest (overdue ones first), or None."""
        pending = [i for i in self.indicators_list() if i.status == LeadingIndicator.Status.PENDING]
        return pending[0] if pending else None

    # --- slip plan ----------------------------------------------------------------------

    def board_summary(self, today):
        """One dict with what the board-prep view shows for this initiative (no extra
        queries when it comes from ``Initiative.objects.for_board(org)``)."""
        return {
            "initiative": self,
            "best": self.best_date,
            "expected": self.expected_date,
            "worst": self.worst_date,
            "commitment": self.commitment_date,
            "audience": self.get_commitment_audience_display(),
            "probability": self.probability_of_meeting_commitment(),
            "gap_weeks": self.gap_weeks(),
            "gap_sentence": self.gap_sentence(),
            "last_estimate_change": self.last_estimate_change(),
            "acknowledgements": self.acknowledgements(),
            "acknowledged": self.is_acknowledged(),
            "checkpoints": self.indicator_counts(today),
            "tracking": self.tracking_timeline(),
            "tracking_past_commitment": self.is_tracking_past_commitment(),
            "open_slip_actions": self.open_slip_actions(),
        }

    def open_slip_actions(self):
        return [a for a in self.slip_actions.all() if not a.done_at]

    # --- delivery -------------------------------------------------------------------------

    LANDED = [
        ("before_best", "before the best case"),
        ("best_expected", "between best and expected"),
        ("expected_worst", "between expected and worst"),
        ("after_worst", "after the worst case"),
    ]

    def estimate_for_calibration(self):
        """(best, expected, worst) the delivery is judged against: the baseline when there is
        one (what was agreed), else the current timelines."""
        if self.baseline_set_on:
            # A baseline date missing from what is stored falls back to the current one.
            return (
                self.baseline_best or self.best_date,
                self.baseline_expected or self.expected_date,
                self.baseline_worst or self.worst_date,
            )
        return self.best_date, self.expected_date, self.worst_date

    def landed(self):
        """Where the actual delivery landed: one of LANDED's keys, or None if not delivered."""
        if not self.delivered_on:
            return None
        best, expected, worst = self.estimate_for_calibration()
        d = self.delivered_on
        if d < best:
            return "before_best"
        if d <= expected:
            return "best_expected"
        if d <= worst:
            return "expected_worst"
        return "after_worst"

    def landed_display(self):
        return dict(self.LANDED).get(self.landed(), "")


def tracking_of(indicators):
    """(timeline, since) that a set of leading indicators says the work is on:

    * any indicator missed → the most severe timeline those misses lead to;
    * otherwise, when the indicators that guard the best case (missing them would mean
      "expected") are all met → best;
    * otherwise → expected (the plan).
    """
    indicators = list(indicators)
    missed = [i for i in indicators if i.status == LeadingIndicator.Status.MISSED]
    if missed:
        worst = max(TIMELINE_ORDER[i.if_missed] for i in missed)
        moved = [i.resolved_on for i in missed if TIMELINE_ORDER[i.if_missed] == worst]
        name = [n for n, o in TIMELINE_ORDER.items() if o == worst][0]
        return name, min(d for d in moved if d) if any(moved) else None
    guards = [i for i in indicators if i.if_missed == EXPECTED]
    if guards and all(i.status == LeadingIndicator.Status.MET for i in guards):
        return BEST, max((i.resolved_on for i in guards if i.resolved_on), default=None)
    return EXPECTED, None


# --------------------------------------------------------------------------------------------
# Estimate revisions
# --------------------------------------------------------------------------------------------


class EstimateRevision(models.Model):
    """One change of one estimate date (best/expected/worst case or the commitment): who,
    when, old → new, and why. Append-only: written by Initiative.create_shared/save_shared."""

    FIELDS = [*TIMELINES, (COMMITMENT, "external commitment")]

    organization = models.ForeignKey("accounts.Organization", models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="revisions")
    field = models.CharField(max_length=12, choices=FIELDS)
    old_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    new_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # By initiative for its page; by moment for the reminders that tell the other
        # leader what moved in the last hour.
        indexes = [models.Index(fields=["initiative", "at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.get_field_display()}: {self.old_date} → {self.new_date}"

    def weeks_moved(self):
        if self.old_date is None or self.new_date is None:
            return None
        return weeks_between(self.old_date, self.new_date)


# --------------------------------------------------------------------------------------------
# Leading indicators
# --------------------------------------------------------------------------------------------


class AddWeeks(Func):
    """A date plus N weeks, as a date. SQLite cannot multiply a duration, so each database
    gets its own SQL (SQLite is the laptop default; PostgreSQL runs in production)."""

    arity = 2
    output_field = DateField()

    # Both stop at 9999-12-31 (the last day Python can read back) and stay NULL when either
    # input is NULL: week 30000 of a start in the year 9990 is not an error on every page.

    def as_sql(self, compiler, connection, **extra_context):
        (date_sql, date_params), (weeks_sql, weeks_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        days = f"({weeks_sql}) * 7"
        return (
            f"(CASE WHEN {days} >= DATE '9999-12-31' - {date_sql} THEN DATE '9999-12-31' "
            f"ELSE {date_sql} + {days} END)",
            [*weeks_params, *date_params, *date_params, *weeks_params],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        (date_sql, date_params), (weeks_sql, weeks_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return (
            f"date(min(julianday({date_sql}) + ({weeks_sql}) * 7, julianday('9999-12-31')))",
            [*date_params, *weeks_params],
        )


def computed_due_date():
    """The SQL of an indicator's due date: the fixed date, or the start date plus N weeks."""
    return Coalesce(F("due_on"), AddWeeks(F("initiative__start_date"), F("due_week")))


class LeadingIndicatorQuerySet(SharedRecordQuerySet):
    def with_due_date(self):
        """`due_date` is stored now (see LeadingIndicator.due_date); kept so callers that
        ask for it read the same."""
        return self

    def pending(self):
        return self.filter(status=LeadingIndicator.Status.PENDING)

    def due_by(self, day):
        """Pending checkpoints due on or before `day` (annotated with due_date)."""
        return self.with_due_date().pending().filter(due_date__lte=day)

    def due_between(self, first, last):
        """Pending checkpoints due from `first` to `last` inclusive (annotated with due_date)."""
        return self.with_due_date().pending().filter(due_date__gte=first, due_date__lte=last)

    def with_initiative(self):
        return self.select_related("initiative", "initiative__owner")

    def of_active_initiatives(self):
        return self.filter(initiative__status=Initiative.Status.ACTIVE)


class LeadingIndicator(SharedRecord):
    """What must be true by when (a date, or week N from the start), and what missing it means:
    which timeline we are then on. Pending until marked met (with date and evidence) or missed.
    A pending indicator past its date is overdue until someone marks it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        MET = "met", "Met"
        MISSED = "missed", "Missed"

    IF_MISSED = [(EXPECTED, "we are on the expected case"), (WORST, "we are on the worst case")]

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="indicators")
    description = models.CharField(
        "what must be true", max_length=200, help_text="For example “data migration completed”."
    )
    due_on = models.DateField("by (date)", null=True, blank=True, validators=[date_in_range])
    due_week = models.PositiveSmallIntegerField(
        "or by week N from the start",
        null=True,
        blank=True,
        help_text="Due N weeks after the start date; moves with the start date.",
        validators=WEEKS.validators(),
    )
    if_missed = models.CharField("if missed", max_length=10, choices=IF_MISSED, default=WORST)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    resolved_on = models.DateField(
        "met/missed on", null=True, blank=True, validators=[date_in_range]
    )
    evidence = models.TextField(blank=True)
    # The date it is due by, stored so the reminder dispatcher and the calendar find
    # checkpoints with an index instead of computing COALESCE(due_on, start + weeks) for
    # every row of every company. Derived, never edited: save() sets it from due_on /
    # due_week, and a change of the initiative's start moves it (Initiative.changed).
    due_date = models.DateField(null=True, editable=False)

    objects = LeadingIndicatorQuerySet.as_manager()

    # A tracker link checks this indicator and nothing else: it goes with it, in the history.
    deleted_with = ("tracker_source",)

    class Meta:
        ordering = ["due_on", "due_week", "id"]
        indexes = [
            # The dispatcher: pending checkpoints due on given days …
            models.Index(
                fields=["due_date"],
                condition=models.Q(status="pending"),
                name="indicator_pending_due",
            ),
            # … and those overdue whose weekly reminder falls on a given weekday.
            models.Index(
                ExtractIsoWeekDay("due_date"),
                "due_date",
                condition=models.Q(status="pending"),
                name="indicator_pending_weekday",
            ),
        ]

    def __str__(self):
        return self.description

    def clean(self):
        errors = {}
        if self.due_on is None and self.due_week is None:
            errors["due_on"] = ["Give a date, or a week number from the start."]
        if self.due_on is not None and self.due_week is not None:
            errors["due_week"] = ["Give either a date or a week number, not both."]
        elif self.initiative_id and WEEKS.low <= (self.due_week or 0) <= WEEKS.high:
            # A week number is a date too: it must land in the range every date has (a week
            # outside 1-520 is refused at the field already).
            start, latest = self.initiative.start_date, latest_date()
            if start and add_weeks(start, self.due_week) > latest:
                errors["due_week"] = [
                    f"Week {self.due_week} from the start ({start}) is after {latest.year}: "
                    "give an earlier week."
                ]
        if self.status == self.Status.MET:
            if not self.resolved_on:
                errors["resolved_on"] = ["Say when it was met."]
            if not self.evidence.strip():
                errors["evidence"] = ["Say what shows it was met."]
        if self.status == self.Status.MISSED and not self.resolved_on:
            errors["resolved_on"] = ["Say when it was missed."]
        if errors:
            raise ValidationError(errors)

    def due_date_value(self, initiative=None):
        """The date it is due by (a fixed date, or the start date plus N weeks)."""
        if self.due_on:
            return self.due_on
        if initiative is None and self.due_date:
            return self.due_date
        start = (initiative or self.initiative).start_date
        return add_weeks(start, self.due_week or 0)

    def save(self, *args, **kwargs):
        # Every path that writes a row (create_shared, save_shared, imports) stores the
        # date it is due by; bulk inserts set it themselves (demodata/generate).
        # The start is read under this write's lock, not from an initiative loaded earlier.
        if self.due_week:
            starts = Initiative._base_manager.filter(pk=self.initiative_id)
            start = starts.values_list("start_date", flat=True).get()
            self.due_date = add_weeks(start, self.due_week)
        else:
            self.due_date = self.due_on
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_date"}
        super().save(*args, **kwargs)

    def is_overdue(self, today, initiative=None):
        return self.status == self.Status.PENDING and self.due_date_value(initiative) < today

    def state(self, today, initiative=None):
        """ "pending", "overdue", "met" or "missed"."""
        return "overdue" if self.is_overdue(today, initiative) else self.status

    def changed(self, before, *, by, note, deleted=False):
        """Marking it missed — or any change that moves the tracking timeline past the
        commitment — triggers the slip plan."""
        if deleted or (before.status if before else self.Status.PENDING) == self.status:
            return
        initiative = Initiative.objects.prefetch_related("indicators").get(pk=self.initiative_id)
        # Where the initiative was tracking before this indicator changed.
        others = [i for i in initiative.indicators.all() if i.pk != self.pk]
        timeline, _ = tracking_of(others + ([before] if before else []))
        commitment = initiative.commitment_date
        was_past = bool(commitment and initiative.timeline_date(timeline) > commitment)
        trigger_slip_plan(initiative, by=by, was_past=was_past, missed=self)
        if self.status != self.Status.PENDING:
            record_forecast(initiative, ForecastRecord.Reason.CHECKPOINT)


__all__ = [
    "Initiative",
    "EstimateRevision",
    "ForecastRecord",
    "LeadingIndicator",
    "SlipPlanStep",
    "SlipEvent",
    "SlipAction",
]
