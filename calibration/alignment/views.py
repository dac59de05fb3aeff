"""The bet sheet and everything on it, edited inline by both leaders at once.

Every change made with HTMX answers with the whole board (both columns, the agenda, the
session) re-rendered, so a link edited on one side shows on both at once. The board also
polls itself every few seconds (`board` view): it answers 204 while the sheet's revision is
unchanged. Any form a person has open carries an "editing" marker; the board re-renders
those spots as `hx-preserve` placeholders, so htmx keeps the open form and what is typed.
Without JavaScript every control is a plain link or form and the page is rendered whole.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from calibration import access
from calibration.access import get_for_org, leaders_only
from calibration.editing import save_or_explain, wants_fragment
from calibration.live import live_page
from calibration.models import EditConflict
from calibration.pagecache import data_version, kept_until_changed
from calibration.quarters import current_quarter

from .drift import drift_report
from .forms import BetForm, CallForm, ReopenForm, SessionForm
from .models import MAX_BETS_PER_SIDE, Bet, BetLink, BetSheet, Call, Side, with_everything

PAGE = "alignment/sheet.html"


# --- helpers ---------------------------------------------------------------------------


def _sheet(org, pk, everything=True):
    queryset = with_everything(BetSheet.objects.all()) if everything else BetSheet.objects
    sheet = get_for_org(org, queryset, pk=pk)
    sheet.organization = org  # known already: no query for it when the page reads it
    return sheet


def _bet(org, pk):
    return get_for_org(org, Bet.objects.select_related("sheet"), pk=pk)


def _activate(org):
    timezone.activate(org.tz)


def board_context(request, sheet, *, done=(), notice="", **extra):
    """What the board needs. `preserved`: the spots the person has a form open in (sent by
    htmx as `editing`), minus the ones this request just finished (`done`)."""
    timezone.activate(sheet.organization.tz)  # times on the sheet are the company's
    params = request.POST if request.method == "POST" else request.GET
    # Only htmx keeps a form in place (hx-preserve); a whole page shows every form it has.
    editing = set(params.getlist("editing")) if wants_fragment(request) else set()
    preserved = editing - set(done) - set(params.getlist("done"))
    agenda = sheet.divergence_agenda()
    by_bet = {item.bet.pk: item for item in agenda}
    ceo_bets, cto_bets = sheet.ceo_bets(), sheet.cto_bets()
    for bet in ceo_bets + cto_bets:
        bet.agenda_item = by_bet.get(bet.pk)
    editable = access.may_write(request.membership) and sheet.is_open
    moved = extra.pop("moved", None)
    columns = []
    for side, bets, other in ((Side.CEO, ceo_bets, "tech bets"), (Side.CTO, cto_bets, "CEO bets")):
        if moved:
            _place_focus(bets, *moved)
        add_id = f"add-{side}"
        add_form = extra.pop(f"add_form_{side}", None)
        if editable and add_id not in preserved and add_form is None:
            add_form = BetForm(
                instance=Bet(sheet=sheet, side=side, organization=sheet.organization)
            )
            if extra.get("new_bet") and extra["new_bet"].side == side:
                add_form.fields["title"].widget.attrs["autofocus"] = True  # the next one
        columns.append(
            {
                "side": side,
                "label": Side(side).label,
                "bets": bets,
                "other": other,
                "add_id": add_id,
                "add_form": add_form,
                "add_preserved": add_id in preserved,
                "full": len(bets) >= MAX_BETS_PER_SIDE,
            }
        )
    on_board = {b.dom_id for b in ceo_bets + cto_bets} | {i.dom_id for i in agenda}
    on_board |= {"session", "add-ceo", "add-cto"}
    context = {
        # Forms still open for things removed meanwhile: kept (with what was typed) apart.
        "orphans": sorted(preserved - on_board),
        "sheet": sheet,
        "agenda": agenda,
        "open_count": sum(1 for item in agenda if item.is_open),
        "columns": columns,
        "preserved": preserved,
        "editable": editable,
        "notice": notice,
        "max_bets": MAX_BETS_PER_SIDE,
    }
    context.update(extra)
    return context


def _place_focus(bets, pk, direction):
    """After a move, keep keyboard focus on the moved bet's arrow (htmx honours autofocus)."""
    for index, bet in enumerate(bets):
        if bet.pk == pk:
            first, last = index == 0, index == len(bets) - 1
            if direction == "up":
                bet.focus = "down" if first else "up"
            else:
                bet.focus = "up" if last else "down"


def render_board(request, sheet, status=200, **kwargs):
    """The board, as the answer to an HTMX change wherever that change was made."""
    sheet = _sheet(sheet.organization, sheet.pk)
    response = render(request, PAGE + "#board", board_context(request, sheet, **kwargs))
    response.status_code = status
    retarget(response, "#board")
    reswap(response, "outerHTML")
    return response


def after_change(request, sheet, *, done=(), notice="", **kwargs):
    if wants_fragment(request):
        return render_board(request, sheet, done=done, notice=notice, **kwargs)
    if notice:
        messages.info(request, notice)
    return redirect("alignment:sheet", sheet.organization.slug, sheet.pk)


def full_page(request, sheet, *, fresh=False, **kwargs):
    """The sheet page. After a write the sheet is read again (with everything on it); a
    `fresh` sheet, just read with everything, is used as it is."""
    if not fresh:
        sheet = _sheet(sheet.organization, sheet.pk)
    context = board_context(request, sheet, **kwargs)
    context["changes"] = sheet.changes()
    context["next_quarter"] = sheet.next_quarter()
    context["next_sheet"] = BetSheet.for_quarter(sheet.organization, sheet.next_quarter())
    context["reopen_form"] = kwargs.get("reopen_form") or ReopenForm(
        initial={"version": sheet.version}
    )
    return render(request, PAGE, context)


# --- pages -----------------------------------------------------------------------------


@kept_until_changed
def index(request, org):
    """This quarter's sheet if it exists; otherwise the sheets so far and a start button."""
    current = BetSheet.current_for(org)
    if current and "all" not in request.GET:
        return redirect("alignment:sheet", org.slug, current.pk)
    sheets = BetSheet.objects.for_org(org).order_by("-starts_on")
    return render(
        request,
        "alignment/index.html",
        {
            "sheets": sheets,
            "current": current,
            "quarter": current_quarter(org),
            "latest": sheets.first(),
        },
    )


@require_POST
def start(request, org):
    """Start this quarter's sheet (carrying open bets forward from the latest sheet)."""
    sheet = BetSheet.start(org, current_quarter(org), by=request.user)
    messages.success(request, _started_message(sheet))
    return redirect("alignment:sheet", org.slug, sheet.pk)


@require_POST
def start_next(request, org, pk):
    previous = _sheet(org, pk, everything=False)
    quarter = previous.next_quarter()
    try:
        sheet = BetSheet.start(org, quarter, by=request.user)
    except ValidationError as refused:
        # A quarter past the range of dates (a sheet stored before the ranges existed).
        said = " ".join(dict.fromkeys(refused.messages))  # its start and end say the same
        messages.error(request, f"{quarter.label}: {said}")
        return redirect("alignment:sheet", org.slug, previous.pk)
    messages.success(request, _started_message(sheet))
    return redirect("alignment:sheet", org.slug, sheet.pk)


def _started_message(sheet):
    pending = sheet.bets.filter(carry_status=Bet.PENDING).count()
    text = f"{sheet.label} sheet started."
    if pending:
        text += (
            f" {pending} open bet{'s' if pending != 1 else ''} carried forward: each leader "
            "keeps or drops their own."
        )
    return text


@live_page(refresh=False)
@kept_until_changed
def sheet_page(request, org, pk):
    _activate(org)
    sheet = _sheet(org, pk)
    open_spot = request.GET.get("edit", "")
    extra = {}
    if open_spot.startswith("bet-") and sheet.is_open and access.may_write(request.membership):
        bet = _find(sheet, open_spot[4:])
        if bet:
            extra["open_form"] = (bet.pk, BetForm(instance=bet))
    elif open_spot == "session" and sheet.is_open and access.may_write(request.membership):
        extra["session_form"] = SessionForm(instance=sheet)
    return full_page(request, sheet, fresh=True, **extra)


def _find(sheet, pk):
    return next((b for b in sheet.all_bets() if str(b.pk) == str(pk)), None)


@vary_on_headers("HX-Request")
@kept_until_changed
def board(request, org, pk):
    """The poll: 204 while nothing in the organization changed since `rev` (its data
    version); the board when something did; a full refresh when the sheet was closed or
    reopened (edit controls come and go)."""
    current = BetSheet.objects.for_org(org).filter(pk=pk).values("status").first()
    if current is None:
        raise Http404("No such sheet")
    if not wants_fragment(request):
        return redirect("alignment:sheet", org.slug, pk)
    _activate(org)
    if request.GET.get("status", current["status"]) != current["status"]:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if request.GET.get("rev") == str(data_version(org.pk)):
        return HttpResponse(status=204)
    sheet = _sheet(org, pk)
    return render(request, PAGE + "#board", board_context(request, sheet))


# --- bets ------------------------------------------------------------------------------


@require_POST
def add_bet(request, org, pk):
    _activate(org)
    sheet = _sheet(org, pk, everything=False)
    side = request.POST.get("side")
    if side not in Side.values:
        raise Http404("No such column")
    form = BetForm(
        request.POST, instance=Bet(sheet=sheet, side=side, organization=org, carry_status="")
    )
    if save_or_explain(form, request, organization=org):
        bet = form.instance
        if wants_fragment(request):
            return render_board(request, sheet, done=[f"add-{side}"], new_bet=bet)
        messages.success(request, f"Added “{bet}” to the {bet.side_label} column.")
        return redirect("alignment:sheet", org.slug, sheet.pk)
    if wants_fragment(request):
        return render(request, PAGE + "#add-form", _add_form_context(request, sheet, side, form))
    return full_page(request, sheet, **{f"add_form_{side}": form})


def _add_form_context(request, sheet, side, form):
    column = {"side": side, "label": Side(side).label, "add_id": f"add-{side}", "add_form": form}
    return {"sheet": sheet, "column": column, "editable": True}


def bet(request, org, pk):
    """One bet: its card, or its inline edit form (GET ?edit / POST)."""
    _activate(org)
    bet = _bet(org, pk)
    sheet = bet.sheet
    if request.method == "POST" or "edit" in request.GET:
        access.require_write(request.membership)
        if sheet.is_closed:
            return _closed(request, sheet)
        form = BetForm(request.POST or None, instance=bet)
        form.fields["title"].widget.attrs["autofocus"] = True
        if request.method == "POST" and save_or_explain(form, request):
            return after_change(request, sheet, done=[bet.dom_id])
        if wants_fragment(request):
            return render(request, PAGE + "#bet-form", {"bet": bet, "form": form, "sheet": sheet})
        return full_page(request, sheet, open_form=(bet.pk, form))
    if wants_fragment(request):
        return render_board(request, sheet, done=[bet.dom_id])
    return redirect("alignment:sheet", org.slug, sheet.pk)


def _closed(request, sheet):
    notice = f"{sheet.label} is closed: its sheet is a read-only record. Reopen it to change it."
    if wants_fragment(request):
        return render_board(request, sheet, notice=notice)
    messages.error(request, notice)
    return redirect("alignment:sheet", sheet.organization.slug, sheet.pk)


@require_POST
def move_bet(request, org, pk):
    bet = _bet(org, pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        moved = bet.move(direction, by=request.user)
    except ValidationError:
        return _closed(request, bet.sheet)
    notice = (
        "" if moved else f"“{bet}” is already at the {'top' if direction == 'up' else 'bottom'}."
    )
    return after_change(request, bet.sheet, notice=notice, moved=(bet.pk, direction))


@require_POST
def delete_bet(request, org, pk):
    """Remove a bet (or, for a bet carried forward, drop it: only its own leader does)."""
    bet = _bet(org, pk)
    dropping = bet.carry_status == Bet.PENDING
    if dropping and not access.owns_side(request.membership, bet.side):
        return after_change(request, bet.sheet, notice=_not_yours(bet))
    try:
        bet.remove(by=request.user, expected_version=_int(request.POST.get("version")))
    except EditConflict:
        notice = f"“{bet}” changed since you looked at it; it was not removed. Look again."
    except ValidationError:
        return _closed(request, bet.sheet)
    else:
        notice = f"{'Dropped' if dropping else 'Removed'} “{bet}” (kept in the history)."
    return after_change(request, bet.sheet, done=[bet.dom_id], notice=notice)


@require_POST
def keep_bet(request, org, pk):
    bet = _bet(org, pk)
    if not access.owns_side(request.membership, bet.side):
        return after_change(request, bet.sheet, notice=_not_yours(bet))
    try:
        bet.keep(by=request.user, expected_version=_int(request.POST.get("version")))
    except EditConflict:
        notice = f"“{bet}” changed since you looked at it. Look again before keeping it."
    except ValidationError:
        return _closed(request, bet.sheet)
    else:
        notice = f"Kept “{bet}” for {bet.sheet.label}."
    return after_change(request, bet.sheet, notice=notice)


def _not_yours(bet):
    return f"Only the {bet.side_label} keeps or drops “{bet}”: it is in their column."


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@leaders_only
def bet_links(request, org, pk):
    """Which bets on the other side this bet is linked to (GET: the form; POST: save)."""
    _activate(org)
    bet = _bet(org, pk)
    sheet = _sheet(org, bet.sheet_id)
    bet = _find(sheet, bet.pk)
    if sheet.is_closed:
        return _closed(request, sheet)
    if request.method == "POST":
        try:
            added, removed = BetLink.set_links(
                bet,
                shown=_ints(request.POST.getlist("shown")),
                wanted=_ints(request.POST.getlist("linked")),
                by=request.user,
            )
        except ValidationError:
            return _closed(request, sheet)
        return after_change(request, sheet, done=[bet.dom_id], notice=_links_notice(added, removed))
    context = {"bet": bet, "sheet": sheet, "choices": _link_choices(sheet, bet)}
    if wants_fragment(request):
        return render(request, PAGE + "#links-form", context)
    return full_page(request, sheet, open_links=(bet.pk, context["choices"]))


def _link_choices(sheet, bet):
    linked = {b.pk for b in bet.linked_bets()}
    others = sheet.ceo_bets() if bet.side == Side.CTO else sheet.cto_bets()
    return [(other, other.pk in linked) for other in others]


def _links_notice(added, removed):
    if not (added or removed):
        return "Links unchanged."
    parts = []
    if added:
        parts.append(f"{added} link{'s' if added != 1 else ''} added")
    if removed:
        parts.append(f"{removed} removed")
    return ", ".join(parts).capitalize() + "."


def _ints(values):
    return [int(v) for v in values if str(v).isascii() and str(v).isdigit()]


# --- calls -----------------------------------------------------------------------------


def call(request, org, pk):
    """The explicit call on an agenda item (GET ?edit: the form; POST: make or change it)."""
    _activate(org)
    bet = _bet(org, pk)
    sheet = bet.sheet
    if "edit" in request.GET:
        access.require_write(request.membership)
    if sheet.is_closed and (request.method == "POST" or "edit" in request.GET):
        return _closed(request, sheet)
    existing = bet.call()
    instance = existing or Call(bet=bet, sheet=sheet, organization=org)
    form = CallForm(request.POST or None, instance=instance, bet=bet)
    if request.method == "POST":
        form.instance.made_on = org.today()
        if save_or_explain(form, request, organization=org, made_by=request.user):
            notice = f"Call made on “{bet}”: {form.instance.short_label}."
            return after_change(request, sheet, done=[f"item-{bet.pk}"], notice=notice)
    elif "edit" not in request.GET:
        if wants_fragment(request):
            return render_board(request, sheet, done=[f"item-{bet.pk}"])
        return redirect("alignment:sheet", org.slug, sheet.pk)
    context = {"item_bet": bet, "form": form, "sheet": sheet}
    if wants_fragment(request):
        return render(request, PAGE + "#call-form", context)
    return full_page(request, sheet, open_call=(bet.pk, form))


# --- the session, closing and reopening ------------------------------------------------


def session(request, org, pk):
    _activate(org)
    sheet = _sheet(org, pk)
    if "edit" in request.GET:
        access.require_write(request.membership)
    if sheet.is_closed and (request.method == "POST" or "edit" in request.GET):
        return _closed(request, sheet)
    form = SessionForm(request.POST or None, instance=sheet)
    if request.method == "POST":
        if save_or_explain(form, request):
            return after_change(request, sheet, done=["session"], notice="Session saved.")
    elif "edit" not in request.GET:
        if wants_fragment(request):
            return render_board(request, sheet, done=["session"])
        return redirect("alignment:sheet", org.slug, sheet.pk)
    if wants_fragment(request):
        return render(request, PAGE + "#session-form", {"sheet": sheet, "session_form": form})
    return full_page(request, sheet, session_form=form)


@require_POST
def close(request, org, pk):
    sheet = _sheet(org, pk, everything=False)
    try:
        sheet.close(by=request.user, expected_version=_int(request.POST.get("version")))
    except EditConflict:
        messages.error(request, "The sheet changed since you looked at it. Look again, then close.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{sheet.label} is closed: the sheet is now its record.")
    return redirect("alignment:sheet", org.slug, sheet.pk)


def reopen(request, org, pk):
    sheet = _sheet(org, pk, everything=False)
    if request.method != "POST":
        return redirect("alignment:sheet", org.slug, sheet.pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            sheet.reopen(
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except EditConflict:
            form.add_error(None, "The sheet changed since you looked at it. Look again.")
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"{sheet.label} reopened. The reason is in its history.")
            return redirect("alignment:sheet", org.slug, sheet.pk)
    _activate(org)
    return full_page(request, sheet, reopen_form=form)


# --- drift and exports -----------------------------------------------------------------


@live_page
@kept_until_changed
def drift(request, org):
    sheets = list(drift_sheets(org))
    return render(request, "alignment/drift.html", {"report": drift_report(sheets)})


def drift_sheets(org):
    """Every sheet of `org` with its bets, links and calls, as with_everything() — but each
    table read by the organization, one query each: joining the bets to their calls made
    PostgreSQL hash every company's calls to find this one's."""
    links = BetLink.objects.filter(organization=org)
    bets = (
        Bet.objects.filter(organization=org)
        .prefetch_related(
            Prefetch(
                "call_record",
                queryset=Call.objects.filter(organization=org).select_related("made_by", "target"),
            ),
            Prefetch("supports", queryset=links.select_related("ceo_bet")),
            Prefetch("supported_by", queryset=links.select_related("cto_bet")),
        )
        .order_by("side", "position", "pk")
    )
    return (
        BetSheet.objects.for_org(org)
        .prefetch_related(Prefetch("bets", queryset=bets))
        .order_by("starts_on")
    )


@kept_until_changed
def print_view(request, org, pk):
    _activate(org)
    sheet = _sheet(org, pk)
    return render(request, "alignment/print.html", board_context(request, sheet))


def _filename(sheet, ext):
    return f"{slugify(sheet.organization.name)}-{sheet.label.replace(' ', '-')}-bets.{ext}"


@kept_until_changed
def export_markdown(request, org, pk):
    sheet = _sheet(org, pk)
    text = render_to_string("alignment/export.md", board_context(request, sheet), request=request)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(sheet, "md")}"'
    return response


CSV_COLUMNS = [
    "quarter",
    "column",
    "rank",
    "bet",
    "what we expect it to get us",
    "how sure we are",
    "notes",
    "linked to",
    "agenda order",
    "time box (min)",
    "agenda item",
    "call",
    "call target",
    "rewrite / tech bet needed",
    "reason",
    "call made by",
    "call made on",
]


@kept_until_changed
def export_csv(request, org, pk):
    sheet = _sheet(org, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(sheet, "csv")}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    agenda = {item.bet.pk: (n, item) for n, item in enumerate(sheet.divergence_agenda(), 1)}
    for bet in sheet.ceo_bets() + sheet.cto_bets():
        order, item = agenda.get(bet.pk, ("", None))
        c = bet.call()
        writer.writerow(
            [
                sheet.label,
                bet.side_label,
                bet.position,
                bet.title,
                bet.expected_outcome,
                bet.get_confidence_display(),
                bet.notes,
                "; ".join(b.title for b in bet.linked_bets()),
                order,
                item.minutes if item else "",
                item.kind_label if item else "",
                c.short_label if c else "",
                c.target.title if c and c.target else "",
                c.rewrite if c else "",
                c.reason if c else "",
                str(c.made_by) if c and c.made_by else "",
                c.made_on.isoformat() if c else "",
            ]
        )
    return response
