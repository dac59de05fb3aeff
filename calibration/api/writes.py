"""The API's writes: a leading indicator's status and evidence, an initiative's dates. Each
goes through `sharing.write` — the shared save the pages use — as the token's member; an
observer's token is refused (403) by calibration.access before anything is read."""

from ninja import Status

from calibration import access
from calibration.access import get_for_org
from calibration.timeline.forms import REASON_REQUIRED
from calibration.timeline.models import Initiative, LeadingIndicator, initiative_url

from . import present, schemas, sharing
from .routes import router
from .schemas import Id

WRITE_RESPONSES = {
    400: schemas.FieldErrors,
    403: schemas.Error,
    404: schemas.Error,
    409: schemas.Conflict,
}
DATE_FIELDS = ("best_date", "expected_date", "worst_date", "commitment_date")


def answer(refused):
    return Status(refused.status, refused.body)


@router.patch(
    "/indicators/{pk}",
    response={200: schemas.Indicator, **WRITE_RESPONSES},
    tags=["timeline"],
)
def update_indicator(request, pk: Id, payload: schemas.IndicatorUpdate):
    """Mark a leading indicator met (with evidence) or missed — which moves the tracking
    timeline and may trigger the slip plan, as on the page — or change its evidence."""
    access.require_write(request.membership)
    org = request.org
    record = get_for_org(org, LeadingIndicator, pk=pk)
    sent = payload.model_dump(exclude_unset=True)
    values = {}
    if sent.get("status") is not None:
        values["status"] = sent["status"]
        if sent["status"] == LeadingIndicator.Status.PENDING:
            values["resolved_on"] = None
        elif sent["status"] != record.status or record.resolved_on is None:
            values["resolved_on"] = org.today()
    if sent.get("resolved_on") is not None:
        values["resolved_on"] = sent["resolved_on"]
    if "evidence" in sent:
        values["evidence"] = sent["evidence"] or ""
    try:
        sharing.write(record, by=request.membership.user, version=payload.version, values=values)
    except sharing.Refused as refused:
        return answer(refused)
    fresh = LeadingIndicator.objects.select_related("initiative").get(pk=record.pk)
    return present.indicator(fresh, fresh.initiative, org.today())


@router.patch(
    "/initiatives/{pk}/dates",
    response={200: schemas.Initiative, **WRITE_RESPONSES},
    tags=["timeline"],
)
def update_dates(request, pk: Id, payload: schemas.DatesUpdate):
    """Move the best, expected or worst case, or the external commitment. Once the
    initiative is active a reason is required; each move is kept as an estimate revision and
    clears both leaders' acknowledgements of the gap."""
    access.require_write(request.membership)
    org = request.org
    record = get_for_org(org, Initiative, pk=pk)
    sent = payload.model_dump(exclude_unset=True)
    values = {name: sent[name] for name in DATE_FIELDS if name in sent}
    if "commitment_audience" in sent:
        values["commitment_audience"] = sent["commitment_audience"] or ""
    for name in ("best_date", "expected_date", "worst_date"):
        if name in values and values[name] is None:
            return answer(sharing.invalid({name: ["Required."]}))
    moves = any(
        values.get(name, getattr(record, name)) != getattr(record, name) for name in DATE_FIELDS
    )
    if moves and record.reason_required() and not payload.reason.strip():
        # Checked here as the form checks it: the note always says "via the API", so the
        # model's own check (a note is required) would not see a missing reason.
        return answer(sharing.invalid({"reason": [REASON_REQUIRED]}))
    try:
        sharing.write(
            record,
            by=request.membership.user,
            version=payload.version,
            values=values,
            reason=payload.reason,
        )
    except sharing.Refused as refused:
        return answer(refused)
    fresh = get_for_org(org, Initiative.objects.with_everything(), pk=record.pk)
    return present.initiative(fresh, org.today(), initiative_url(org))
