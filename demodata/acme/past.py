"""Writing the demo's history as if it had happened in the past.

The demo writes through the product's one save path (``create_shared`` / ``save_shared``), so
every rule applies — revisions, cleared acknowledgements, baselines, forecast records, slip
detection — but that path stamps what it writes with the present moment. ``back_then(org,
moment)`` re-dates everything written inside it: the history rows (``Change``,
``EstimateRevision``, ``ForecastRecord``), the moments an initiative keeps (acknowledgements,
commitment set, acknowledgements cleared, the day it became active), slip detections, and the
records' created/updated times. Without it every demo revision carries the moment the demo
was loaded and the estimate-history charts are flat lines.
"""

import datetime
from contextlib import contextmanager

from django.db.models import Case, F, Value, When
from django.utils import timezone

from calibration.models import Change
from calibration.timeline.models import (
    EstimateRevision,
    ForecastRecord,
    Initiative,
    LeadingIndicator,
    SlipAction,
    SlipEvent,
    SlipPlanStep,
)

# Moments an initiative keeps, as fields and in its Change rows' values.
MOMENTS_KEPT = [
    "commitment_set_at",
    "ceo_acknowledged_at",
    "cto_acknowledged_at",
    "acknowledgements_cleared_at",
]
RECORDS = [LeadingIndicator, SlipPlanStep, SlipEvent, SlipAction]


def on(org, day, hour=10):
    """A moment on `day` in the organization's time zone."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=org.tz)


@contextmanager
def back_then(org, moment):
    """Everything written for `org` inside the block happened at `moment`."""
    started = timezone.now()
    real_today = org.today()
    yield
    restamp(org, started, real_today, moment)


def restamp(org, started, real_today, moment):
    day = moment.astimezone(org.tz).date()
    # A Change's new values were snapshot from the instance (now); its old values from the
    # stored row, which earlier blocks already re-dated.
    for change in Change.objects.filter(organization=org, at__gte=started):
        new = change.new
        for key in MOMENTS_KEPT:
            if new.get(key):
                new[key] = moment.isoformat()
        for key in ("baseline_set_on", "detected_on"):
            if new.get(key) == real_today.isoformat():
                new[key] = day.isoformat()
        Change.objects.filter(pk=change.pk).update(at=moment, new=new)
    for model in (EstimateRevision, ForecastRecord):
        model.objects.filter(organization=org, at__gte=started).update(at=moment)
    for initiative in Initiative.objects.filter(organization=org, updated_at__gte=started):
        fields = {
            name: moment
            for name in [*MOMENTS_KEPT, "created_at", "updated_at"]
            if getattr(initiative, name) and getattr(initiative, name) >= started
        }
        if initiative.baseline_set_on == real_today:
            fields["baseline_set_on"] = day
        Initiative.objects.filter(pk=initiative.pk).update(**fields)
    for model in RECORDS:
        extra = {"detected_on": day} if model is SlipEvent else {}
        model.objects.filter(organization=org, updated_at__gte=started).update(
            created_at=Case(
                When(created_at__gte=started, then=Value(moment)), default=F("created_at")
            ),
            updated_at=moment,
            **extra,
        )
