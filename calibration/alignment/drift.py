"""Drift across quarters, computed in memory from sheets loaded with `with_everything`
(a fixed number of queries, however many quarters and bets)."""

from dataclasses import dataclass, field

from .models import Call, Side

COMPARED = [
    ("title", "bet"),
    ("expected_outcome", "what we expect"),
    ("confidence", "how sure"),
]


@dataclass
class ChangedBet:
    bet: object
    before: object
    fields: list


@dataclass
class QuarterDrift:
    sheet: object
    previous: object = None
    persisted: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    added: list = field(default_factory=list)
    divergence_count: int = 0
    open_count: int = 0
    calls: dict = field(default_factory=dict)
    unlinked_again: list = field(default_factory=list)

    @property
    def call_rows(self):
        return [(Call.SHORT[kind], self.calls.get(kind, 0)) for kind, _ in Call.KINDS]

    @property
    def call_total(self):
        return sum(self.calls.values())


@dataclass
class DriftReport:
    quarters: list

    @property
    def call_kinds(self):
        return [Call.SHORT[kind] for kind, _ in Call.KINDS]

    @property
    def unlinked_again(self):
        return [(q.sheet, bet) for q in self.quarters for bet in q.unlinked_again]

    @property
    def newest_first(self):
        return list(reversed(self.quarters))


def drift_report(sheets):
    """`sheets` in quarter order. For each quarter, against the one before it: which bets
    persisted (carried forward unchanged), changed (carried forward, edited), were dropped
    (not carried forward) or added (new); how many agenda items diverged; the calls made
    by kind; and the tech bets unlinked this quarter and the one before."""
    quarters = []
    previous = None
    for sheet in sheets:
        bets = sheet.all_bets()
        agenda = sheet.divergence_agenda()
        q = QuarterDrift(
            sheet=sheet,
            previous=previous,
            divergence_count=len(agenda),
            open_count=sum(1 for item in agenda if item.is_open),
            calls=Call.tally(sheet.made_calls()),
        )
        before = {b.pk: b for b in previous.all_bets()} if previous else {}
        carried = set()
        for bet in sorted(bets, key=lambda b: (b.side, b.position)):
            origin = before.get(bet.carried_from_id)
            if origin is None:
                q.added.append(bet)
                continue
            carried.add(origin.pk)
            differences = [
                label for name, label in COMPARED if getattr(bet, name) != getattr(origin, name)
            ]
            if differences:
                q.changed.append(ChangedBet(bet, origin, differences))
            else:
                q.persisted.append(bet)
            if bet.side == Side.CTO and not bet.is_linked() and not origin.is_linked():
                q.unlinked_again.append(bet)
        q.dropped = [b for b in before.values() if b.pk not in carried]
        quarters.append(q)
        previous = sheet
    return DriftReport(quarters)
