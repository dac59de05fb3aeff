"""What the API reads and accepts, as typed schemas: the OpenAPI document is built from them.

Inputs forbid unknown fields and bound every value (ids, versions, text length), so a bad
body is a 400 naming the field, never a database error: text that PostgreSQL cannot store
(a NUL character, a lone surrogate) is refused here too.
"""

import datetime
from typing import Annotated, Literal

from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, Field

MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


def storable(text):
    if "\x00" in text:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return text


def text(max_length):
    return Annotated[str, Field(max_length=max_length), AfterValidator(storable)]


Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_VERSION, description="The version you read.")]


# --- out: what a client reads ------------------------------------------------------------------


class Person(Schema):
    id: int
    name: str


class Timeline(Schema):
    name: Literal["best", "expected", "worst"]
    date: datetime.date
    assumptions: str
    risks: str


class Commitment(Schema):
    date: datetime.date | None
    audience: str
    set_by: Person | None
    gap_weeks: float | None
    gap: str
    acknowledged_by_ceo: bool
    acknowledged_by_cto: bool


class Forecast(Schema):
    p50: datetime.date
    p85: datetime.date
    p95: datetime.date
    probability_of_meeting_commitment: float | None


class Tracking(Schema):
    timeline: Literal["best", "expected", "worst"]
    date: datetime.date
    since: datetime.date | None
    past_commitment: bool


class Indicator(Schema):
    id: int
    version: int
    initiative_id: int
    description: str
    due_date: datetime.date
    if_missed: str
    status: Literal["pending", "met", "missed"]
    overdue: bool
    resolved_on: datetime.date | None
    evidence: str


class Initiative(Schema):
    id: int
    version: int
    title: str
    summary: str
    status: str
    url: str
    owner: Person | None
    start_date: datetime.date
    delivered_on: datetime.date | None
    timelines: list[Timeline]
    commitment: Commitment
    forecast: Forecast
    tracking: Tracking
    indicators: list[Indicator]


class PathOut(Schema):
    id: int
    letter: str
    title: str
    description: str
    cost_money: str | None
    cost_people_months: str | None
    weeks_best: int | None
    weeks_expected: int | None
    weeks_worst: int | None
    risks: str
    gives_up: str


class DecisionOut(Schema):
    decision: str
    label: str
    chosen_path_id: int | None
    reason: str
    revisit_on: datetime.date | None
    decided_by: Person | None
    decided_at: datetime.datetime | None
    agreed_by: Person | None
    agreed_at: datetime.datetime | None


class Constraint(Schema):
    id: int
    version: int
    capability: str
    metric: str
    unit: str
    current_value: str
    required_value: str
    gap: str
    needed_by: datetime.date | None
    url: str
    recommended_path_id: int | None
    recommendation_reason: str
    market_context: str
    paths: list[PathOut]
    decision: DecisionOut


class BetOut(Schema):
    id: int
    version: int
    side: Literal["ceo", "cto"]
    position: int
    title: str
    expected_outcome: str
    confidence: str
    notes: str


class LinkOut(Schema):
    id: int
    cto_bet_id: int
    ceo_bet_id: int


class CallOut(Schema):
    id: int
    bet_id: int
    kind: str
    label: str
    reason: str
    target_id: int | None
    rewrite: str
    made_by: Person | None
    made_on: datetime.date


class BetSheet(Schema):
    id: int
    version: int
    quarter: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: Literal["open", "closed"]
    session_at: datetime.datetime | None
    held_on: datetime.date | None
    url: str
    bets: list[BetOut]
    links: list[LinkOut]
    calls: list[CallOut]


class TrackRow(Schema):
    """One delivered initiative judged against its baseline forecast: the columns of
    calibration.csv / calibration.json, in the same order."""

    initiative_id: int
    title: str
    estimator: str
    start: datetime.date
    baseline_best: datetime.date
    baseline_expected: datetime.date
    baseline_worst: datetime.date
    delivered_on: datetime.date
    pit: float = Field(description="The baseline forecast's P(delivered by the actual date).")
    delivered_by_p50: bool
    after_p85: bool
    after_p95: bool
    outside_range: bool
    commitment: datetime.date | None
    met_commitment: bool | None
    p_meet_at_baseline: float | None


class Share(Schema):
    key: Literal["by_p50", "after_p85", "after_p95", "outside_range"]
    label: str
    count: int
    n: int
    expected: float = Field(description="The share a calibrated estimator shows.")
    low: float | None = Field(description="The 90% Wilson interval's lower end.")
    high: float | None
    sentence: str


class TrackSummary(Schema):
    who: str
    estimator_id: int | None
    deliveries: int
    shares: list[Share]
    median_days_after_p50: float | None
    brier: float | None = Field(
        description="Brier score of P(meet the commitment) at the baseline; 0.25 is the "
        "score of always saying 50%."
    )
    brier_n: int


class Calibration(Schema):
    overall: TrackSummary
    per_estimator: list[TrackSummary]
    rows: list[TrackRow]


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class Conflict(Schema):
    detail: str
    fields: list[str] | None
    current: dict


# --- in: what a client writes --------------------------------------------------------------


class IndicatorUpdate(Schema):
    """Mark a leading indicator met or missed (or pending again), with its evidence."""

    model_config = ConfigDict(extra="forbid")

    version: Version
    status: Literal["pending", "met", "missed"] | None = None
    evidence: text(10_000) | None = None
    resolved_on: datetime.date | None = Field(
        None, description="When it was met or missed; today when not given."
    )


class DatesUpdate(Schema):
    """Move an initiative's dates: the three timelines and/or the external commitment."""

    model_config = ConfigDict(extra="forbid")

    version: Version
    best_date: datetime.date | None = None
    expected_date: datetime.date | None = None
    worst_date: datetime.date | None = None
    commitment_date: datetime.date | None = None
    commitment_audience: Literal["", "board", "partner", "market", "customers"] | None = None
    reason: text(1_000) = Field(
        "", description="Why the dates moved: required once the initiative is active."
    )
