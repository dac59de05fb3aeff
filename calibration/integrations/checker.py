"""Leading indicators that check themselves.

Once a day until its checkpoint (beat runs `tasks.check_sources` every few hours; a source
read today is not read again before the checkpoint's day), the checker reads each linked
source of a pending indicator of an active initiative:

* done by the checkpoint (a milestone closed, a Linear project completed or at the chosen
  progress, a Jira epic in a "done" status) → the indicator is marked **met**, dated when
  it was done, with what was seen as its evidence;
* not done once the checkpoint's day is over → marked **missed** (dated the checkpoint);
* otherwise what it saw is kept (progress, target date) and it waits.

Marking goes through `patch_shared` on the indicator — the shared save the pages use — so
the tracking timeline moves and the slip plan triggers exactly as when a leader marks it.
The history names no person (the checker is nobody) and its note says where the evidence
came from. Each source marks its indicator once: from then on the indicator is the leaders'
to change (an override is a normal edit, in the history under their name).

A source that cannot be read (a revoked token, a rate limit, an outage, a reference that is
gone) never marks anything: the indicator stays pending, the source shows the warning, and
both leaders get one notice when the trouble starts (cadence.py, through the reminders
engine), and it is read again at the next check.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from calibration.cadence import dispatch_soon
from calibration.formats import date_text
from calibration.models import EditConflict
from calibration.pagecache import touch_organization
from calibration.timeline.models import Initiative, LeadingIndicator

from . import vault
from .models import IndicatorSource, TrackerConnection
from .trackers import github, jira, linear
from .trackers.reading import Unreadable

log = logging.getLogger(__name__)

READERS = {
    TrackerConnection.GITHUB: github,
    TrackerConnection.LINEAR: linear,
    TrackerConnection.JIRA: jira,
}
MET, MISSED, WAITING, UNREADABLE, SKIPPED = "met", "missed", "waiting", "unreadable", "skipped"


def due_sources():
    return IndicatorSource.objects.filter(
        marked_at__isnull=True,
        indicator__status=LeadingIndicator.Status.PENDING,
        indicator__initiative__status=Initiative.Status.ACTIVE,
    ).select_related("indicator__initiative", "connection", "organization")


def check_all(now=None):
    """Check every source that is due; {outcome: count}."""
    outcomes = {}
    for source in due_sources():
        outcome = check(source, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def check(source, now=None, force=False):
    """Read `source` and mark its indicator if the reading settles it. Returns the outcome."""
    now = now or timezone.now()
    org = source.organization
    today = now.astimezone(org.tz).date()
    indicator = source.indicator
    due = indicator.due_date_value()
    read_today = source.checked_at and source.checked_at.astimezone(org.tz).date() == today
    if read_today and today <= due and not force and not source.warning:
        return SKIPPED
    try:
        reading = READERS[source.connection.service].read(source.connection, source)
    except (Unreadable, ValidationError) as trouble:
        return warn(source, now, " ".join(getattr(trouble, "messages", [str(trouble)])))
    except vault.InvalidToken:
        return warn(
            source,
            now,
            "The stored token cannot be decrypted with this server's key "
            "(CALIBRATE_SECRETS_KEY changed?): add the token again.",
        )
    done_on = reading.done_at.astimezone(org.tz).date() if reading.done_at else today
    if settles_met(source, reading) and done_on <= due:
        return mark(source, now, MET, done_on, f"Checked automatically: {reading.describe()}")
    if today > due:
        return mark(
            source,
            now,
            MISSED,
            due,
            f"Checked automatically after the checkpoint ({date_text(due)}): {reading.describe()}",
        )
    IndicatorSource.objects.filter(pk=source.pk).update(
        checked_at=now, seen=reading.as_json(), warning="", warning_since=None
    )
    touch_organization(source.organization_id)
    return WAITING


def settles_met(source, reading):
    if (
        source.connection.service == TrackerConnection.LINEAR
        and source.met_at_progress
        and reading.progress is not None
    ):
        return reading.done or reading.progress * 100 >= source.met_at_progress
    return reading.done


def mark(source, now, status, on, evidence):
    indicator = LeadingIndicator.objects.get(pk=source.indicator_id)
    if indicator.status != LeadingIndicator.Status.PENDING:  # a leader marked it meanwhile
        IndicatorSource.objects.filter(pk=source.pk).update(marked_at=now, checked_at=now)
        touch_organization(source.organization_id)
        return SKIPPED
    values = {"status": status, "resolved_on": on, "evidence": evidence[:5000]}
    try:
        indicator.patch_shared(
            by=None,
            expected_version=indicator.version,
            values=values,
            note=f"checked automatically ({source.connection}: {source.reference})",
        )
    except EditConflict:  # someone saved it this very moment: read again next time
        return WAITING
    except ValidationError as error:
        return warn(source, now, "Could not mark it: " + "; ".join(error.messages))
    IndicatorSource.objects.filter(pk=source.pk).update(
        checked_at=now, marked_at=now, seen={"evidence": evidence}, warning="", warning_since=None
    )
    touch_organization(source.organization_id)
    return status


def warn(source, now, reason):
    """Leave the indicator pending; show why; tell both leaders once per spell of trouble."""
    log.warning("tracker source %s unreadable: %s", source.pk, reason)
    first = source.warning_since is None
    IndicatorSource.objects.filter(pk=source.pk).update(
        checked_at=now, warning=reason[:300], warning_since=source.warning_since or now
    )
    touch_organization(source.organization_id)
    if first:
        dispatch_soon()  # the leaders' notice (cadence.unreadable_sources) goes at once
    return UNREADABLE
