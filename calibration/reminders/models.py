"""Reminders: one row per mail Calibrate owes someone, and the settings that shape them.

A Reminder's key — (kind, object, occurrence, recipient) — is UNIQUE in the database, so
materialising the same due reminder twice (two dispatchers, a restart) can never create a
second row, and each row is mailed at most once except in the one window described in
engine.py (after the SMTP server accepted, before the row is marked sent).
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from calibration.models import SharedRecord

from .kinds import KINDS, label

DEFAULT_LEAD_DAYS = "7, 1"


class Reminder(models.Model):
    PENDING, CLAIMED, SENT, FAILED, CANCELLED = "pending", "claimed", "sent", "failed", "cancelled"
    STATES = [
        (PENDING, "pending"),
        (CLAIMED, "being sent"),
        (SENT, "sent"),
        (FAILED, "failed"),
        (CANCELLED, "cancelled"),
    ]

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject_object = GenericForeignKey("content_type", "object_id")
    # Which occurrence for this object: e.g. "2026-12-01" (the day), "7d-before", "week-3".
    occurrence = models.CharField(max_length=40)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    # The claim: whoever holds claim_token may send until claimed_until; after that the
    # dispatcher may claim the row again (a worker killed mid-send loses nothing).
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "occurrence", "recipient"],
                name="one_reminder_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["pending", "claimed"]),
                name="reminder_open_due",
            ),
            models.Index(fields=["organization", "state", "-sent_at"], name="reminder_org_state"),
        ]

    def __str__(self):
        return f"{self.kind_label} to {self.recipient_id} ({self.occurrence})"

    @property
    def kind_label(self):
        return label(self.kind)

    @property
    def is_sample(self):
        """Asked for from the reminders page ("send me a sample of each"): not a real one."""
        return self.occurrence.startswith("sample-")


class ReminderSettings(SharedRecord):
    """Per organization: how many days before a checkpoint the leaders hear about it."""

    checkpoint_lead_days = models.CharField(
        "checkpoint reminders, days before",
        max_length=40,
        blank=True,
        default=DEFAULT_LEAD_DAYS,
        help_text="Comma-separated, e.g. “7, 1”. Leave empty for none before the day itself.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_reminder_settings_per_org")
        ]
        verbose_name_plural = "reminder settings"

    def __str__(self):
        return "Reminder settings"

    def clean(self):
        try:
            self.checkpoint_lead_days = format_lead_days(parse_lead_days(self.checkpoint_lead_days))
        except ValueError as error:
            raise ValidationError({"checkpoint_lead_days": str(error)}) from None

    @property
    def lead_days(self):
        return parse_lead_days(self.checkpoint_lead_days)


def parse_lead_days(text):
    days = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= 90:
            raise ValueError(f"“{part}” is not a number of days from 1 to 90.")
        days.add(int(part))
    if len(days) > 5:
        raise ValueError("At most five reminders before a checkpoint.")
    return sorted(days, reverse=True)


def format_lead_days(days):
    return ", ".join(str(d) for d in days)


class ReminderPreference(SharedRecord):
    """One member's choice of the kinds of reminder they do not want."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    muted_kinds = models.JSONField("kinds you do not get", default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_reminder_preference_per_member"
            )
        ]

    def __str__(self):
        return f"Reminder preferences of {self.user}"

    def clean(self):
        unknown = set(self.muted_kinds or []) - set(KINDS)
        if unknown:
            raise ValidationError({"muted_kinds": "Unknown kind of reminder."})
        self.muted_kinds = sorted(set(self.muted_kinds or []))

    def wants(self, kind):
        return kind not in (self.muted_kinds or [])


class CalendarFeed(models.Model):
    """A member's private calendar feed: the token in its URL is the only key. Regenerating
    replaces it (the old URL stops working); revoking deletes the row."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_feed_per_member")
        ]

    def __str__(self):
        return f"Calendar feed of {self.user} in {self.organization}"


class DispatchMark(models.Model):
    """The instant the last dispatch covered up to: the next one looks only at what fell due
    since (minus an overlap), not at the whole grace period of every company. One row."""

    until = models.DateTimeField()

    def __str__(self):
        return f"Reminders dispatched up to {self.until:%Y-%m-%d %H:%M:%S}"
