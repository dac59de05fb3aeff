"""What the integrations owe the leaders: a notice when a linked leading indicator's source
cannot be read. Reached by the reminders engine through its table of kinds
(calibration/reminders/kinds.py), so the notice is mailed once, to both leaders, by the
same exactly-once machinery as every reminder."""

from django.urls import reverse

from calibration.cadence import Due, Message, NoLongerDue

from .models import IndicatorSource


def unreadable_sources(window):
    """One notice per spell of trouble: when a source first could not be read."""
    troubled = IndicatorSource.objects.filter(
        warning_since__gt=window.since, warning_since__lte=window.now
    )
    for source in troubled:
        yield Due(
            "tracker_unreadable",
            source,
            f"unreadable-{source.warning_since:%Y%m%d%H%M%S}",
            source.warning_since.date(),
            at=source.warning_since,
        )


def describe_unreadable(reminder, source):
    if not source.warning:
        raise NoLongerDue("The source was read again since.")
    indicator = source.indicator
    return Message(
        subject=f"Cannot read {source.connection} for “{indicator}”",
        intro=(
            f"Calibrate could not read {source.connection} “{source.reference}”, which "
            f"checks the leading indicator “{indicator}” of “{indicator.initiative}”: "
            f"{source.warning} The indicator stays pending — nothing was marked met or "
            "missed — and it will be read again at the next check. Until then, mark it "
            "yourselves if you know."
        ),
        url=reverse("integrations:index", args=[reminder.organization.slug]),
        link_text="Open the integrations",
    )


def sample_unreadable(org, user):
    """A source of the organization that cannot be read now (none: no sample to send)."""
    return (
        IndicatorSource.objects.filter(connection__organization=org)
        .exclude(warning="")
        .order_by("-warning_since")
        .first()
    )
