"""The slip communication plan, agreed in advance, and what happens when a slip is detected.

* ``SlipPlanStep`` — one agreed row: who tells whom what, within N days of detection.
* ``SlipEvent`` — one detection (an indicator missed, or the tracking timeline moved past
  the commitment), and ``SlipAction`` — the dated actions it created from the plan.
* ``trigger_slip_plan`` — called from the initiative's and the indicator's `changed` hook
  (models.py), inside the same transaction as the change that caused it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from calibration.cadence import dispatch_soon
from calibration.formats import date_text
from calibration.models import SharedRecord, SharedRecordQuerySet
from calibration.ranges import DAYS_AFTER, date_in_range

MISSED = "missed"


class SlipPlanStep(SharedRecord):
    """One row of the slip communication plan agreed in advance: who (a member) tells whom,
    what, and by when (days after a slip is detected)."""

    class Whom(models.TextChoices):
        BOARD = "board", "the board"
        PARTNER = "partner", "a partner"
        TEAM = "team", "the team"
        PERSON = "person", "a named person"

    initiative = models.ForeignKey("timeline.Initiative", models.CASCADE, related_name="slip_plan")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="who tells",
    )
    audience = models.CharField("tells whom", max_length=10, choices=Whom.choices)
    audience_name = models.CharField(
        "name", max_length=100, blank=True, help_text="The partner's or the person's name."
    )
    message = models.TextField("what")
    days_after = models.PositiveSmallIntegerField(
        "within (days after the slip is detected)", default=2, validators=DAYS_AFTER.validators()
    )

    class Meta:
        ordering = ["days_after", "id"]

    def __str__(self):
        return f"{self.owner} tells {self.whom()} within {self.days_after} days"

    def clean(self):
        if (
            self.audience in (self.Whom.PARTNER, self.Whom.PERSON)
            and not self.audience_name.strip()
        ):
            raise ValidationError({"audience_name": "Name the partner or the person."})

    def whom(self):
        if self.audience_name:
            return self.audience_name
        return self.get_audience_display()


class SlipEvent(SharedRecord):
    """A detected slip that triggered the plan: an indicator missed (``indicator``) and/or the
    tracking timeline past the commitment (``past_commitment_key`` = "<timeline>:<date>")."""

    initiative = models.ForeignKey(
        "timeline.Initiative", models.CASCADE, related_name="slip_events"
    )
    detected_on = models.DateField(validators=[date_in_range])
    cause = models.TextField()
    indicator = models.ForeignKey(
        "timeline.LeadingIndicator", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    past_commitment_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-detected_on", "-id"]

    def __str__(self):
        return f"Slip detected {self.detected_on}: {self.initiative}"


class SlipActionQuerySet(SharedRecordQuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def due_by(self, day):
        return self.open().filter(due_on__lte=day)

    def with_initiative(self):
        return self.select_related("owner", "initiative", "event")

    def for_home(self, org):
        return (
            self.for_org(org)
            .open()
            .select_related("owner", "initiative", "event")
            .order_by("due_on", "id")
        )


class SlipAction(SharedRecord):
    """A dated action created from a slip-plan row when a slip was detected; its owner marks
    it done."""

    initiative = models.ForeignKey(
        "timeline.Initiative", models.CASCADE, related_name="slip_actions"
    )
    event = models.ForeignKey(SlipEvent, models.CASCADE, related_name="actions")
    step = models.ForeignKey(
        SlipPlanStep, models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    audience = models.CharField("tells whom", max_length=100)
    message = models.TextField("what")
    due_on = models.DateField("by", validators=[date_in_range])
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SlipActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["organization", "done_at", "due_on"]),
            # The reminders that tell an owner at once find the actions just created.
            models.Index(fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.owner} tells {self.audience} by {self.due_on}"

    def is_overdue(self, today):
        return not self.done_at and self.due_on < today

    def mark_done(self, *, by, expected_version):
        """Who may mark it done is decided in calibration.access (its owner)."""
        self.done_at, self.done_by = timezone.now(), by
        return self.save_shared(by=by, expected_version=expected_version, note="Done")


def trigger_slip_plan(initiative, *, by, was_past, missed=None):
    """Trigger the slip plan when indicator `missed` was just marked missed, or when the
    tracking timeline has moved past the commitment (it is past it now and `was_past` is
    False: it was not before the change). A detection already handled (the same indicator,
    or the same tracking timeline against the same commitment date) does not trigger twice.
    Each row of the slip plan becomes a SlipAction due N days after today. Returns the
    SlipEvent created, or None."""
    existing = list(SlipEvent.objects.filter(initiative=initiative))
    causes, key_indicator, key_past = [], None, ""
    if (
        missed is not None
        and missed.status == MISSED
        and not any(e.indicator_id == missed.pk for e in existing)
    ):
        key_indicator = missed
        causes.append(f"Leading indicator missed: “{missed.description}”.")
    if initiative.is_tracking_past_commitment() and not was_past:
        tracking = initiative.tracking_timeline()
        key = f"{tracking}:{initiative.commitment_date.isoformat()}"
        if not any(e.past_commitment_key == key for e in existing):
            key_past = key
            causes.append(
                f"Now tracking the {tracking} case "
                f"({date_text(initiative.tracking_date())}), past what "
                f"{initiative.get_commitment_audience_display()} heard "
                f"({date_text(initiative.commitment_date)})."
            )
    if not causes:
        return None
    today = initiative.organization.today()
    event = SlipEvent.create_shared(
        by=by,
        organization_id=initiative.organization_id,
        initiative=initiative,
        detected_on=today,
        cause=" ".join(causes),
        indicator=key_indicator,
        past_commitment_key=key_past,
    )
    for step in SlipPlanStep.objects.filter(initiative=initiative).select_related("owner"):
        SlipAction.create_shared(
            by=by,
            organization_id=initiative.organization_id,
            initiative=initiative,
            event=event,
            step=step,
            owner=step.owner,
            audience=step.whom(),
            message=step.message,
            due_on=today + datetime.timedelta(days=step.days_after),
        )
    dispatch_soon()  # each owner hears at once (cadence.triggered_actions)
    return event
