"""The API's reads: initiatives (timelines, commitment, forecast, tracking, indicators),
constraints (paths, decision), bet sheets (bets, links, calls) and calibration. Every
record is looked up within the token's organization (`access.get_for_org`): another
company's id is a 404, exactly as on the pages."""

from django.db.models import Prefetch

from calibration.access import get_for_org
from calibration.alignment.models import BetSheet, with_everything
from calibration.constraints.models import Constraint
from calibration.constraints.models import Path as ConstraintPath
from calibration.timeline.models import Initiative, LeadingIndicator, initiative_url
from calibration.timeline.track_record import track_record

from . import present, schemas
from .routes import router
from .schemas import Id


@router.get("/initiatives", response=list[schemas.Initiative], tags=["timeline"])
def list_initiatives(request):
    """Every initiative, with its three timelines, the commitment and its gap, the delivery
    forecast, which timeline it is tracking and its leading indicators."""
    org, today = request.org, request.org.today()
    url = initiative_url(org)
    return [present.initiative(i, today, url) for i in Initiative.objects.for_list(org)]


@router.get("/initiatives/{pk}", response=schemas.Initiative, tags=["timeline"])
def read_initiative(request, pk: Id):
    org = request.org
    record = get_for_org(org, Initiative.objects.with_everything(), pk=pk)
    return present.initiative(record, org.today(), initiative_url(org))


@router.get("/indicators/{pk}", response=schemas.Indicator, tags=["timeline"])
def read_indicator(request, pk: Id):
    org = request.org
    record = get_for_org(org, LeadingIndicator.objects.select_related("initiative"), pk=pk)
    return present.indicator(record, record.initiative, org.today())


def constraints_of(org):
    return (
        Constraint.objects.for_org(org)
        .select_related("organization", "decided_by", "agreed_by")
        .prefetch_related(Prefetch("paths", queryset=ConstraintPath.objects.order_by("position")))
    )


@router.get("/constraints", response=list[schemas.Constraint], tags=["constraints"])
def list_constraints(request):
    """Every constraint with its priced paths, the recommendation and the decision."""
    return [present.constraint(c) for c in constraints_of(request.org)]


@router.get("/constraints/{pk}", response=schemas.Constraint, tags=["constraints"])
def read_constraint(request, pk: Id):
    return present.constraint(get_for_org(request.org, constraints_of(request.org), pk=pk))


def sheets_of(org):
    return with_everything(BetSheet.objects.for_org(org).select_related("organization")).order_by(
        "-starts_on"
    )


@router.get("/bet-sheets", response=list[schemas.BetSheet], tags=["alignment"])
def list_bet_sheets(request):
    """Every quarter's bet sheet with both leaders' bets, the links and the calls made."""
    return [present.bet_sheet(s) for s in sheets_of(request.org)]


@router.get("/bet-sheets/{pk}", response=schemas.BetSheet, tags=["alignment"])
def read_bet_sheet(request, pk: Id):
    return present.bet_sheet(get_for_org(request.org, sheets_of(request.org), pk=pk))


@router.get("/calibration", response=schemas.Calibration, tags=["timeline"])
def read_calibration(request):
    """The track record: each delivered initiative against its baseline forecast (the rows
    of calibration.csv), and the shares, bias and Brier score computed from those rows,
    overall and per estimator."""
    return present.calibration(track_record(request.org))
