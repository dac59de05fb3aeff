from django import template

from ..models import format_weeks

register = template.Library()


@register.filter
def percent(value):
    """0.3712 → "37%"; tiny non-zero values are not shown as 0% or 100%."""
    if value is None:
        return "—"
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 < value < 1:
        return ">99%"
    return f"{value * 100:.0f}%"


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
