"""The board-prep view: chart, table, CSV, PDF, snapshots and their comparison with now.

Every representation is built from ``figures.board_figures`` (or from a snapshot's stored
rows), so the page, the table, the CSV, the PDF and the snapshot carry the same figures.
"""

import csv
import hashlib
import io

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from calibration.access import get_for_org, leaders_only
from calibration.editing import SharedRecordForm
from calibration.live import live_page
from calibration.pagecache import kept_until_changed
from calibration.paging import page_of
from calibration.timeline.models import initiative_url

from . import compare, pdf, svg
from .figures import (
    AUDIENCE_CHOICES,
    SORT_CHOICES,
    STATUS_CHOICES,
    board_figures,
    board_keys,
    board_ledger,
    compact_table,
    rows_of,
    table,
)
from .models import BoardSnapshot

ROWS_PER_PRINTED_PAGE = 11
PDF_CACHE_SECONDS = 24 * 3600


def initiative_urls(org, rows):
    """Links from each row's title to its initiative page."""
    url = initiative_url(org)
    return {row.id: url(row.id) for row in rows}


def printed_pages(rows, today, title, urls=None):
    """The chart cut into landscape pages of ROWS_PER_PRINTED_PAGE rows on one shared axis
    (an SVG cannot break across pages), for print and the PDF."""
    axis = svg.axis_for(rows, today)
    pages = [
        rows[i : i + ROWS_PER_PRINTED_PAGE] for i in range(0, len(rows), ROWS_PER_PRINTED_PAGE)
    ]
    return [
        svg.render(
            chunk,
            today,
            title=f"{title} ({k + 1}/{len(pages)})" if len(pages) > 1 else title,
            id_prefix=f"print-{k}",
            axis=axis,
            urls=urls,
        )
        for k, chunk in enumerate(pages or [[]])
    ]


def chart_context(org, board, title, rows=None):
    """What the chart, the table, the print view and the PDF share; the figures table for
    `rows` (default: every row), the summary counts always for every row."""
    compact_headings, compact_cells = compact_table(board.rows if rows is None else rows)
    return {
        "compact_headings": compact_headings,
        "compact_cells": compact_cells,
        "board": board,
        "rows": board.rows,
        "title": title,
        "filters_description": board.filters.describe(org.fiscal_year_start_month),
        "query": urlencode(board.filters.as_params()),
        "status_choices": STATUS_CHOICES,
        "audience_choices": AUDIENCE_CHOICES,
        "sort_choices": SORT_CHOICES,
        "at_risk": sum(1 for r in board.rows if r.probability is not None and r.probability < 0.5),
        "past_commitment": sum(1 for r in board.rows if r.past_commitment),
        "unacknowledged": sum(
            1 for r in board.rows if r.commitment and not (r.ceo_ack and r.cto_ack)
        ),
    }


@live_page
@require_GET
@kept_until_changed
def board_view(request, org):
    """The chart, PER_PAGE rows at a time (the figures of those rows only). Its print pages are
    drawn only by the print view and the PDF, which cover every row on one axis."""
    board = board_keys(org, request.GET)
    keys, pager = page_of(board.rows, request)
    rows = rows_of(org, board, keys)
    context = chart_context(org, board, f"{org.name} — board view", rows=[])
    urls = initiative_urls(org, rows)
    context.update(
        page_rows=rows,
        pager=pager,
        chart=svg.render(rows, board.today, title=context["title"], urls=urls),
        snapshots=BoardSnapshot.objects.for_org(org).select_related("taken_by")[:10],
        ledger=board_ledger(org, board),
    )
    return render(request, "board/board.html", context)


@live_page
@require_GET
@kept_until_changed
def board_table(request, org):
    board = board_keys(org, request.GET)
    keys, pager = page_of(board.rows, request)
    context = chart_context(org, board, f"{org.name} — board view", rows=rows_of(org, board, keys))
    context["pager"] = pager
    return render(request, "board/table.html", context)


@require_GET
@kept_until_changed
def board_print(request, org):
    """Every row, on landscape pages sharing one axis, then the figures: what the PDF holds,
    for the browser's Print."""
    board = board_figures(org, request.GET)
    title = f"{org.name} — board view"
    context = chart_context(org, board, title)
    context["print_pages"] = printed_pages(board.rows, board.today, title)
    return render(request, "board/print.html", context)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """A typed text that a spreadsheet would run as a formula gets a leading apostrophe
    (numbers such as "-2" stay numbers)."""
    if cell.startswith(FORMULA_STARTS):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def csv_response(rows, filename):
    headings, cells = table(rows, for_a_file=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows([spreadsheet_safe(c) for c in line] for _, line in cells)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_bytes(html):
    """The PDF of `html`, from the cache when the very same HTML was rendered before
    (WeasyPrint takes seconds for a large board; a snapshot's PDF never changes)."""
    if not PDF_CACHE_SECONDS:
        return pdf.html_to_pdf(html)
    key = "board-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    document = cache.get(key)
    if document is None:
        document = pdf.html_to_pdf(html)
        cache.set(key, document, PDF_CACHE_SECONDS)
    return document


def pdf_response(request, context, filename):
    html = render_to_string("board/pdf.html", context, request=request)
    response = HttpResponse(pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@kept_until_changed
def board_csv(request, org):
    board = board_figures(org, request.GET)
    return csv_response(board.rows, f"{org.slug}-board-{board.today}.csv")


@require_GET
@kept_until_changed
def board_pdf(request, org):
    board = board_figures(org, request.GET)
    title = f"{org.name} — board view"
    context = chart_context(org, board, title)
    context["print_pages"] = printed_pages(board.rows, board.today, title)
    context["as_of"] = board.today
    context["heading"] = "Board view"
    return pdf_response(request, context, f"{org.slug}-board-{board.today}.pdf")


# --- snapshots ---------------------------------------------------------------------------


class SnapshotForm(SharedRecordForm):
    class Meta:
        model = BoardSnapshot
        fields = ["title", "meeting_date"]
        widgets = {"meeting_date": forms.DateInput(attrs={"type": "date"})}


@require_GET
@kept_until_changed
def snapshots(request, org):
    items = BoardSnapshot.objects.for_org(org).select_related("taken_by")
    return render(request, "board/snapshots.html", {"snapshots": items})


@leaders_only
def new_snapshot(request, org):
    """ "Prepare for board meeting": freeze the view (with the filters in the query) as a
    dated, read-only snapshot."""
    params = request.POST if request.method == "POST" else request.GET
    board = board_figures(org, params)
    today = board.today
    form = SnapshotForm(
        request.POST or None,
        initial={"title": f"Board meeting {today:%B %Y}", "meeting_date": today},
    )
    if request.method == "POST" and form.is_valid():
        snap = compare.take_snapshot(
            org,
            by=request.user,
            title=form.cleaned_data["title"],
            meeting_date=form.cleaned_data["meeting_date"],
            params=board.filters,
        )
        messages.success(
            request, f"“{snap.title}” saved: {snap.initiative_count()} initiatives as of {today}."
        )
        return redirect("board:snapshot", org.slug, snap.pk)
    return render(
        request,
        "board/new_snapshot.html",
        {
            "form": form,
            "board": board,
            "filters": board.filters.as_params(),
            "filters_description": board.filters.describe(org.fiscal_year_start_month),
        },
    )


def snapshot_context(org, snap):
    rows = snap.rows()
    compact_headings, compact_cells = compact_table(rows)
    return {
        "compact_headings": compact_headings,
        "compact_cells": compact_cells,
        "snapshot": snap,
        "rows": rows,
        "title": f"{org.name} — {snap.title}",
        "filters_description": snap.filters_description,
    }


@require_GET
@kept_until_changed
def snapshot(request, org, pk):
    snap = get_for_org(org, BoardSnapshot.objects.select_related("taken_by"), pk=pk)
    return render(request, "board/snapshot.html", snapshot_context(org, snap))


@require_GET
@kept_until_changed
def snapshot_csv(request, org, pk):
    snap = get_for_org(org, BoardSnapshot, pk=pk)
    return csv_response(snap.rows(), f"{org.slug}-board-snapshot-{snap.taken_on}.csv")


@require_GET
@kept_until_changed
def snapshot_pdf(request, org, pk):
    snap = get_for_org(org, BoardSnapshot.objects.select_related("taken_by"), pk=pk)
    context = snapshot_context(org, snap)
    context["print_pages"] = printed_pages(context["rows"], snap.taken_on, context["title"])
    context["as_of"] = snap.taken_on
    context["heading"] = snap.title
    return pdf_response(request, context, f"{org.slug}-board-snapshot-{snap.taken_on}.pdf")


@require_GET
@kept_until_changed
def compare_snapshot(request, org, pk):
    snap = get_for_org(org, BoardSnapshot.objects.select_related("taken_by"), pk=pk)
    differences, board = compare.compare(snap, org)
    now_chart = svg.render(
        board.rows,
        board.today,
        title=f"{org.name} — now ({board.today})",
        id_prefix="now",
        urls=initiative_urls(org, board.rows),
    )
    return render(
        request,
        "board/compare.html",
        {
            "now_chart": now_chart,
            "snapshot": snap,
            "differences": differences,
            "summary": compare.summary(differences),
            "today": board.today,
        },
    )
