"""Thin views for the timeline conversation; the rules live in models.py.

The initiative page is one template with named partials. Each section edits inline: an
HTMX GET swaps the section for its form, the POST saves through the shared-editing
mechanism and, when saved, retargets the whole page body (the gap, the forecast, the
tracking timeline and the slip plan may all have changed). Without JavaScript the same
URLs render the full page with that section's form open, and redirect after saving.
"""

import csv
import datetime
import io
import json

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import DateField
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from calibration import access
from calibration.access import get_for_org, leaders_only, members_may_post
from calibration.editing import delete_or_ask_again, save_or_explain, wants_fragment
from calibration.live import live_page
from calibration.models import Change, EditConflict
from calibration.pagecache import kept_until_changed
from calibration.paging import page_of

from . import ledger as commitment_ledger
from . import overview
from . import track_record as tracking
from .adjusted import Basis, adjusted
from .calibration_chart import calibration_chart
from .chart import revision_chart
from .forms import (
    CommitmentForm,
    IndicatorForm,
    InitiativeCreateForm,
    OverviewForm,
    SlipStepForm,
    TimelinesForm,
)
from .models import (
    TIMELINE_ORDER,
    Initiative,
    LeadingIndicator,
    SlipAction,
    SlipPlanStep,
    initiative_url,
)

SECTION_FORMS = {"overview": OverviewForm, "timelines": TimelinesForm, "commitment": CommitmentForm}
PAGE = "timeline/initiative.html"

SORTS = {
    "risk": "probability of meeting the commitment",
    "tracking": "tracking timeline",
    "checkpoint": "next checkpoint",
    "plan": "expected date",
}


def _sort_key(sort, today):
    """Sorts initiatives annotated by overview.with_tracking (nothing else loaded)."""
    far = datetime.date.max

    def risk(i):
        p = i.probability_of_meeting_commitment()
        return (p is None, p if p is not None else 0, i.expected_date)

    def tracking(i):
        past = bool(i.commitment_date and i.tracking_on > i.commitment_date)
        return (-int(past), -TIMELINE_ORDER[i.tracking_now], i.expected_date)

    def checkpoint(i):
        return (i.next_due_on is None, i.next_due_on or far, i.expected_date)

    return {"risk": risk, "tracking": tracking, "checkpoint": checkpoint}.get(
        sort, lambda i: (i.expected_date, i.pk)
    )


# What sorting reads of every live initiative; the page's 50 rows load the rest.
SORT_FIELDS = ["best_date", "expected_date", "worst_date", "commitment_date"]


@live_page
@vary_on_headers("HX-Request")
@kept_until_changed
def initiative_list(request, org):
    sort = request.GET.get("sort", "risk")
    if sort not in SORTS:
        sort = "risk"
    today = org.today()
    live = Initiative.objects.for_org(org).filter(status__in=overview.LIVE)
    ordered = list(
        overview.with_tracking(live).annotate(next_due_on=overview.next_due()).only(*SORT_FIELDS)
    )
    ordered.sort(key=_sort_key(sort, today))
    page, pager = page_of(ordered, request)
    loaded = Initiative.objects.for_overview(org).defer(*LONG_TEXTS).in_bulk([i.pk for i in page])
    initiatives = [loaded[i.pk] for i in page]
    closed = list(
        Initiative.objects.for_org(org).exclude(status__in=overview.LIVE).defer(*LONG_TEXTS)
    )
    url = initiative_url(org)
    for i in initiatives + closed:
        i.url = url(i.pk)
    for i in initiatives:
        # What a row shows, worked out once (the template would ask for some of it twice).
        i.p = i.probability_of_meeting_commitment()
        i.gap = i.gap_weeks()
        i.tracking = i.tracking_timeline()
        i.past = i.is_tracking_past_commitment()
        i.next = i.next_checkpoint(today)
        i.next_due = i.next.due_date_value(i) if i.next else None
    context = {
        "initiatives": initiatives,
        "pager": pager,
        "closed": closed,
        "sort": sort,
        "sorts": SORTS,
        "today": today,
    }
    return render(request, "timeline/list.html", context)


# The texts of an initiative that only its own page shows.
LONG_TEXTS = [
    "summary",
    *(
        f"{name}_{part}"
        for name in ("best", "expected", "worst")
        for part in ("assumptions", "risks")
    ),
    "contingency_plan",
    "acknowledgements_cleared_because",
]


@leaders_only
def new_initiative(request, org):
    owner = org.member_with_role("cto") or request.user
    form = InitiativeCreateForm(
        request.POST or None, org=org, initial={"owner": owner, "start_date": org.today()}
    )
    if request.method == "POST" and save_or_explain(form, request, organization=org):
        messages.success(request, f"Initiative “{form.instance}” created.")
        return redirect("timeline:initiative", org.slug, form.instance.pk)
    return render(request, "timeline/new.html", {"form": form})


def page_context(request, org, pk, **extra):
    """Everything the initiative page shows, in a fixed number of queries."""
    initiative = get_for_org(org, Initiative.objects.with_page_details(), pk=pk)
    today = org.today()
    actions = list(initiative.slip_actions.all())
    role = request.membership.role if request.membership else None
    indicators = initiative.indicators_list()
    for item in indicators:
        item.initiative = initiative
        item.current_state = item.state(today, initiative)
    context = {
        "initiative": initiative,
        "today": today,
        **adjusted_context(org, initiative),
        "indicators": indicators,
        "revisions": list(reversed(initiative.revisions_list())),
        "chart": revision_chart(initiative),
        "forecast": initiative.forecast(),
        "open_actions": [a for a in actions if not a.done_at],
        "done_actions": [a for a in actions if a.done_at],
        "events": list(initiative.slip_events.all()),
        "steps": list(initiative.slip_plan.all()),
        "changes": initiative_changes(initiative, indicators, actions),
        "show_object": True,
        "my_role": role,
        "can_acknowledge": role in ("ceo", "cto") and initiative.has_commitment(),
        "editing": None,
        "indicator_form": IndicatorForm(org=org, prefix="new-indicator"),
        "step_form": SlipStepForm(
            org=org, prefix="new-step", initial={"owner": request.user, "days_after": 2}
        ),
    }
    context.update(extra)
    return context


def adjusted_context(org, initiative):
    """The adjusted forecast beside the raw one, or the reason there is none; for a delivered
    initiative, where the delivery fell in its own baseline forecast instead."""
    if initiative.delivered_on:
        return {"delivery": tracking.row_of(initiative, [], org.tz)}
    if initiative.status == Initiative.Status.CANCELLED:
        return {}
    if initiative.owner_id is None:
        return {"no_adjustment": "No adjusted forecast: nobody owns this estimate."}
    rows = tracking.rows_for(org, estimator_id=initiative.owner_id)
    basis = Basis.of(str(initiative.owner), rows)
    forecast = adjusted(initiative.forecast(), basis)
    if forecast is None:
        return {"no_adjustment": basis.why_none()}
    return {
        "adjusted": forecast,
        "adjusted_p_meet": forecast.probability_by(initiative.commitment_date)
        if initiative.commitment_date
        else None,
    }


def initiative_changes(initiative, indicators, actions):
    """The Change rows of the initiative and of its indicators, slip plan and actions."""
    types = ContentType.objects.get_for_models(
        Initiative, LeadingIndicator, SlipPlanStep, SlipAction
    )
    wanted = Q(content_type=types[Initiative], object_id=initiative.pk)
    wanted |= Q(content_type=types[LeadingIndicator], object_id__in=[i.pk for i in indicators])
    wanted |= Q(
        content_type=types[SlipPlanStep], object_id__in=[s.pk for s in initiative.slip_plan.all()]
    )
    wanted |= Q(content_type=types[SlipAction], object_id__in=[a.pk for a in actions])
    return Change.objects.filter(wanted, organization_id=initiative.organization_id).select_related(
        "by", "content_type", "organization"
    )


def _body(request, org, pk, message=None, **extra):
    if message:
        messages.success(request, message)
    response = render(request, PAGE + "#body", page_context(request, org, pk, **extra))
    response["HX-Retarget"] = "#initiative-body"
    response["HX-Reswap"] = "outerHTML"
    return response


@live_page
@vary_on_headers("HX-Request")
@kept_until_changed
def initiative(request, org, pk):
    context = page_context(request, org, pk)
    ask = request.GET.get("by")
    if ask is not None:
        context["asked"] = _ask(context["initiative"], ask)
        if wants_fragment(request):
            return render(request, PAGE + "#forecast-answer", context)
    return render(request, PAGE, context)


def _ask(initiative, raw):
    """The forecast asked for a day: as the date input sends it, or as a person types it
    where the browser offers no date picker ("6 Dec 2027", the way the pages write it)."""
    try:
        day = DateField().clean(raw)
    except ValidationError:
        return {"error": "Give a date, such as 6 Dec 2027.", "raw": raw}
    return {"date": day, "probability": initiative.probability_by(day), "raw": raw}


@leaders_only
@vary_on_headers("HX-Request")
@kept_until_changed
def section(request, org, pk, name):
    """Show (GET) or save (POST) one editable section of the initiative page."""
    if name not in SECTION_FORMS:
        raise Http404("No such section")
    record = get_for_org(org, Initiative, pk=pk)
    form_class = SECTION_FORMS[name]
    form = form_class(request.POST or None, instance=record, org=org)
    if request.method == "POST":
        note = form.data.get("reason", "") if "reason" in form.fields else ""
        if save_or_explain(form, request, note=note.strip()):
            if wants_fragment(request):
                return _body(request, org, pk)
            messages.success(request, f"“{record}” saved.")
            return redirect("timeline:initiative", org.slug, pk)
    elif wants_fragment(request) and "edit" not in request.GET:
        return render(request, PAGE + "#" + name, page_context(request, org, pk))
    context = {"editing": name, "section_form": form}
    if wants_fragment(request):
        return render(
            request, PAGE + "#" + name + "-form", page_context(request, org, pk, **context)
        )
    return render(request, PAGE, page_context(request, org, pk, **context))


@require_POST
def acknowledge(request, org, pk):
    record = get_for_org(org, Initiative, pk=pk)
    if not access.may_acknowledge(request.membership):
        raise PermissionDenied("Only the CEO and the CTO acknowledge the gap.")
    role = request.membership.role
    try:
        record.acknowledge(
            by=request.user, role=role, expected_version=int(request.POST.get("version", -1))
        )
    except EditConflict:
        messages.error(request, "The gap changed while you were reading it: read it again.")
    except (ValidationError, ValueError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "You acknowledged the gap.")
    if wants_fragment(request):
        return _body(request, org, pk)
    return redirect("timeline:initiative", org.slug, pk)


def _child_view(request, org, model, form_class, kind, pk=None, child_pk=None):
    """Create (on initiative `pk`) or show/edit (`child_pk`) an indicator or a slip-plan row."""
    if child_pk:
        child = get_for_org(org, model, pk=child_pk)
        pk = child.initiative_id
    else:
        child = None
    initiative = get_for_org(org, Initiative, pk=pk)
    prefix = None if child else f"new-{kind}"
    form = form_class(request.POST or None, instance=child, org=org, prefix=prefix)
    context_key = f"{kind}_form" if child is None else "child_form"
    if request.method == "POST":
        extra = {} if child else {"initiative": initiative}
        if save_or_explain(form, request, organization=org, **extra):
            if wants_fragment(request):
                return _body(request, org, pk)
            messages.success(request, f"“{form.instance}” saved.")
            return redirect("timeline:initiative", org.slug, pk)
    elif child is None:
        return redirect("timeline:initiative", org.slug, pk)
    elif wants_fragment(request) and "edit" not in request.GET:
        context = page_context(request, org, pk)
        context[kind] = _from_list(context, kind, child)
        return render(request, f"{PAGE}#{kind}-row", context)
    extra_context = {context_key: form}
    if child:
        extra_context.update(editing=kind, editing_pk=child.pk)
    if wants_fragment(request):
        name = f"{kind}-form" if child else f"new-{kind}"
        context = page_context(request, org, pk, **extra_context)
        if child:
            context[kind] = _from_list(context, kind, child)
        return render(request, f"{PAGE}#{name}", context)
    return render(request, PAGE, page_context(request, org, pk, **extra_context))


def _from_list(context, kind, child):
    """The row's object as the page lists it (with its derived state)."""
    rows = context["indicators" if kind == "indicator" else "steps"]
    return next((row for row in rows if row.pk == child.pk), child)


@leaders_only
@vary_on_headers("HX-Request")
def new_indicator(request, org, pk):
    return _child_view(request, org, LeadingIndicator, IndicatorForm, "indicator", pk=pk)


@leaders_only
@vary_on_headers("HX-Request")
def indicator(request, org, pk):
    return _child_view(request, org, LeadingIndicator, IndicatorForm, "indicator", child_pk=pk)


@leaders_only
@vary_on_headers("HX-Request")
def new_step(request, org, pk):
    return _child_view(request, org, SlipPlanStep, SlipStepForm, "step", pk=pk)


@leaders_only
@vary_on_headers("HX-Request")
def step(request, org, pk):
    return _child_view(request, org, SlipPlanStep, SlipStepForm, "step", child_pk=pk)


@require_POST
def delete_step(request, org, pk):
    row = get_for_org(org, SlipPlanStep, pk=pk)
    pk = row.initiative_id
    try:
        row.delete_shared(by=request.user, expected_version=int(request.POST.get("version", -1)))
    except (EditConflict, ValueError):
        messages.error(request, "That row changed since you opened it; it was not removed.")
    if wants_fragment(request):
        return _body(request, org, pk)
    return redirect("timeline:initiative", org.slug, pk)


@leaders_only
def delete_indicator(request, org, pk):
    """Asks first: htmx with a confirm dialog, without JavaScript on a page of its own. The
    indicator leaves the initiative; its last state stays in the history."""
    indicator = get_for_org(org, LeadingIndicator, pk=pk)
    page = reverse("timeline:initiative", args=[org.slug, indicator.initiative_id])
    if request.method != "POST":
        return render(
            request, "calibration/confirm_delete.html", {"record": indicator, "cancel_url": page}
        )
    removed = f"Leading indicator “{indicator}” removed (kept in the history)."
    if not wants_fragment(request):
        asked_again = delete_or_ask_again(request, indicator, {"cancel_url": page})
        if asked_again:
            return asked_again
        messages.success(request, removed)
        return redirect(page)
    try:
        indicator.delete_shared(
            by=request.user, expected_version=int(request.POST.get("version", -1))
        )
    except (EditConflict, ValueError):
        messages.error(
            request,
            f"“{indicator}” changed since you opened the page, so it was not removed. "
            "Its row now shows it as it is: remove it again if you still want to.",
        )
        return _body(request, org, indicator.initiative_id)
    return _body(request, org, indicator.initiative_id, message=removed)


@members_may_post
@require_POST
def action_done(request, org, pk):
    """Only the action's owner marks it done (observers too, if the action is theirs)."""
    action = get_for_org(org, SlipAction, pk=pk)
    if not access.may_mark_done(request.user, action):
        messages.error(request, "Only the person who owns this action can mark it done.")
        return _after_action(request, org, action)
    try:
        action.mark_done(by=request.user, expected_version=int(request.POST.get("version", -1)))
    except EditConflict:
        messages.error(request, "That action changed since you opened the page.")
    except (ValidationError, ValueError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Done: {action.audience} — {action.message[:60]}")
    return _after_action(request, org, action)


def _after_action(request, org, action):
    target = request.POST.get("next", "")
    if wants_fragment(request) and not target:
        return _body(request, org, action.initiative_id)
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(reverse("timeline:initiative", args=[org.slug, action.initiative_id]))


@live_page
@require_GET
@kept_until_changed
def calibration(request, org):
    """The track record: the organization's and each estimator's, from one list of rows (the
    rows the exports carry)."""
    record = tracking.track_record(org)
    summaries = [record["overall"], *record["per_estimator"]]
    context = {
        "rows": record["rows"],
        "overall": record["overall"],
        "records": [(s, calibration_chart(s.rows)) for s in summaries],
        "per_estimator": record["per_estimator"],
        "ledger": commitment_ledger.summary(org, rows=record["rows"]),
        "brier_reference": tracking.BRIER_REFERENCE,
        "today": org.today(),
    }
    return render(request, "timeline/calibration.html", context)


@require_GET
@kept_until_changed
def calibration_csv(request, org):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(tracking.COLUMNS)
    writer.writerows(row.as_cells() for row in tracking.rows_for(org))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org.slug}-calibration.csv"'
    return response


@require_GET
@kept_until_changed
def calibration_json(request, org):
    rows = [row.as_json() for row in tracking.rows_for(org)]
    response = HttpResponse(
        json.dumps({"columns": tracking.COLUMNS, "rows": rows}, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{org.slug}-calibration.json"'
    return response


@live_page
@require_GET
@kept_until_changed
def ledger(request, org):
    """The commitment ledger: who owns the gap."""
    context = {
        "entries": commitment_ledger.entries(org),
        "ledger": commitment_ledger.summary(org),
        "today": org.today(),
    }
    return render(request, "timeline/ledger.html", context)
