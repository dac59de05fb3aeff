from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst

from . import export
from .access import get_for_org, leaders_only
from .editing import delete_or_ask_again, save_or_explain, wants_fragment
from .forms import HistoryFilterForm, PlanningCycleForm
from .home import conversation_sections
from .live import live_page
from .models import Change, PlanningCycle
from .pagecache import kept_until_changed
from .paging import page_of


def landing(request):
    if request.user.is_authenticated:
        return redirect("start")
    return render(request, "landing.html")


@live_page
@kept_until_changed
def home(request, org):
    return render(
        request, "calibration/home.html", {"sections": conversation_sections(org, request.user)}
    )


@live_page
@kept_until_changed
def history(request, org):
    """Everything that changed in the organization's shared records, newest first, 50 to a
    page, filtered by the kind of record and by the person who changed it."""
    changes = Change.objects.filter(organization=org)
    kinds = sorted(
        (capfirst(kind.model_class()._meta.verbose_name_plural), kind.pk)
        for kind in ContentType.objects.filter(pk__in=changes.values("content_type_id"))
        if kind.model_class() is not None  # a model since removed: nothing to name it by
    )
    people = org.memberships.select_related("user").order_by("user__name")
    form = HistoryFilterForm(
        request.GET,
        kinds=[(pk, label) for label, pk in kinds],
        people=[(m.user_id, str(m.user)) for m in people],
    )
    shown = form.filter(changes).select_related("by", "content_type", "organization")
    changes, pager = page_of(shown, request)
    context = {
        "changes": changes,
        "pager": pager,
        "filters": form,
        "filtered": any(form.data.get(name) for name in form.fields),
    }
    return render(request, "calibration/history.html", context)


@kept_until_changed
def planning_cycles(request, org):
    form = PlanningCycleForm(request.POST or None)
    if request.method == "POST" and save_or_explain(form, request, organization=org):
        messages.success(request, f"Planning cycle “{form.instance}” added.")
        return redirect("planning_cycles", org.slug)
    cycles = PlanningCycle.objects.for_org(org)
    return render(request, "calibration/planning.html", {"cycles": cycles, "form": form})


def planning_cycle(request, org, pk):
    """One cycle: shown, or edited inline (HTMX) or on its own page without JavaScript."""
    cycle = get_for_org(org, PlanningCycle, pk=pk)
    form = PlanningCycleForm(request.POST or None, instance=cycle)
    saved = request.method == "POST" and save_or_explain(form, request)
    fragment = wants_fragment(request)
    if saved and not fragment:
        messages.success(request, f"“{cycle}” saved.")
        return redirect("planning_cycles", org.slug)
    editing = request.method == "POST" and not saved or "edit" in request.GET
    context = {"cycle": form.instance, "form": form, "changes": cycle.history()}
    if fragment:
        return render(
            request, "calibration/planning.html#cycle-" + ("form" if editing else "row"), context
        )
    return render(request, "calibration/planning_cycle.html", context)


@leaders_only
def delete_planning_cycle(request, org, pk):
    """Asks first; deleting keeps the cycle's last state in the history."""
    cycle = get_for_org(org, PlanningCycle, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "calibration/confirm_delete.html",
            {"record": cycle, "cancel_url": cycle_url(cycle)},
        )
    asked_again = delete_or_ask_again(request, cycle, {"cancel_url": cycle_url(cycle)})
    if asked_again:
        return asked_again
    messages.success(request, f"Planning cycle “{cycle}” deleted (kept in the history).")
    return redirect("planning_cycles", org.slug)


def cycle_url(cycle):
    return reverse("planning_cycle", args=[cycle.organization.slug, cycle.pk])


@leaders_only
def export_data(request, org):
    """All of the organization's data, for safekeeping or to move elsewhere."""
    kind = request.GET.get("download")
    stamp = org.today().isoformat()
    if kind == "json":
        response = HttpResponse(export.export_json(org), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{org.slug}-{stamp}.json"'
        return response
    if kind == "csv":
        response = HttpResponse(export.export_csv_zip(org), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{org.slug}-{stamp}-csv.zip"'
        return response
    return render(request, "calibration/export.html")
