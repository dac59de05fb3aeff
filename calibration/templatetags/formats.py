"""The template side of calibration/formats.py: every page and mail writes a date, a moment,
a duration or an amount through these filters (they are template builtins, so no template
can reach for Django's `date` with a format of its own by forgetting to load them)."""

from django import template

from calibration import formats

register = template.Library()


@register.filter
def day(value):
    """A date as "6 Dec 2026"; a moment's day in the organization's time zone."""
    return formats.date_text(value)


@register.filter
def moment(value):
    """An instant as "6 Dec 2026, 06:38" in the organization's time zone."""
    return formats.moment_text(value)


@register.filter
def duration(weeks):
    """Weeks, unsigned, in whole weeks and days: 2.3 → "2 weeks 2 days"."""
    return formats.duration_text(weeks)


@register.filter
def signed_duration(weeks):
    """Weeks with their sign: "+2 weeks 2 days", "−1 day"."""
    return formats.signed_duration_text(weeks)


@register.filter
def money(amount, currency):
    """An amount in the organization's currency: path.cost_money|money:org.currency."""
    return formats.money_text(amount, currency or formats.DEFAULT_CURRENCY)
