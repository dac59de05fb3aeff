"""Users, the organizations they belong to, their roles, and invitations."""

import secrets
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from calibration.formats import CURRENCY_CHOICES, DEFAULT_CURRENCY

MONTHS = [(i, date(2000, i, 1).strftime("%B")) for i in range(1, 13)]
TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
INVITATION_LIFETIME = timedelta(days=7)

# A name or a title is one line: a line break or another control character in it would break
# the mail headers it ends up in (a subject naming the planning cycle) and the pages' layout.
single_line = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    "Keep it on one line, without line breaks or control characters.",
    code="not_single_line",
    inverse_match=True,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with their email address."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField("display name", max_length=100, validators=[single_line])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def memberships_list(self):
        """The user's memberships by company name, each with `organization_members`, how many
        people its company has (the home page invites the second)."""
        return list(
            self.memberships.select_related("organization")
            .annotate(organization_members=models.Count("organization__memberships"))
            .order_by("organization__name")
        )


class Organization(models.Model):
    """A company. Everything in Calibrate belongs to exactly one organization."""

    name = models.CharField(max_length=100, validators=[single_line])
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", choices=[(z, z) for z in TIME_ZONES])
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        "fiscal year starts in",
        choices=MONTHS,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    # Every amount of the company (a path's cost) is in this currency: shown with it, typed
    # in it, never converted.
    currency = models.CharField(
        max_length=3,
        choices=CURRENCY_CHOICES,
        default=DEFAULT_CURRENCY,
        help_text="Costs are written and typed in this currency.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("home", args=[self.slug])

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self):
        """Today's date where the organization is, not where the server is."""
        return timezone.now().astimezone(self.tz).date()

    @classmethod
    def unique_slug_for(cls, name):
        base = slugify(name)[:50] or "org"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def leaders(self):
        return [m.user for m in self.memberships.select_related("user") if m.is_leader]

    def missing_leader_role(self):
        """The leader role nobody holds yet ("ceo" or "cto"), or None when both are filled."""
        taken = set(self.memberships.filter(role__in=LEADER_ROLES).values_list("role", flat=True))
        return next((role for role in LEADER_ROLES if role not in taken), None)

    def member_with_role(self, role):
        m = self.memberships.select_related("user").filter(role=role).first()
        return m.user if m else None


class Role(models.TextChoices):
    CEO = "ceo", "CEO"
    CTO = "cto", "CTO"
    # Owns estimates on the CTO's side (an initiative's "owner (engineering)"), reads the rest.
    ENGINEER = "engineer", "Engineering lead (owns estimates, read-only)"
    OBSERVER = "observer", "Observer (read-only)"


# Who can own an initiative's estimate.
ESTIMATOR_ROLES = (Role.CTO, Role.ENGINEER)


LEADER_ROLES = (Role.CEO, Role.CTO)


class Membership(models.Model):
    """A user's role in one organization: the CEO and the CTO write; observers read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
            # A company has one CEO and one CTO: the two people the conversations are between.
            models.UniqueConstraint(
                fields=["organization", "role"],
                condition=Q(role__in=["ceo", "cto"]),
                name="one_leader_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    @property
    def is_leader(self):
        return self.role in LEADER_ROLES


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An emailed, signed, expiring, single-use offer to join an organization in a role."""

    SALT = "calibrate.invitation"

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Rotated on every (re)send, so only the newest link works.
    nonce = models.CharField(max_length=64, default=secrets.token_urlsafe)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} to {self.organization}"

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        if not self.expires_at:
            self.expires_at = self.sent_at + INVITATION_LIFETIME
        super().save(*args, **kwargs)

    @property
    def token(self):
        return signing.dumps({"id": self.pk, "nonce": self.nonce}, salt=self.SALT)

    def accept_url(self):
        return settings.SITE_URL + reverse("accept_invitation", args=[self.token])

    @classmethod
    def from_token(cls, token):
        """The invitation a link points at, or None when the link was tampered with or replaced."""
        try:
            data = signing.loads(token, salt=cls.SALT, max_age=INVITATION_LIFETIME)
        except signing.BadSignature:
            return None
        return (
            cls.objects.select_related("organization")
            .filter(pk=data.get("id"), nonce=data.get("nonce"))
            .first()
        )

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def resend(self):
        self.nonce = secrets.token_urlsafe()
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + INVITATION_LIFETIME
        self.revoked_at = None
        self.save(update_fields=["nonce", "sent_at", "expires_at", "revoked_at"])

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    def accept(self, user):
        """Make `user` a member in the invited role. Single use: a second call does nothing."""
        claimed = Invitation.objects.filter(
            pk=self.pk, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not claimed:
            return None
        membership, _ = Membership.objects.get_or_create(
            user=user, organization=self.organization, defaults={"role": self.role}
        )
        return membership
