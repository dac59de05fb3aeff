"""A reminder as mail: the kind's describer (kinds.py) says what it is about; one text and
one HTML template around it, a signed one-click unsubscribe link, a stable Message-ID."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, JSONField, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership

from .kinds import KINDS, label
from .models import ReminderPreference

UNSUBSCRIBE_SALT = "calibrate.reminders.unsubscribe"


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


def with_recipient_state(queryset):
    """Annotate whether the recipient is still a member and the kinds they muted, so the
    send checks both in the query that loads the reminder."""
    same = {"organization": OuterRef("organization"), "user": OuterRef("recipient")}
    return queryset.annotate(
        recipient_is_member=Exists(Membership.objects.filter(**same)),
        recipient_muted=Subquery(
            ReminderPreference.objects.filter(**same).values("muted_kinds")[:1],
            output_field=JSONField(),
        ),
    )


def still_wanted(reminder, obj):
    """Why this reminder should not go after all (or "" if it should). Uses the annotations
    of with_recipient_state()."""
    if obj is None:
        return "The record it concerned was deleted."
    if not reminder.recipient_is_member:
        return "The recipient is no longer a member."
    if reminder.kind in (reminder.recipient_muted or []):
        return "The recipient unsubscribed from this kind."
    return ""


def describe(reminder, obj):
    """What the reminder says (a Message), by its kind's describer."""
    return KINDS[reminder.kind].describe(reminder, obj)


def build_message(reminder, obj):
    described = describe(reminder, obj)
    sample = reminder.is_sample
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
        "sample": sample,
    }
    host = urlsplit(settings.SITE_URL).hostname or "calibrate"
    message = EmailMultiAlternatives(
        # One line, whatever was stored: a line break would break the header.
        subject=" ".join(f"[{org.name}] {'Sample: ' if sample else ''}{described.subject}".split()),
        body=render_to_string("reminders/emails/reminder.txt", context),
        to=[reminder.recipient.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}@{host}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Calibrate-Reminder": f"{reminder.kind}/{reminder.pk}",
        },
    )
    message.attach_alternative(
        render_to_string("reminders/emails/reminder.html", context), "text/html"
    )
    return message
