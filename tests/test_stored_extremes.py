"""Whatever is already stored, every page a leader can reach still answers, and quickly.

Forms bound what can be typed; this file is about what is already in the database (old data,
an import, a form that was looser once). On the demo company it writes extreme values
straight into every date and number column of every model that belongs to an organization —
found through ``_meta`` the way the export finds them, so new models are covered without
editing this file — then walks every page a leader can reach, the board's PDF and CSV, the
snapshots, the calendar feed and the exports. Nothing may answer 500, and the work a page
does must stay bounded: the board chart's axis keeps a few dozen ticks and its PDF a few
pages, whatever years the dates are in.
"""

import datetime
import os
import re
import time
import traceback
import zlib
from contextlib import suppress
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.test import Client

from accounts.models import Organization, User
from calibration.board import svg
from calibration.board.chart import Axis
from calibration.board.figures import Row
from calibration.board.models import BoardSnapshot
from calibration.dates import add_days, add_minutes, add_weeks
from calibration.export import organization_models
from calibration.quarters import Quarter
from calibration.reminders import engine
from calibration.reminders.models import CalendarFeed
from calibration.timeline.forecast import DeliveryForecast
from calibration.timeline.models import Initiative, LeadingIndicator, weeks_between
from tests import urlwalk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

FIRST, LAST = datetime.date.min, datetime.date.max  # 0001-01-01, 9999-12-31
LONG_AGO, LEAP_DAY = datetime.date(1999, 1, 1), datetime.date(2028, 2, 29)
DATES = [FIRST, LAST, LONG_AGO, LEAP_DAY]
MONEY = Decimal(10**12)
WEEK, DAYS = 30000, 32767  # a week number 30000, "32767 days after"
# A page may take a while on a busy machine; work that grows with the years on an axis does
# not show up as a slow page but as these counts.
MOST_AXIS_TICKS = 60
MOST_PDF_PAGES = 12
# Pages the walk opens (then the fragments they load): one of every kind first, then more of
# the same kind with other records, until this many.
PAGES = 60


# --- writing extremes ----------------------------------------------------------------------


def stored_columns(model):
    """The date and number columns of `model` a stored value can be wrong in: not keys and
    not the id half of a generic relation."""
    generic_ids = {
        f.fk_field for f in model._meta.private_fields if isinstance(f, GenericForeignKey)
    }
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not f.is_relation
        and f.name not in generic_ids
        and isinstance(
            f, models.DateField | models.IntegerField | models.DecimalField | models.FloatField
        )
    ]


def number_range(field):
    """(smallest, largest) the database column holds."""
    if isinstance(field, models.DecimalField):
        whole = min(Decimal(10) ** (field.max_digits - field.decimal_places) - 1, MONEY)
        return (-whole, whole)
    if isinstance(field, models.FloatField):
        return (-1e300, 1e300)
    return connection.ops.integer_field_range(field.get_internal_type())


def as_column(field, day, number):
    """The value `field` gets: `day` for a date (a datetime on that day, a safe way from the
    edge of what a time zone can show), `number` held inside the column's range."""
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    if isinstance(field, models.DateField):
        return day
    low, high = number_range(field)
    value = min(max(number, low or 0), number if high is None else high)
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    return float(value) if isinstance(field, models.FloatField) else int(value)


def json_extremes(value, day, number):
    """`value` (stored JSON) with every ISO date in it set to `day` and every number to
    `number`: a snapshot's stored rows are as exposed as the columns."""
    if isinstance(value, dict):
        return {k: json_extremes(v, day, number) for k, v in value.items()}
    if isinstance(value, list):
        return [json_extremes(v, day, number) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return day.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(number)
    return value


def write_extremes(org, pick):
    """Every row of every model of `org`, each date and number column set from
    `pick(row, column)` → (day, number), with ``update()``: no validation, no hooks."""
    for model in organization_models():
        columns = stored_columns(model)
        json_columns = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        rows = model._base_manager.filter(organization=org).order_by("pk")
        for r, obj in enumerate(rows):
            values = {}
            for c, field in enumerate(columns):
                day, number = pick(r, c)
                # A nullable column is emptied in every third row (a checkpoint with neither
                # date nor week, a week number with no date beside it) and filled in the
                # others (a delivery date on an active initiative).
                empty = field.null and (r + c) % 3 == 0
                values[field.attname] = None if empty else as_column(field, day, number)
            for c, field in enumerate(json_columns, start=len(columns)):
                day, number = pick(r, c)
                values[field.attname] = json_extremes(getattr(obj, field.attname), day, number)
            store(model._base_manager.filter(pk=obj.pk), values)


def store(row, values):
    """Write `values` to `row`; when the database refuses them together (a unique or check
    constraint), each value it takes on its own. Constraints checked at commit (a bet's
    place) are checked at once here, so a refusal is seen while it can still be skipped."""
    try:
        with transaction.atomic():
            row.update(**values)
            check_deferred_constraints_now()
    except IntegrityError:
        for name, value in values.items():
            with suppress(IntegrityError), transaction.atomic():
                row.update(**{name: value})
                check_deferred_constraints_now()


def check_deferred_constraints_now():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def everything_at_the_end(row, column):
    return LAST, 2**63


def everything_at_the_start(row, column):
    return FIRST, 0


def mixed(row, column):
    """Each column of each row the next of the extreme dates (or an ordinary one), so that
    one initiative starts in year 1, has its best case in 9999 and its commitment in 1999,
    and another has them the other way round; numbers likewise."""
    k = row + column
    return MIXED_DATES[k % len(MIXED_DATES)], MIXED_NUMBERS[k % len(MIXED_NUMBERS)]


MIXED_DATES = [*DATES, datetime.date(2027, 6, 30)]
MIXED_NUMBERS = [2**63, 0, WEEK, DAYS, MONEY, 1]
SCENARIOS = {
    "year 9999": everything_at_the_end,
    "year 1": everything_at_the_start,
    "mixed": mixed,
}


# --- walking the pages -----------------------------------------------------------------------


class TimedClient(Client):
    """A client that keeps (path, status, seconds, error) of every request, 500s included.
    The walk asks for the same fragment from every page that loads it; nothing it does
    changes the data, so each distinct request is made once and its response reused."""

    def __init__(self, **kwargs):
        super().__init__(raise_request_exception=False, **kwargs)
        self.log = []
        self.seen = {}

    def request(self, **request):
        query = request.get("QUERY_STRING")
        path = request["PATH_INFO"] + (f"?{query}" if query else "")
        key = (request["REQUEST_METHOD"], path, request.get("HTTP_HX_REQUEST"))
        if key not in self.seen:
            started = time.perf_counter()
            response = self.seen[key] = super().request(**request)
            seconds = time.perf_counter() - started
            self.log.append((path, response.status_code, seconds, raised(response)))
        return self.seen[key]


def raised(response):
    """ "OverflowError: … (calibration/x.py:12)": what a 500 raised, where in our code."""
    if not response.exc_info:
        return ""
    _, error, trace = response.exc_info
    ours = [f for f in traceback.extract_tb(trace) if "/site-packages/" not in f.filename]
    where = f" ({os.path.relpath(ours[-1].filename)}:{ours[-1].lineno})" if ours else ""
    return f"{type(error).__name__}: {error}{where}"


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    ceo = User.objects.get(email="ceo@acme.example")
    CalendarFeed.objects.create(organization=org, user=ceo)
    return org


def outputs(client, org):
    """The downloads and variants the page walk does not follow: board PDF/CSV with every
    status, each snapshot with its comparison, PDF and CSV, the feed and the exports."""
    base = f"/o/{org.slug}"
    found = {}
    for status in ("active", "all", "proposed", "delivered"):
        for path in ("board/", "board/table/", "board/board.csv"):
            found[f"{base}/{path}?status={status}"] = client.get(
                f"{base}/{path}", {"status": status}
            )
    # The PDF of every initiative but the cancelled (the walk opens the active ones' PDF).
    found[f"{base}/board/board.pdf?status=all"] = client.get(f"{base}/board/board.pdf?status=all")
    for snap in BoardSnapshot.objects.filter(organization=org):
        for path in ("", "compare/", "csv/", "pdf/"):
            url = f"{base}/board/snapshots/{snap.pk}/{path}"
            found[url] = client.get(url)
    for kind in ("json", "csv"):
        found[f"{base}/export/?download={kind}"] = client.get(f"{base}/export/", {"download": kind})
    for feed in CalendarFeed.objects.filter(organization=org):
        found[feed.token] = client.get(f"/calendar/{feed.token}.ics")
    return found


def walk(org):
    client = TimedClient()
    client.force_login(User.objects.get(email="ceo@acme.example"))
    ids = urlwalk.record_ids(org, per_type=1)
    urlwalk.get_pages(client, org, ids, limit=PAGES)
    urlwalk.leader_urls(client, org, ids)
    return client, outputs(client, org)


def axis_ticks(html):
    """The most gridlines any one chart on the page has."""
    charts = html.split("<svg")[1:] or [""]
    return max(len(re.findall(r"<line [^>]*data-date=", chart)) for chart in charts)


def pdf_pages(document):
    """The pages of a PDF (WeasyPrint keeps its page objects in compressed object streams)."""
    parts = [document]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        with suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return sum(len(re.findall(rb"/Type\s*/Page\b(?!s)", part)) for part in parts)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_page_survives_extreme_stored_values(acme, scenario):
    write_extremes(acme, SCENARIOS[scenario])

    client, responses = walk(acme)

    failed = sorted(
        {(path, status, error) for path, status, _, error in client.log if status >= 500}
    )
    slowest = sorted(client.log, key=lambda entry: -entry[2])[:3]
    print(f"\n{scenario}: {len(client.log)} requests, {len(failed)} failed; slowest:")
    for path, status, seconds, _ in slowest:
        print(f"  {seconds:6.2f} s  {status}  {path}")
    for path, status, error in failed:
        print(f"  {status} {path} {error}")
    assert not failed, "\n".join(f"{status} {path} {error}" for path, status, error in failed)
    assert len(client.log) > 60
    for url, response in responses.items():
        if ".pdf" in url or url.endswith("/pdf/"):
            assert 1 <= pdf_pages(response.content) <= MOST_PDF_PAGES, url
        elif "board/?" in url or url.endswith("compare/"):
            assert 1 <= axis_ticks(response.content.decode()) <= MOST_AXIS_TICKS, url


# --- the helpers that hold it --------------------------------------------------------------

TODAY = datetime.date(2027, 3, 1)


def test_day_arithmetic_stops_at_the_ends_of_the_calendar():
    assert add_days(LAST, 1) == LAST and add_days(FIRST, -1) == FIRST
    assert add_weeks(datetime.date(9990, 1, 1), WEEK) == LAST
    assert add_days(LEAP_DAY, 1) == datetime.date(2028, 3, 1)


def test_moment_arithmetic_stops_a_day_inside_the_ends():
    late = datetime.datetime(9999, 12, 31, 12, tzinfo=datetime.UTC)

    ends = add_minutes(late, 2**63)

    assert ends <= late and ends.astimezone(ZoneInfo("Pacific/Kiritimati")).year == 9999


def test_an_axis_over_every_representable_date_keeps_its_ticks_bounded():
    axis = Axis.covering([FIRST, LAST])

    assert len(axis.month_ticks()) <= MOST_AXIS_TICKS


def test_an_axis_around_today_leaves_out_dates_years_away():
    axis = Axis.covering([FIRST, TODAY, datetime.date(2027, 9, 30), LAST], around=TODAY)

    assert (axis.start, axis.end) == (datetime.date(2027, 3, 1), datetime.date(2027, 11, 1))


def test_a_date_beyond_the_chart_is_drawn_as_a_marker_at_its_edge():
    row = board_row(worst=LAST, commitment=LONG_AGO)

    drawn = svg.render([row], TODAY).split('<g class="legend"')[0]

    assert 'class="beyond beyond--after"' in drawn and "worst case 9999-12-31" in drawn
    assert 'class="beyond beyond--before"' in drawn and "commitment 1999-01-01" in drawn
    assert 'class="commitment"' not in drawn  # not drawn at a wrong place


def test_a_gap_of_decades_is_out_of_range():
    assert board_row(commitment=LONG_AGO).gap_text == "out of range"
    assert board_row().gap_text == "+4 weeks 3 days"


def test_a_forecast_from_year_1_to_year_9999_gives_dates_and_probabilities():
    forecast = DeliveryForecast(FIRST, datetime.date(2027, 6, 30), LAST)

    assert [forecast.probability_by(d) for d in (FIRST, LAST)] == [0.0, 1.0]
    assert FIRST <= forecast.p50 <= forecast.p85 <= forecast.p95 <= LAST


def test_a_forecast_over_dates_out_of_order_is_over_them_in_order():
    backwards = DeliveryForecast(LEAP_DAY, datetime.date(2027, 6, 30), LONG_AGO)

    assert backwards == DeliveryForecast(LONG_AGO, datetime.date(2027, 6, 30), LEAP_DAY)


def test_a_quarter_past_the_year_9999_ends_on_the_last_day_there_is():
    quarter = Quarter(10000, 4, start_month=4)

    assert (quarter.starts_on, quarter.ends_on) == (LAST, LAST)


def test_the_due_date_of_week_30000_reads_back_from_the_database(acme):
    indicator = LeadingIndicator.objects.filter(organization=acme).first()
    Initiative.objects.filter(pk=indicator.initiative_id).update(
        start_date=datetime.date(9990, 1, 1)
    )
    # Saved as a looser form once could (save() stores the due date; no validation).
    indicator = LeadingIndicator.objects.get(pk=indicator.pk)
    indicator.due_on, indicator.due_week = None, WEEK
    indicator.save()

    stored = LeadingIndicator.objects.with_due_date().get(pk=indicator.pk)

    assert stored.due_date == LAST == stored.due_date_value()


def board_row(**dates):
    """A board Row planned for 2027-04-01, committed a month earlier, with `dates` instead."""
    days = {
        "start": datetime.date(2027, 1, 4),
        "best": datetime.date(2027, 3, 1),
        "expected": datetime.date(2027, 4, 1),
        "worst": datetime.date(2027, 5, 3),
        "commitment": datetime.date(2027, 3, 1),
        **dates,
    }
    return Row(
        id=1,
        title="Payments",
        owner="Tom",
        status="active",
        **days,
        audience="board",
        audience_label="the board",
        quarter="",
        quarter_label="",
        probability=0.5,
        gap_weeks=weeks_between(days["commitment"], days["expected"]),
        tracking="expected",
        tracking_date=days["expected"],
        tracking_since=None,
        past_commitment=False,
        last_change="",
        last_change_by="",
        last_change_on=None,
        last_change_reason="",
        ceo_ack="",
        cto_ack="",
        delivered_on=None,
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_reminder_dispatch_still_runs(acme, scenario):
    """One beat finds what is due for every organization: one company's stored year 1 must
    not stop everybody's reminders."""
    write_extremes(acme, SCENARIOS[scenario])

    engine.dispatch(queue=lambda claimed: None)
