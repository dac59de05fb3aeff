"""Constraints: a capability engineering does not have yet, in real numbers.

A constraint says what capability (event pipeline throughput), how it is measured (a metric
and its unit, and whether higher or lower is better), where we are today, what is needed and
by when, and what demands it. It states the trade-off — what we give up to make it possible —
and carries up to three priced paths, the CTO's recommended path, the CEO's market context,
and the decision both leaders make: a chosen path, "we won't do it", or "revisit on" a date.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from calibration.comments.models import Comment
from calibration.formats import date_text
from calibration.models import SharedRecord, SharedRecordQuerySet
from calibration.ranges import MEASURE, MONEY, PEOPLE_MONTHS, WEEKS, at_most, date_in_range

MAX_PATHS = 3
PATH_LETTERS = {1: "A", 2: "B", 3: "C"}
MINUS = "\u2212"
TIME_UNITS = {
    "ns",
    "µs",
    "us",
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "d",
    "day",
    "days",
    "week",
    "weeks",
}


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Enter a number above zero.", code="not_positive")


def validate_not_negative(value):
    if value is not None and value < 0:
        raise ValidationError("A cost cannot be negative.", code="negative")


def validate_unit(value):
    unit = (value or "").strip()
    if not unit:
        return
    if unit[0].isdigit() or unit[0] in "+-.,":
        raise ValidationError(
            "Give the unit alone, without a number — for example “events/s” or “ms”.",
            code="unit_with_number",
        )


def format_number(value):
    """50000 → "50,000"; 1.50 → "1.5"; never scientific notation."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value.normalize(), ",f")


def format_ratio(ratio):
    """4 → "4×", 1.25 → "1.3×", 12.4 → "12×"."""
    places = Decimal("1") if ratio >= 10 else Decimal("0.1")
    rounded = ratio.quantize(places, rounding=ROUND_HALF_UP)
    return f"{format_number(rounded)}×"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better (throughput, capacity, uptime)"
    LOWER = "lower", "Lower is better (latency, cost, error rate)"


class DemandKind(models.TextChoices):
    PARTNERSHIP = "partnership", "A partnership"
    INITIATIVE = "initiative", "An initiative"
    BET = "bet", "A strategic bet"
    MARKET = "market", "A market move"
    OTHER = "other", "Something else"


class Decision(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    CHOSEN = "chosen", "We take a path"
    DECLINED = "declined", "We won't do it"
    REVISIT = "revisit", "Revisit on a date"


@dataclass(frozen=True)
class Gap:
    """How far today's value is from the required one, read the right way for the metric."""

    current: Decimal
    required: Decimal
    direction: str
    unit: str

    @property
    def difference(self):
        """required − current: +150,000 events/s, or −600 ms."""
        return self.required - self.current

    @property
    def ratio(self):
        """How many times better the value must get (≥ 1 while the need is not met)."""
        if self.direction == Direction.LOWER:
            return self.current / self.required
        return self.required / self.current

    @property
    def met(self):
        return self.ratio <= 1

    @property
    def ratio_text(self):
        text = format_ratio(self.ratio)
        if self.direction == Direction.LOWER:
            return f"{text} {'faster' if self.unit.lower() in TIME_UNITS else 'lower'}"
        return text

    @property
    def difference_text(self):
        diff = self.difference
        sign = "+" if diff > 0 else MINUS if diff < 0 else "±"
        return f"{sign}{format_number(abs(diff))}"


class ConstraintQuerySet(SharedRecordQuerySet):
    def undecided(self):
        return self.filter(decision=Decision.UNDECIDED)

    def chosen(self):
        return self.filter(decision=Decision.CHOSEN)

    def declined(self):
        return self.filter(decision=Decision.DECLINED)

    def revisit_due(self, on):
        return self.filter(decision=Decision.REVISIT, revisit_on__lte=on)

    def needing_review(self, on):
        """Undecided, or due to be looked at again by `on`: what a planning cycle reviews."""
        return self.filter(
            Q(decision=Decision.UNDECIDED) | Q(decision=Decision.REVISIT, revisit_on__lte=on)
        )


class Constraint(SharedRecord):
    # --- the capability, in numbers ---------------------------------------------------------
    capability = models.CharField(
        max_length=200, help_text="What we cannot do yet, e.g. “event pipeline throughput”."
    )
    metric = models.CharField(
        max_length=100, help_text="What is measured, e.g. “sustained ingest rate”, “p99 latency”."
    )
    unit = models.CharField(
        max_length=30,
        validators=[validate_unit],
        help_text="The unit both values are in, e.g. “events/s”, “ms”, “%”.",
    )
    direction = models.CharField(
        "which way is better", max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    current_value = models.DecimalField(
        "today's measured value",
        max_digits=20,
        decimal_places=4,
        validators=[validate_positive, at_most(MEASURE.high)],
    )
    required_value = models.DecimalField(
        "value required",
        max_digits=20,
        decimal_places=4,
        validators=[validate_positive, at_most(MEASURE.high)],
    )
    needed_by = models.DateField("needed by", null=True, blank=True, validators=[date_in_range])

    # --- what demands it ---------------------------------------------------------------------
    demand_kind = models.CharField(
        "what demands it", max_length=16, choices=DemandKind.choices, default=DemandKind.OTHER
    )
    demand = models.TextField(
        "the demand, in a sentence",
        help_text="Who or what needs it, e.g. “Partnership with Globex: their launch volume”.",
    )
    demand_links = models.TextField(
        "links", blank=True, help_text="Optional: one web address per line (a brief, a deck)."
    )
    initiative = models.ForeignKey(
        "timeline.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="constraints",
        verbose_name="the initiative that demands it",
    )
    bet = models.ForeignKey(
        "alignment.Bet",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="constraints",
        verbose_name="the bet that demands it",
    )

    # --- the trade-off: what we give up ------------------------------------------------------
    tradeoff_people = models.TextField(
        "people", blank=True, help_text="Who moves onto this, whom we would need to hire."
    )
    tradeoff_initiatives = models.TextField(
        "other initiatives", blank=True, help_text="What slips or stops."
    )
    tradeoff_debt = models.TextField(
        "technical debt deferred", blank=True, help_text="What we knowingly leave unfixed."
    )
    tradeoff_pace = models.TextField(
        "sustainable pace", blank=True, help_text="What it costs the team in pace and on-call."
    )

    # --- the CTO's recommendation ------------------------------------------------------------
    recommended_path = models.ForeignKey(
        "Path", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recommendation_reason = models.TextField("why this path", blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # --- the CEO's market context ------------------------------------------------------------
    market_context = models.TextField(
        "market context",
        blank=True,
        help_text="What the market, customers or competitors mean for which path makes sense.",
    )
    market_context_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # --- the decision ------------------------------------------------------------------------
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True, default="")
    # A chosen path is not deleted from under its decision (the constraint changes its
    # decision first), except together with the constraint itself.
    chosen_path = models.ForeignKey(
        "Path", models.RESTRICT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField("reason", blank=True)
    revisit_on = models.DateField("revisit on", null=True, blank=True, validators=[date_in_range])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("decided at", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField("agreed at", null=True, blank=True)

    comments = GenericRelation(Comment)

    objects = ConstraintQuerySet.as_manager()

    # Deleting a constraint deletes its paths and its discussion first, each deletion in the
    # history.
    deleted_with = ("paths", "comments")

    class Meta:
        ordering = ["needed_by", "capability", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_value__gt=0) & Q(required_value__gt=0),
                name="constraint_values_positive",
            ),
            # "We take a path" names the path.
            models.CheckConstraint(
                condition=~Q(decision="chosen") | Q(chosen_path__isnull=False),
                name="chosen_decision_names_its_path",
            ),
        ]

    def __str__(self):
        return self.capability

    def get_absolute_url(self):
        return reverse("constraints:detail", args=[self.organization.slug, self.pk])

    # --- validation --------------------------------------------------------------------------

    def clean(self):
        errors = {}
        if self.decision == Decision.CHOSEN:
            if not self.chosen_path_id:
                errors["chosen_path"] = "Choose the path we take."
        if self.decision == Decision.DECLINED and not self.decision_reason.strip():
            errors["decision_reason"] = "Say why we won't do it."
        if self.decision == Decision.REVISIT and not self.revisit_on:
            errors["revisit_on"] = "Give the date we look at this again."
        if self.recommended_path_id and not self.recommendation_reason.strip():
            errors["recommendation_reason"] = "Say why this path: the reason is the point."
        if errors:
            raise ValidationError(errors)

    # --- reading it --------------------------------------------------------------------------

    def gap(self):
        if not self.current_value or not self.required_value:
            return None
        return Gap(
            Decimal(self.current_value), Decimal(self.required_value), self.direction, self.unit
        )

    def unit_repeats(self):
        """A short symbol (ms, %, s) reads well after every number; a longer unit
        (events/s) is said once."""
        return len(self.unit) <= 3 and " " not in self.unit

    def value_text(self, value, *, always_unit=False):
        text = format_number(value)
        if always_unit or self.unit_repeats():
            return f"{text}{self.unit_separator()}{self.unit}"
        return text

    def unit_separator(self):
        return "" if self.unit == "%" else " "

    def current_text(self):
        return self.value_text(self.current_value, always_unit=True)

    def required_text(self):
        return self.value_text(self.required_value, always_unit=True)

    def gap_sentence(self):
        """ "50,000 events/s today; 200,000 needed by 2027-06-01: 4×, +150,000" """
        gap = self.gap()
        if gap is None:
            return ""
        today = self.value_text(gap.current, always_unit=True)
        needed = self.value_text(gap.required)
        by = f" by {date_text(self.needed_by)}" if self.needed_by else ""
        if gap.met:
            return f"{today} today; {needed} needed{by}: met"
        diff = gap.difference_text
        if self.unit_repeats():
            diff += self.unit_separator() + self.unit
        return f"{today} today; {needed} needed{by}: {gap.ratio_text}, {diff}"

    def tradeoff_stated(self):
        return any(
            getattr(self, name).strip()
            for name in (
                "tradeoff_people",
                "tradeoff_initiatives",
                "tradeoff_debt",
                "tradeoff_pace",
            )
        )

    def tradeoff_items(self):
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in (
                "tradeoff_people",
                "tradeoff_initiatives",
                "tradeoff_debt",
                "tradeoff_pace",
            )
            if getattr(self, name).strip()
        ]

    def links(self):
        return [line.strip() for line in self.demand_links.splitlines() if line.strip()]

    def revisit_due(self, today):
        return self.decision == Decision.REVISIT and self.revisit_on and self.revisit_on <= today

    def awaiting_agreement(self):
        return bool(self.decision) and self.agreed_by_id is None

    # --- writing it --------------------------------------------------------------------------

    def changed(self, before, *, by, note, deleted=False):
        """The paths it names are its own and still there — checked under its lock, which
        every path write takes first, so a path deleted a moment ago is caught here. A
        constraint being deleted first lets go of its paths, so they can go with it."""
        if deleted:
            self.write_derived(decision=Decision.UNDECIDED, chosen_path=None, recommended_path=None)
            return
        paths = set(Path.objects.filter(constraint=self).values_list("pk", flat=True))
        errors = {
            name: PATH_GONE
            for name in ("chosen_path", "recommended_path")
            if getattr(self, f"{name}_id") and getattr(self, f"{name}_id") not in paths
        }
        if errors:
            raise ValidationError(errors)

    def record_decision(self, by):
        """Called before saving a changed decision: who decided and when; the other
        leader's agreement is asked for afresh."""
        self.decided_by = by
        self.decided_at = timezone.now()
        self.agreed_by = None
        self.agreed_at = None
        if self.decision != Decision.CHOSEN:
            self.chosen_path = None
        if self.decision != Decision.REVISIT:
            self.revisit_on = None

    def awaits_agreement_from_other_than(self, user_id):
        """A decision is made, not agreed yet, and `user_id` is not who made it."""
        return bool(self.decision) and self.agreed_by_id is None and self.decided_by_id != user_id

    def path_slots_left(self, paths):
        return MAX_PATHS - len(paths)


class Path(SharedRecord):
    """One way to close the gap, with its price: money and/or people-months, and weeks."""

    constraint = models.ForeignKey(Constraint, models.CASCADE, related_name="paths")
    position = models.PositiveSmallIntegerField(editable=False, blank=True)

    comments = GenericRelation(Comment)

    # Adding, editing or deleting a path locks its constraint first: two adds at once take
    # different slots, and a path is never added to a constraint being deleted.
    locks_parent = "constraint"
    deleted_with = ("comments",)
    # Amounts in the organization's currency (the history writes them so).
    money_fields = ("cost_money",)
    title = models.CharField("name", max_length=120, help_text="A short name, e.g. “Shard Kafka”.")
    description = models.TextField("what we would do")
    cost_money = models.DecimalField(
        "cost in money",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_not_negative, at_most(MONEY.high)],
    )
    cost_people_months = models.DecimalField(
        "cost in people-months",
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[validate_not_negative, at_most(PEOPLE_MONTHS.high, PEOPLE_MONTHS.unit)],
    )
    weeks_expected = models.PositiveSmallIntegerField(
        "expected weeks", validators=[validate_positive, at_most(WEEKS.high, WEEKS.unit)]
    )
    weeks_best = models.PositiveSmallIntegerField(
        "best case weeks",
        null=True,
        blank=True,
        validators=[validate_positive, at_most(WEEKS.high, WEEKS.unit)],
    )
    weeks_worst = models.PositiveSmallIntegerField(
        "worst case weeks",
        null=True,
        blank=True,
        validators=[validate_positive, at_most(WEEKS.high, WEEKS.unit)],
    )
    risks = models.TextField(blank=True)
    gives_up = models.TextField("what it gives up", blank=True)
    initiative = models.ForeignKey(
        "timeline.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="constraint_paths",
        verbose_name="the initiative that delivers it",
    )

    class Meta:
        ordering = ["constraint", "position"]
        constraints = [
            models.UniqueConstraint(fields=["constraint", "position"], name="one_path_per_slot"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_PATHS),
                name="at_most_three_paths",
            ),
        ]

    def __str__(self):
        return f"Path {self.letter}: {self.title}"

    def get_absolute_url(self):
        constraint = self.constraint
        return f"{reverse('constraints:detail', args=[constraint.organization.slug, constraint.pk])}#path-{self.pk}"

    @property
    def letter(self):
        return PATH_LETTERS.get(self.position, "?")

    def snapshot(self):
        # The constraint's id rides along so a constraint's history still finds its
        # deleted paths.
        return {**super().snapshot(), "constraint_id": self.constraint_id}

    def clean(self):
        errors = {}
        if self.cost_money is None and self.cost_people_months is None:
            errors["cost_money"] = "Give the cost in money, in people-months, or both."
        if self.weeks_expected:
            if self.weeks_best and self.weeks_best > self.weeks_expected:
                errors["weeks_best"] = "The best case cannot take longer than the expected case."
            if self.weeks_worst and self.weeks_worst < self.weeks_expected:
                errors["weeks_worst"] = "The worst case cannot be shorter than the expected case."
        if self._state.adding and self.constraint_id:
            # The first free slot. create_shared validates again under the constraint's
            # lock, so two paths added at once never take the same slot.
            taken = set(
                Path.objects.filter(constraint_id=self.constraint_id).values_list(
                    "position", flat=True
                )
            )
            free = [p for p in range(1, MAX_PATHS + 1) if p not in taken]
            if not free:
                raise ValidationError(TOO_MANY_PATHS, code="too_many_paths")
            self.position = free[0]
        if errors:
            raise ValidationError(errors)

    def changed(self, before, *, by, note, deleted=False):
        """The recommended or the chosen path is not removed from under its constraint:
        that is changed first (checked under the constraint's lock)."""
        if not deleted:
            return
        constraint = Constraint.objects.get(pk=self.constraint_id)
        role = (
            "chosen"
            if constraint.chosen_path_id == self.pk
            else "recommended"
            if constraint.recommended_path_id == self.pk
            else None
        )
        if role:
            raise ValidationError(f"{self} is the {role} path: change that first, then remove it.")

    def weeks_text(self):
        if self.weeks_best or self.weeks_worst:
            best = self.weeks_best or self.weeks_expected
            worst = self.weeks_worst or self.weeks_expected
            return f"{best}–{self.weeks_expected}–{worst} weeks"
        return f"{self.weeks_expected} weeks"

    def people_months_text(self):
        """14 → "14 people-months"; the money beside it is written in the organization's
        currency by the page (the `money` filter)."""
        if self.cost_people_months is None:
            return ""
        return f"{format_number(self.cost_people_months)} people-months"

    def initiative_dates(self, start):
        """(best, expected, worst) dates for an initiative starting on `start`."""
        return tuple(start + timedelta(weeks=weeks) for weeks in self.weeks_range())

    def initiative_initial(self, start):
        """What the timeline conversation's new-initiative form starts from for this path."""
        best, expected, worst = self.initiative_dates(start)
        constraint = self.constraint
        return {
            "title": f"{constraint.capability}: {self.title}"[:140],
            "summary": f"{self.description}\n\nCloses the gap: {constraint.gap_sentence()}.",
            "status": "proposed",
            "start_date": start,
            "best_date": best,
            "expected_date": expected,
            "worst_date": worst,
            "expected_risks": self.risks,
        }

    def weeks_range(self):
        """(best, expected, worst) weeks, the missing ends filled from the expected case."""
        return (
            self.weeks_best or self.weeks_expected,
            self.weeks_expected,
            self.weeks_worst or self.weeks_expected,
        )


PATH_GONE = "That path was just deleted by someone else: choose again."
TOO_MANY_PATHS = (
    "A constraint has at most three paths. Edit or remove one of them to add another — "
    "more options than three blur the decision."
)
