"""The forecast as it stood over time: ``ForecastRecord``, append-only like the estimate
history.

A record keeps what the leaders were looking at on a given moment — the three dates, the
commitment, P(meet the commitment), P50, P85 and P95 — so that the commitment ledger can show
the plan and P85 beside the commitment over time, and ask whether a commitment was made
earlier than the P50 of its day. It is written from the one hook of the shared save path
(``Initiative.changed()`` when a date or the commitment changes or the initiative becomes
active; ``LeadingIndicator.changed()`` when a checkpoint is marked), inside the same
transaction as the change, and never edited.
"""

from django.db import models
from django.utils import timezone

from calibration.models import SharedRecordQuerySet
from calibration.ranges import PROBABILITY, date_in_range

from .forecast import DeliveryForecast


class ForecastRecord(models.Model):
    class Reason(models.TextChoices):
        DATES = "dates", "dates changed"
        ACTIVE = "active", "became active"
        CHECKPOINT = "checkpoint", "checkpoint"

    organization = models.ForeignKey("accounts.Organization", models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        "timeline.Initiative", models.CASCADE, related_name="forecast_records"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    best_date = models.DateField("best case", validators=[date_in_range])
    expected_date = models.DateField("expected case", validators=[date_in_range])
    worst_date = models.DateField("worst case", validators=[date_in_range])
    commitment_date = models.DateField(
        "external commitment", null=True, blank=True, validators=[date_in_range]
    )
    p_meet = models.FloatField(
        "P(meet the commitment)", null=True, blank=True, validators=PROBABILITY.validators()
    )
    p50 = models.DateField("P50", validators=[date_in_range])
    p85 = models.DateField("P85", validators=[date_in_range])
    p95 = models.DateField("P95", validators=[date_in_range])

    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["initiative", "at"])]

    def __str__(self):
        return f"{self.initiative_id} at {self.at:%Y-%m-%d}: P50 {self.p50}, P85 {self.p85}"


def record_forecast(initiative, reason):
    """Append the forecast of `initiative` as it now stands (its dates as saved)."""
    # A fresh forecast from the dates: the instance may cache one from before the edit.
    forecast = DeliveryForecast(
        initiative.best_date, initiative.expected_date, initiative.worst_date
    )
    commitment = initiative.commitment_date
    return ForecastRecord.objects.create(
        organization_id=initiative.organization_id,
        initiative=initiative,
        reason=reason,
        best_date=initiative.best_date,
        expected_date=initiative.expected_date,
        worst_date=initiative.worst_date,
        commitment_date=commitment,
        p_meet=forecast.probability_by(commitment) if commitment else None,
        p50=forecast.p50,
        p85=forecast.p85,
        p95=forecast.p95,
    )
