"""The integrations page (/o/<org>/integrations/): webhook endpoints and their delivery
logs, tracker connections and the leading indicators linked to them. Every member reads it
(observers see no control); the leaders change it. Thin views: the rules are in the models,
forms, delivery.py and checker.py."""

import secrets

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from calibration.access import get_for_org, leaders_only
from calibration.editing import delete_or_ask_again, save_or_explain

from . import delivery, vault
from .events import KINDS
from .forms import ConnectionForm, EndpointForm, EndpointStateForm, SourceForm, hint
from .models import Delivery, DeliveryAttempt, IndicatorSource, TrackerConnection, WebhookEndpoint


def index(request, org, status=200, **forms):
    context = {
        "endpoints": WebhookEndpoint.objects.for_org(org),
        "connections": TrackerConnection.objects.for_org(org),
        "sources": IndicatorSource.objects.for_org(org).select_related(
            "indicator__initiative", "connection"
        ),
        "endpoint_form": forms.get("endpoint_form") or EndpointForm(prefix="endpoint"),
        "connection_form": forms.get("connection_form") or ConnectionForm(prefix="tracker"),
        "source_form": forms.get("source_form") or SourceForm(org=org, prefix="source"),
        "event_kinds": [(kind, label) for kind, (label, _source) in KINDS.items()],
        "new_secret": forms.get("new_secret"),
    }
    return render(request, "integrations/index.html", context, status=status)


@require_POST
def create_endpoint(request, org):
    form = EndpointForm(request.POST, prefix="endpoint")
    if not form.is_valid():
        return index(request, org, status=400, endpoint_form=form)
    data = form.cleaned_data
    secret = secrets.token_urlsafe(32) if data["kind"] == WebhookEndpoint.GENERIC else ""
    endpoint = WebhookEndpoint.create_shared(
        by=request.user,
        organization=org,
        name=data["name"],
        kind=data["kind"],
        url_hint=hint(data["url"]),
        url_secret=vault.encrypt(data["url"]),
        signing_secret=vault.encrypt(secret) if secret else "",
    )
    if not secret:
        messages.success(request, f"“{endpoint}” added: it gets every event from now on.")
        return redirect("integrations:index", org.slug)
    # The signing secret is shown in this response only (never in a redirect or a message).
    response = index(request, org, new_secret={"endpoint": endpoint, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@leaders_only
def endpoint(request, org, pk):
    """One endpoint: its delivery log (each attempt, with the receiver's answer), the test
    button, pause or resume."""
    record = get_for_org(org, WebhookEndpoint, pk=pk)
    form = EndpointStateForm(request.POST or None, instance=record, prefix="state")
    if request.method == "POST" and save_or_explain(form, request):
        messages.success(request, f"“{record}” saved.")
        return redirect("integrations:endpoint", org.slug, pk)
    deliveries = (
        Delivery.objects.filter(endpoint=record)
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-pk")[:50]
    )
    context = {"endpoint": record, "form": form, "deliveries": deliveries}
    return render(
        request, "integrations/endpoint.html", context, status=400 if form.errors else 200
    )


@leaders_only
@require_POST
def send_test(request, org, pk):
    record = get_for_org(org, WebhookEndpoint, pk=pk)
    delivery.send_test_event(record, request.user)
    messages.success(request, "A test event is on its way: its delivery shows below.")
    return redirect("integrations:endpoint", org.slug, pk)


@leaders_only
@require_POST
def delete_endpoint(request, org, pk):
    record = get_for_org(org, WebhookEndpoint, pk=pk)
    asked_again = delete_or_ask_again(
        request, record, {"cancel_url": reverse("integrations:endpoint", args=[org.slug, pk])}
    )
    if asked_again:
        return asked_again
    messages.success(request, f"“{record}” deleted: it gets no more events.")
    return redirect("integrations:index", org.slug)


@require_POST
def save_connection(request, org):
    """Connect a tracker, or replace its token (one connection per service)."""
    form = ConnectionForm(request.POST, prefix="tracker")
    if not form.is_valid():
        return index(request, org, status=400, connection_form=form)
    data = form.cleaned_data
    values = {
        "api_url": data["api_url"],
        "account": data["account"],
        "token_hint": f"…{data['token'][-4:]}",
        "token_secret": vault.encrypt(data["token"]),
    }
    current = TrackerConnection.objects.for_org(org).filter(service=data["service"]).first()
    try:
        if current is None:
            TrackerConnection.create_shared(
                by=request.user, organization=org, service=data["service"], **values
            )
        else:
            for name, value in values.items():
                setattr(current, name, value)
            current.save_shared(
                by=request.user, expected_version=current.version, note="token replaced"
            )
    except IntegrityError:  # the other leader connected the same service this moment
        messages.error(request, "The other leader just connected it: look, then try again.")
        return redirect("integrations:index", org.slug)
    messages.success(request, f"{dict(TrackerConnection.SERVICES)[data['service']]} connected.")
    return redirect("integrations:index", org.slug)


@require_POST
def delete_connection(request, org, pk):
    record = get_for_org(org, TrackerConnection, pk=pk)
    asked_again = delete_or_ask_again(
        request, record, {"cancel_url": reverse("integrations:index", args=[org.slug])}
    )
    if asked_again:
        return asked_again
    messages.success(request, f"{record} disconnected; its linked indicators are unlinked.")
    return redirect("integrations:index", org.slug)


@require_POST
def link_source(request, org):
    form = SourceForm(request.POST, org=org, prefix="source")
    if not form.is_valid():
        return index(request, org, status=400, source_form=form)
    data = form.cleaned_data
    try:
        IndicatorSource.create_shared(
            by=request.user,
            organization=org,
            indicator=data["indicator"],
            connection=data["connection"],
            reference=data["reference"].strip(),
            met_at_progress=data["met_at_progress"],
        )
    except IntegrityError:  # linked by the other leader this moment
        messages.error(request, "That indicator was just linked by someone else.")
        return redirect("integrations:index", org.slug)
    messages.success(
        request, f"“{data['indicator']}” is linked: it is checked daily until its checkpoint."
    )
    return redirect("integrations:index", org.slug)


@require_POST
def unlink_source(request, org, pk):
    record = get_for_org(org, IndicatorSource, pk=pk)
    asked_again = delete_or_ask_again(
        request, record, {"cancel_url": reverse("integrations:index", args=[org.slug])}
    )
    if asked_again:
        return asked_again
    messages.success(request, "Unlinked: the indicator is marked by hand again.")
    return redirect("integrations:index", org.slug)
