"""Records as the API shows them: plain dicts shaped like schemas.py, read from records
loaded with their relations (no query per row)."""

from django.urls import reverse

from calibration.alignment.models import Call
from calibration.models import raw_value


def person(user):
    return None if user is None else {"id": user.pk, "name": str(user)}


def number(value):
    return None if value is None else format(value.normalize(), "f")


# --- timeline -------------------------------------------------------------------------------


def indicator(i, initiative, today):
    return {
        "id": i.pk,
        "version": i.version,
        "initiative_id": i.initiative_id,
        "description": i.description,
        "due_date": i.due_date_value(initiative),
        "if_missed": i.if_missed,
        "status": i.status,
        "overdue": i.is_overdue(today, initiative),
        "resolved_on": i.resolved_on,
        "evidence": i.evidence,
    }


def initiative(i, today, url):
    forecast = i.forecast()
    return {
        "id": i.pk,
        "version": i.version,
        "title": i.title,
        "summary": i.summary,
        "status": i.status,
        "url": url(i.pk),
        "owner": person(i.owner),
        "start_date": i.start_date,
        "delivered_on": i.delivered_on,
        "timelines": [
            {"name": name, "date": day, "assumptions": assumptions, "risks": risks}
            for name, _label, day, assumptions, risks in i.timelines()
        ],
        "commitment": {
            "date": i.commitment_date,
            "audience": i.commitment_audience,
            "set_by": person(i.commitment_set_by),
            "gap_weeks": i.gap_weeks(),
            "gap": i.gap_sentence(),
            "acknowledged_by_ceo": bool(i.ceo_acknowledged_at),
            "acknowledged_by_cto": bool(i.cto_acknowledged_at),
        },
        "forecast": {
            "p50": forecast.p50,
            "p85": forecast.p85,
            "p95": forecast.p95,
            "probability_of_meeting_commitment": i.probability_of_meeting_commitment(),
        },
        "tracking": {
            "timeline": i.tracking_timeline(),
            "date": i.tracking_date(),
            "since": i.tracking_changed_on(),
            "past_commitment": i.is_tracking_past_commitment(),
        },
        "indicators": [indicator(c, i, today) for c in i.indicators_list()],
    }


# --- constraints ----------------------------------------------------------------------------


def path(p):
    return {
        "id": p.pk,
        "letter": p.letter,
        "title": p.title,
        "description": p.description,
        "cost_money": number(p.cost_money),
        "cost_people_months": number(p.cost_people_months),
        "weeks_best": p.weeks_best,
        "weeks_expected": p.weeks_expected,
        "weeks_worst": p.weeks_worst,
        "risks": p.risks,
        "gives_up": p.gives_up,
    }


def constraint(c):
    return {
        "id": c.pk,
        "version": c.version,
        "capability": c.capability,
        "metric": c.metric,
        "unit": c.unit,
        "current_value": raw_value(c, c._meta.get_field("current_value")),
        "required_value": raw_value(c, c._meta.get_field("required_value")),
        "gap": c.gap_sentence(),
        "needed_by": c.needed_by,
        "url": reverse("constraints:detail", args=[c.organization.slug, c.pk]),
        "recommended_path_id": c.recommended_path_id,
        "recommendation_reason": c.recommendation_reason,
        "market_context": c.market_context,
        "paths": [path(p) for p in sorted(c.paths.all(), key=lambda p: (p.position, p.pk))],
        "decision": {
            "decision": c.decision,
            "label": c.get_decision_display(),
            "chosen_path_id": c.chosen_path_id,
            "reason": c.decision_reason,
            "revisit_on": c.revisit_on,
            "decided_by": person(c.decided_by),
            "decided_at": c.decided_at,
            "agreed_by": person(c.agreed_by),
            "agreed_at": c.agreed_at,
        },
    }


# --- alignment ------------------------------------------------------------------------------


def bet_sheet(sheet):
    bets = list(sheet.bets.all())
    links = {link.pk: link for bet in bets for link in bet.supports.all()}
    calls = [bet.call_record for bet in bets if _call_of(bet) is not None]
    return {
        "id": sheet.pk,
        "version": sheet.version,
        "quarter": sheet.label,
        "starts_on": sheet.starts_on,
        "ends_on": sheet.ends_on,
        "status": sheet.status,
        "session_at": sheet.session_at,
        "held_on": sheet.held_on,
        "url": reverse("alignment:sheet", args=[sheet.organization.slug, sheet.pk]),
        "bets": [
            {
                "id": b.pk,
                "version": b.version,
                "side": b.side,
                "position": b.position,
                "title": b.title,
                "expected_outcome": b.expected_outcome,
                "confidence": b.confidence,
                "notes": b.notes,
            }
            for b in bets
        ],
        "links": [
            {"id": link.pk, "cto_bet_id": link.cto_bet_id, "ceo_bet_id": link.ceo_bet_id}
            for link in sorted(links.values(), key=lambda link: link.pk)
        ],
        "calls": [
            {
                "id": c.pk,
                "bet_id": c.bet_id,
                "kind": c.kind,
                "label": c.get_kind_display(),
                "reason": c.reason,
                "target_id": c.target_id,
                "rewrite": c.rewrite,
                "made_by": person(c.made_by),
                "made_on": c.made_on,
            }
            for c in sorted(calls, key=lambda c: c.pk)
        ],
    }


def _call_of(bet):
    try:
        return bet.call_record
    except Call.DoesNotExist:
        return None


# --- calibration ------------------------------------------------------------------------------


def track_summary(summary):
    return {
        "who": summary.who,
        "estimator_id": summary.estimator_id,
        "deliveries": summary.n,
        "shares": [
            {
                "key": s.key,
                "label": s.label,
                "count": s.count,
                "n": s.n,
                "expected": s.expected,
                "low": s.low,
                "high": s.high,
                "sentence": s.sentence(summary.who),
            }
            for s in summary.shares
        ],
        "median_days_after_p50": summary.median_days_after_p50,
        "brier": summary.brier,
        "brier_n": summary.brier_n,
    }


def calibration(record):
    """The track record (timeline.track_record) — the same rows as calibration.csv."""
    return {
        "overall": track_summary(record["overall"]),
        "per_estimator": [track_summary(s) for s in record["per_estimator"]],
        "rows": [row.as_json() for row in record["rows"]],
    }
