"""What a reminder mail says: one describer per kind, one text and one HTML template."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership

from .kinds import label
from .models import ReminderPreference

UNSUBSCRIBE_SALT = "calibrate.reminders.unsubscribe"


@dataclass
class Message:
    subject: str
    intro: str
    url: str  # path of the page it concerns
    link_text: str
    items: list = field(default_factory=list)  # lines shown as a list (e.g. the agenda)
    items_title: str = ""


DESCRIBERS = {}


class NoLongerDue(Exception):
    """Raised by a describer when what the reminder was about was settled meanwhile (e.g. the
    checkpoint was marked); the reminder is cancelled instead of sent."""


def describer(kind):
    def register(function):
        DESCRIBERS[kind] = function
        return function

    return register


def absolute(path):
    return settings.SITE_URL + path


def unsubscribe_token(organization_id, user_id, kind):
    return signing.dumps({"o": organization_id, "u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """(organization_id, user_id, kind) or raises signing.BadSignature."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return data["o"], data["u"], data["k"]


def unsubscribe_url(organization_id, user_id, kind):
    return absolute(
        reverse("reminders_unsubscribe", args=[unsubscribe_token(organization_id, user_id, kind)])
    )


def still_wanted(reminder, obj):
    """Why this reminder should not go after all (or "" if it should)."""
    if obj is None:
        return "The record it concerned was deleted."
    if not Membership.objects.filter(
        organization_id=reminder.organization_id, user_id=reminder.recipient_id
    ).exists():
        return "The recipient is no longer a member."
    preference = ReminderPreference.objects.filter(
        organization_id=reminder.organization_id, user_id=reminder.recipient_id
    ).first()
    if preference and not preference.wants(reminder.kind):
        return "The recipient unsubscribed from this kind."
    return ""


def describe(reminder, obj):
    from . import sources  # noqa: F401 — registers the describers

    return DESCRIBERS[reminder.kind](reminder, obj)


def build_message(reminder, obj):
    described = describe(reminder, obj)
    org = reminder.organization
    unsubscribe = unsubscribe_url(org.pk, reminder.recipient_id, reminder.kind)
    context = {
        "reminder": reminder,
        "org": org,
        "recipient": reminder.recipient,
        "message": described,
        "url": absolute(described.url),
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("reminders:index", args=[org.slug])),
        "kind_label": label(reminder.kind),
    }
    host = urlsplit(settings.SITE_URL).hostname or "calibrate"
    message = EmailMultiAlternatives(
        subject=f"[{org.name}] {described.subject}",
        body=render_to_string("reminders/email/reminder.txt", context),
        to=[reminder.recipient.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}@{host}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Calibrate-Reminder": f"{reminder.kind}/{reminder.pk}",
        },
    )
    message.attach_alternative(
        render_to_string("reminders/email/reminder.html", context), "text/html"
    )
    return message
