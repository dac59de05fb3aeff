from django import template
from django.utils.html import format_html

from calibration.dates import FARTHEST_YEARS, OUT_OF_RANGE, weeks_in_range, within_reach
from calibration.formats import duration_text
from calibration.probability import percent_text

register = template.Library()


@register.filter
def percent(value):
    """0.3712 → "37%"; never "0%" or "100%" for a value strictly between (one helper for
    every page, export and mail: calibration.probability)."""
    return percent_text(value)


@register.filter
def weeks(value):
    """A signed number of weeks, e.g. 3 → "3 weeks", -1 → "1 week early"."""
    if value is None:
        return "—"
    if value == 0:
        return "on time"
    if not weeks_in_range(value):
        return OUT_OF_RANGE
    return duration_text(value) + ("" if value > 0 else " early")


@register.filter
def out_of_range(day, today):
    """A badge after a date more than FARTHEST_YEARS from `today` (a year typed as 1 or 9999
    is shown as stored, and said to be out of range); nothing otherwise."""
    if not day or not today or within_reach(day, today):
        return ""
    return format_html(
        ' <span class="badge badge--warn" title="More than {} years from today">{}</span>',
        FARTHEST_YEARS,
        OUT_OF_RANGE,
    )


@register.filter
def sentence(share, who):
    """A track-record share in words: share|sentence:"Tom Okafor"."""
    return share.sentence(who)


@register.filter
def days_after_p50(days):
    """Days a delivery came after its P50 date: 12 → "12 days after P50"."""
    if days is None:
        return "—"
    if days == 0:
        return "on its P50 date"
    return f"{abs(days)} day{'' if abs(days) == 1 else 's'} {'after' if days > 0 else 'before'} P50"


@register.filter
def acknowledged_before_miss(entry):
    """Both leaders had acknowledged a missed commitment's gap before it fell due."""
    return entry.acknowledged_before(entry.promised)
