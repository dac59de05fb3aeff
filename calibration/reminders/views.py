import zlib

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import Membership
from calibration.access import get_for_org, leaders_only, members_may_post
from calibration.editing import save_or_explain
from calibration.models import EditConflict
from calibration.pagecache import kept_bytes, kept_until_changed

from . import engine
from .calendar import compressed_feed, organization_events
from .forms import PreferenceForm, ReminderSettingsForm
from .kinds import KINDS, label
from .mail import read_unsubscribe_token
from .models import CalendarFeed, Reminder, ReminderPreference, ReminderSettings


def preference_for(org, user):
    return ReminderPreference.objects.filter(organization=org, user=user).first() or (
        ReminderPreference(organization=org, user=user)
    )


def settings_for(org):
    return ReminderSettings.objects.filter(organization=org).first() or ReminderSettings(
        organization=org
    )


@kept_until_changed
def index(request, org, **forms):
    """Your reminders, your calendar feed, the organization's lead days, and what was sent."""
    feed = CalendarFeed.objects.filter(organization=org, user=request.user).first()
    context = {
        "preference_form": forms.get("preference_form")
        or PreferenceForm(instance=preference_for(org, request.user), prefix="pref"),
        "settings_form": forms.get("settings_form")
        or ReminderSettingsForm(instance=settings_for(org), prefix="settings"),
        "feed": feed,
        "feed_url": request.build_absolute_uri(reverse("reminders_feed", args=[feed.token]))
        if feed
        else "",
        "events": [
            e for e in organization_events(org, since=org.today()) if e.start >= org.today()
        ][:10],
        "recent": Reminder.objects.filter(organization=org)
        .exclude(state=Reminder.PENDING)
        .select_related("recipient")
        .order_by("-created_at")[:30],
    }
    return render(request, "reminders/index.html", context, status=forms.get("status", 200))


@require_POST
def preferences(request, org):
    form = PreferenceForm(request.POST, instance=preference_for(org, request.user), prefix="pref")
    if save_or_explain(form, request, organization=org, user=request.user):
        messages.success(request, "Your reminder choices are saved.")
        return redirect("reminders:index", org.slug)
    return index(request, org, preference_form=form, status=400)


@require_POST
def org_settings(request, org):
    form = ReminderSettingsForm(request.POST, instance=settings_for(org), prefix="settings")
    if save_or_explain(form, request, organization=org):
        messages.success(request, "Checkpoint reminder days saved.")
        return redirect("reminders:index", org.slug)
    return index(request, org, settings_form=form, status=400)


@members_may_post
@require_POST
def feed(request, org):
    """Create, regenerate (a new URL; the old one stops working) or revoke your feed."""
    action = request.POST.get("action")
    CalendarFeed.objects.filter(organization=org, user=request.user).delete()
    if action == "revoke":
        messages.success(request, "Your calendar feed is revoked: its URL no longer works.")
    else:
        CalendarFeed.objects.create(organization=org, user=request.user)
        messages.success(request, "Your calendar feed has a new private URL.")
    return redirect("reminders:index", org.slug)


@leaders_only
@require_POST
def samples(request, org):
    """Send me a sample of each reminder now: what the mails look like, without waiting
    for 09:00 and a due date."""
    sampled, missing = engine.send_samples(org, request.user)
    messages.success(
        request,
        f"{len(sampled)} sample{'s' if len(sampled) != 1 else ''} on their way to "
        f"{request.user.email}, each marked as a sample.",
    )
    if missing:
        messages.info(
            request,
            "Nothing to write about yet for: " + "; ".join(k.label for k in missing) + ".",
        )
    return redirect("reminders:index", org.slug)


@require_POST
def retry(request, org, pk):
    reminder = get_for_org(org, Reminder, pk=pk)
    if engine.retry_failed(reminder):
        messages.success(request, "The reminder will be sent again within a few minutes.")
    else:
        messages.error(request, "That reminder is not failed any more.")
    return redirect("reminders:index", org.slug)


# --- outside /o/: the token is the key ----------------------------------------------------


def calendar_feed(request, token):
    feed = CalendarFeed.objects.select_related("organization").filter(token=token).first()
    if (
        feed is None
        or not Membership.objects.filter(
            organization=feed.organization_id, user=feed.user_id
        ).exists()
    ):
        raise Http404("No such calendar feed")
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    org = feed.organization
    # Kept compressed until anything in the organization changes.
    ics = zlib.decompress(kept_bytes(org, "calendar.ics", lambda: compressed_feed(org)))
    response = HttpResponse(ics, content_type="text/calendar")
    response["Content-Disposition"] = f'inline; filename="calibrate-{feed.organization.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@csrf_exempt  # RFC 8058 one-click POSTs come from the mail provider; the signature is the key
def unsubscribe(request, token):
    try:
        org_id, user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(organization=org_id, user=user_id)
        .first()
    )
    if membership is None or kind not in KINDS:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    context = {"membership": None, "member": membership, "kind_label": label(kind), "done": False}
    if request.method == "POST":
        mute(membership.organization, membership.user, kind)
        context["done"] = True
    return render(request, "reminders/unsubscribe.html", context)


def mute(org, user, kind):
    for _ in range(3):
        preference = preference_for(org, user)
        if preference.pk and not preference.wants(kind):
            return
        try:
            if preference.pk is None:
                ReminderPreference.create_shared(
                    by=user, organization=org, user=user, muted_kinds=[kind], note="unsubscribe"
                )
            else:
                preference.muted_kinds = [*preference.muted_kinds, kind]
                preference.save_shared(
                    by=user, expected_version=preference.version, note="unsubscribe link"
                )
            return
        except (EditConflict, IntegrityError):
            continue
