from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Role
from calibration import access
from calibration.access import get_for_org, leaders_only
from calibration.alignment.models import Bet
from calibration.editing import delete_or_ask_again, save_or_explain, wants_fragment
from calibration.live import live_page
from calibration.models import EditConflict
from calibration.pagecache import kept_until_changed
from calibration.timeline.forms import InitiativeCreateForm
from calibration.timeline.models import Initiative

from . import forms
from .models import Constraint, Path
from .queries import FILTERS, constraint_history, filter_counts, filtered_constraints

SECTIONS = {
    "facts": forms.FactsForm,
    "tradeoff": forms.TradeoffForm,
    "recommendation": forms.RecommendationForm,
    "context": forms.MarketContextForm,
    "decision": forms.DecisionForm,
}
# Whose voice a section is. The other leader may write it only while nobody holds that role.
OWNERS = {"recommendation": Role.CTO, "context": Role.CEO}
SAVED = {
    "facts": "The constraint is saved.",
    "tradeoff": "The trade-off is saved.",
    "recommendation": "The recommendation is saved.",
    "context": "The market context is saved.",
    "decision": "The decision is recorded.",
}


def load_constraint(org, pk):
    return get_for_org(
        org,
        Constraint.objects.select_related(
            "initiative",
            "bet__sheet",
            "recommended_path",
            "recommended_by",
            "market_context_by",
            "chosen_path",
            "decided_by",
            "agreed_by",
        ),
        pk=pk,
    )


def leader_roles(org):
    return set(org.memberships.filter(role__in=[Role.CEO, Role.CTO]).values_list("role", flat=True))


def may_write_section(membership, section, roles):
    return access.may_write_voice(membership, OWNERS.get(section), roles)


@live_page
@kept_until_changed
def constraint_list(request, org):
    show = request.GET.get("show", "all")
    if show not in FILTERS:
        show = "all"
    today = org.today()
    constraints = filtered_constraints(org, show, today)
    return render(
        request,
        "constraints/list.html",
        {
            "constraints": constraints,
            "show": show,
            "filters": filter_counts(org, today),
            "today": today,
        },
    )


@leaders_only
def constraint_new(request, org):
    today = org.today()
    form = forms.NewConstraintForm(
        request.POST or None, initial=prefill(org, request.GET), today=today, org=org
    )
    if request.method == "POST" and save_or_explain(form, request, organization=org):
        messages.success(
            request,
            f"Constraint “{form.instance}” recorded. Next: the paths that would close the gap.",
        )
        return redirect("constraints:detail", org.slug, form.instance.pk)
    return render(request, "constraints/new.html", {"form": form})


PREFILLED = ("capability", "metric", "unit", "demand_kind", "demand", "demand_links")


def prefill(org, query):
    """Initial values from the query string: what the reflex after creating an initiative
    or a bet (or any link) passes on. Linked records are looked up in this company only."""
    initial = {key: query[key] for key in PREFILLED if key in query}
    for name, model, label in (("initiative", Initiative, "Initiative"), ("bet", Bet, "Bet")):
        pk = query.get(name, "")
        record = (
            model.objects.for_org(org).filter(pk=pk).first()
            if pk.isascii() and pk.isdigit()
            else None
        )
        if record is not None:
            initial[name] = record.pk
            initial.setdefault("demand_kind", name)
            initial.setdefault("demand", f"{label} “{record}”")
    return initial


def detail_context(request, org, constraint, *, editing="", form=None, saved=""):
    today = org.today()
    paths = list(constraint.paths.select_related("initiative"))
    roles = leader_roles(org)
    membership = request.membership
    return {
        "constraint": constraint,
        "paths": paths,
        "gap": constraint.gap(),
        "today": today,
        "editing": editing,
        "form": form,
        "saved": saved,
        "slots_left": constraint.path_slots_left(paths),
        "may": {s: may_write_section(membership, s, roles) for s in SECTIONS},
        "may_agree": access.may_agree(membership, constraint),
        "changes": constraint_history(constraint, paths),
    }


def render_detail(request, org, constraint, **kwargs):
    context = detail_context(request, org, constraint, **kwargs)
    template = "constraints/detail.html"
    if wants_fragment(request):
        template += "#body"
    return render(request, template, context)


def editing_form(request, org, constraint, editing):
    """The unbound form for ?edit=<section>, path-<id> or new-path; None if not allowed."""
    today = org.today()
    if editing in SECTIONS:
        if not may_write_section(request.membership, editing, leader_roles(org)):
            return None
        return SECTIONS[editing](instance=constraint, today=today)
    if not access.may_write(request.membership):
        return None
    if editing == "new-path":
        return forms.PathForm(constraint=constraint)
    if editing.startswith("path-"):
        try:
            path = constraint.paths.get(pk=int(editing.removeprefix("path-")))
        except (ValueError, Path.DoesNotExist):
            return None
        return forms.PathForm(instance=path)
    return None


@live_page
@vary_on_headers("HX-Request")
@kept_until_changed
def constraint_detail(request, org, pk):
    constraint = load_constraint(org, pk)
    editing = request.GET.get("edit", "")
    form = editing_form(request, org, constraint, editing) if editing else None
    return render_detail(request, org, constraint, editing=editing if form else "", form=form)


def after_save(request, org, constraint, message):
    if wants_fragment(request):
        return render_detail(request, org, load_constraint(org, constraint.pk), saved=message)
    messages.success(request, message)
    return redirect("constraints:detail", org.slug, constraint.pk)


@require_POST
def constraint_edit(request, org, pk, section):
    constraint = load_constraint(org, pk)
    if section not in SECTIONS:
        raise Http404("No such section")
    if not may_write_section(request.membership, section, leader_roles(org)):
        owner = OWNERS[section]
        raise PermissionDenied(f"This is the {Role(owner).label}'s to write.")
    decided_before = (constraint.decision, constraint.chosen_path_id, constraint.revisit_on)
    form = SECTIONS[section](request.POST, instance=constraint, today=org.today())
    extra = {}
    if section == "recommendation":
        extra["recommended_by"] = request.user
    elif section == "context":
        extra["market_context_by"] = request.user
    elif section == "decision" and form.is_valid():
        decided = (form.instance.decision, form.instance.chosen_path_id, form.instance.revisit_on)
        if decided != decided_before or not constraint.decided_by_id:
            form.instance.record_decision(request.user)
    if save_or_explain(form, request, **extra):
        return after_save(request, org, constraint, SAVED[section])
    # The form holds what was typed; the page around it shows what is saved.
    return render_detail(request, org, load_constraint(org, pk), editing=section, form=form)


@require_POST
def constraint_agree(request, org, pk):
    constraint = load_constraint(org, pk)
    form = forms.AgreementForm(request.POST, instance=constraint)
    if not access.may_agree(request.membership, constraint):
        return after_save(request, org, constraint, "Nothing to agree to: the decision is yours.")
    if save_or_explain(
        form,
        request,
        note="agreed to the decision",
        agreed_by=request.user,
        agreed_at=timezone.now(),
    ):
        return after_save(request, org, constraint, "You agreed: the decision is made by both.")
    return render_detail(
        request, org, load_constraint(org, pk), saved=" ".join(form.non_field_errors())
    )


@require_POST
def path_add(request, org, pk):
    constraint = load_constraint(org, pk)
    form = forms.PathForm(request.POST, constraint=constraint)
    if save_or_explain(form, request, organization=org):
        return after_save(request, org, constraint, f"{form.instance} added.")
    return render_detail(request, org, constraint, editing="new-path", form=form)


def load_path(org, constraint, path_pk):
    return get_for_org(org, Path, pk=path_pk, constraint=constraint)


@require_POST
def path_edit(request, org, pk, path_pk):
    constraint = load_constraint(org, pk)
    path = load_path(org, constraint, path_pk)
    form = forms.PathForm(request.POST, instance=path)
    if save_or_explain(form, request):
        return after_save(request, org, constraint, f"{form.instance} saved.")
    return render_detail(request, org, constraint, editing=f"path-{path.pk}", form=form)


@require_POST
def path_delete(request, org, pk, path_pk):
    constraint = load_constraint(org, pk)
    path = load_path(org, constraint, path_pk)
    try:
        path.delete_shared(by=request.user, expected_version=int(request.POST.get("version", -1)))
    except (EditConflict, ValueError):
        message = f"{path} changed since you opened it; it was not removed."
    except ValidationError as refused:
        message = " ".join(refused.messages)
    else:
        message = f"{path} removed (kept in the history)."
    return after_save(request, org, constraint, message)


@leaders_only
def constraint_delete(request, org, pk):
    """Asks first. The constraint and its paths leave the pages; their last state stays in
    the history."""
    constraint = load_constraint(org, pk)
    detail = reverse("constraints:detail", args=[org.slug, constraint.pk])
    if request.method != "POST":
        context = {"record": constraint, "cancel_url": detail}
        return render(request, "calibration/confirm_delete.html", context)
    asked_again = delete_or_ask_again(request, constraint, {"cancel_url": detail})
    if asked_again:
        return asked_again
    messages.success(request, f"Constraint “{constraint}” deleted (kept in the history).")
    return redirect("constraints:list", org.slug)


@leaders_only
def path_to_initiative(request, org, path_pk):
    """The chosen path becomes an initiative in the timeline conversation: the new-initiative
    form, its three dates pre-filled from the path's weeks (best, expected, worst) from today."""
    path = get_for_org(org, Path, pk=path_pk)
    constraint = load_constraint(org, path.constraint_id)
    if constraint.chosen_path_id != path.pk:
        messages.error(request, f"{path} is not the chosen path: decide on it first.")
        return redirect("constraints:detail", org.slug, constraint.pk)
    if path.initiative_id:
        return redirect("timeline:initiative", org.slug, path.initiative_id)
    path.constraint = constraint
    initial = path.initiative_initial(org.today())
    owner = org.member_with_role(Role.CTO) or request.user
    form = InitiativeCreateForm(request.POST or None, org=org, initial={**initial, "owner": owner})
    if request.method == "POST":
        with transaction.atomic():
            saved = save_or_explain(form, request, organization=org)
            if saved:
                path = Path.objects.select_for_update().get(pk=path.pk)
                path.initiative = form.instance
                path.save_shared(
                    by=request.user, expected_version=path.version, note="became an initiative"
                )
        if saved:
            messages.success(
                request,
                f"Initiative “{form.instance}” created from {path}: its timeline starts from "
                "the path's weeks. Review the dates and their assumptions.",
            )
            return redirect("timeline:initiative", org.slug, form.instance.pk)
    return render(
        request,
        "constraints/path_to_initiative.html",
        {"constraint": constraint, "path": path, "form": form},
    )
