from django import template

from calibration.probability import percent_text

from ..models import format_weeks

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
    return format_weeks(value) + ("" if value > 0 else " early")


@register.filter
def signed_weeks(value):
    if value is None:
        return "—"
    return f"{value:+g} wk"
