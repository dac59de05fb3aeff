"""Integrations of an organization: where its events go (webhook endpoints, and the log of
each delivery) and where its leading indicators check themselves (tracker connections, and
the indicator each is linked to).

Secrets — a webhook's URL (a Slack or Teams URL is itself the key), its signing secret, a
tracker's token — are stored encrypted (vault.py) in fields that are not `editable`, so no
form shows them and the history (which records editable fields) never holds them.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from calibration.models import SharedRecord
from calibration.ranges import PERCENT
from calibration.timeline.models import LeadingIndicator

from . import vault

# --- webhooks --------------------------------------------------------------------------------


class WebhookEndpoint(SharedRecord):
    GENERIC, SLACK, TEAMS = "generic", "slack", "teams"
    KINDS = [
        (GENERIC, "Webhook (JSON, signed with HMAC-SHA256)"),
        (SLACK, "Slack incoming webhook"),
        (TEAMS, "Microsoft Teams incoming webhook"),
    ]

    name = models.CharField(max_length=100, help_text="E.g. “#leadership in Slack”.")
    kind = models.CharField(max_length=8, choices=KINDS, default=GENERIC)
    # What the pages and the history show of the URL: its host and last characters.
    url_hint = models.CharField("URL", max_length=120)
    active = models.BooleanField(
        default=True, help_text="A paused endpoint gets no events (none are queued for later)."
    )
    url_secret = models.TextField(editable=False)
    signing_secret = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def url(self):
        return vault.decrypt(self.url_secret)

    @property
    def secret(self):
        return vault.decrypt(self.signing_secret) if self.signing_secret else ""


class Delivery(models.Model):
    """One event for one endpoint. UNIQUE (endpoint, event_id): however many dispatches find
    the event, it is queued once per endpoint."""

    PENDING, CLAIMED, DELIVERED, FAILED, CANCELLED = (
        "pending",
        "claimed",
        "delivered",
        "failed",
        "cancelled",
    )
    STATES = [
        (PENDING, "waiting"),
        (CLAIMED, "sending"),
        (DELIVERED, "delivered"),
        (FAILED, "failed"),
        (CANCELLED, "cancelled"),
    ]

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    # When it may be (re)tried; the claim works as the reminders engine's does.
    due_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="one_delivery_per_event")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["pending", "claimed"]),
                name="delivery_open_due",
            )
        ]

    def __str__(self):
        return f"{self.kind} to {self.endpoint_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery: what the receiver answered, or why it could not."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    milliseconds = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"attempt {self.number} of {self.delivery_id}: {self.response_code or self.error}"

    @property
    def ok(self):
        return self.response_code is not None and 200 <= self.response_code < 300


# --- trackers ----------------------------------------------------------------------------------


class TrackerConnection(SharedRecord):
    """The organization's access to one engineering tracker: its API and a token."""

    GITHUB, LINEAR, JIRA = "github", "linear", "jira"
    SERVICES = [(GITHUB, "GitHub"), (LINEAR, "Linear"), (JIRA, "Jira Cloud")]
    DEFAULT_API = {
        GITHUB: "https://api.github.com",
        LINEAR: "https://api.linear.app/graphql",
        JIRA: "",
    }

    service = models.CharField(max_length=8, choices=SERVICES)
    api_url = models.URLField(
        "API address",
        max_length=200,
        blank=True,
        help_text="Leave empty for github.com or Linear; for Jira, your site "
        "(https://yours.atlassian.net); for GitHub Enterprise, https://host/api/v3.",
    )
    account = models.CharField(
        "account email", max_length=200, blank=True, help_text="Jira only: whose API token it is."
    )
    token_hint = models.CharField("token", max_length=20, editable=False)
    token_secret = models.TextField(editable=False)

    class Meta:
        ordering = ["service"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "service"], name="one_connection_per_service"
            )
        ]

    def __str__(self):
        return self.get_service_display()

    @property
    def token(self):
        return vault.decrypt(self.token_secret)

    @property
    def base_url(self):
        return (self.api_url or self.DEFAULT_API[self.service]).rstrip("/")


class IndicatorSource(SharedRecord):
    """A leading indicator linked to what the tracker says: a GitHub milestone, a Linear
    project or a Jira epic. The checker (checker.py) reads it daily until the checkpoint and
    marks the indicator met or missed once; after that the indicator is the leaders' again."""

    indicator = models.OneToOneField(
        LeadingIndicator, models.CASCADE, related_name="tracker_source"
    )
    connection = models.ForeignKey(TrackerConnection, models.CASCADE, related_name="sources")
    reference = models.CharField(
        "milestone, project or epic",
        max_length=200,
        help_text="GitHub: owner/repo#milestone-number (or the milestone's URL). Linear: the "
        "project's ID or URL. Jira: the epic's key, e.g. BILL-12.",
    )
    met_at_progress = models.PositiveSmallIntegerField(
        "met at progress (%)",
        null=True,
        blank=True,
        help_text="Linear only: met when the project reaches this progress by the checkpoint "
        "(empty: when it is completed).",
        validators=PERCENT.validators(),
    )
    # What the last check saw — written by the checker, shown on the pages, not history.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    seen = models.JSONField(default=dict, blank=True, editable=False)
    warning = models.CharField(max_length=300, blank=True, editable=False)
    warning_since = models.DateTimeField(null=True, blank=True, editable=False)
    marked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.connection} {self.reference}"
