"""Personal API tokens: one member's key to the API of one organization.

The token itself is shown once, when it is created, and never stored: only its SHA-256
digest is. A token is 32 random bytes, so a fast hash is enough (nothing to brute-force, as
with a password) and lets each request find its token with one indexed lookup. A token
acts as its member with the role they hold *now*: an observer's token reads only, and a
token of someone who left the company stops working.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Organization, single_line

PREFIX = "cal_"


def digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def default_per_minute():
    return settings.API_REQUESTS_PER_MINUTE


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    name = models.CharField(
        max_length=100,
        validators=[single_line],
        help_text="What it is for, e.g. “tracker sync” — you will see it in the list.",
    )
    # The first characters of the token, to recognise it in the list; the rest is gone.
    hint = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    per_minute = models.PositiveIntegerField(
        "requests per minute",
        default=default_per_minute,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, organization, user, name, per_minute=None):
        """Create a token; returns (token, the raw key to show once)."""
        raw = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organization=organization,
            user=user,
            name=name,
            hint=raw[:10],
            digest=digest(raw),
            per_minute=per_minute or settings.API_REQUESTS_PER_MINUTE,
        )
        return token, raw

    @classmethod
    def find(cls, raw):
        """The usable token for key `raw`, or None."""
        return (
            cls.objects.usable()
            .select_related("organization", "user")
            .filter(digest=digest(raw))
            .first()
        )

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
