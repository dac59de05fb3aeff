"""The alignment conversation: one bet sheet per organization per fiscal quarter.

The CEO and the CTO each list their (at most five) biggest bets, ordered by size. Each CTO
bet says which CEO bets it directly supports (BetLink). What connects to nothing is the
divergence agenda: every tech bet supporting no CEO bet and every CEO bet no tech bet
supports. Each agenda item gets an explicit Call. After the quarterly session the sheet is
closed and becomes the record of the quarter; the next quarter starts from its open bets.

Public API for other features (reminders, constraints):

* ``BetSheet.current_for(org)`` — this quarter's sheet or None; ``BetSheet.latest_for(org)``.
* ``sheet.quarter`` (a ``calibration.quarters.Quarter``), ``sheet.label``, ``sheet.is_closed``.
* ``sheet.session_at`` (scheduled, aware datetime or None), ``sheet.session_minutes``,
  ``sheet.session_held`` / ``sheet.held_on``, ``sheet.session_ends_at``.
* ``sheet.divergence_agenda()`` → [AgendaItem(bet, kind, minutes, starts_at_minute, call)].
* ``sheet.open_items()`` → the agenda items without a call; ``sheet.open_item_count()``.
* ``Bet.is_linked()``, ``bet.linked_bets()``, ``bet.call()``, ``bet.is_on_agenda()``.

Every write goes through SharedRecord's create_shared / save_shared / delete_shared (history
kept, conflicts detected), each taking the sheet's row lock first. The sheet page polls
``BetSheet.revision`` — the organization's data version, which every write moves — so both
leaders see each other's saved changes within seconds.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from calibration.comments.models import Comment
from calibration.dates import add_minutes
from calibration.models import Change, SharedRecord
from calibration.pagecache import data_version
from calibration.quarters import Quarter
from calibration.ranges import SESSION_LENGTH, date_in_range

MAX_BETS_PER_SIDE = 5
SESSION_MINUTES = 30
OPENING_MINUTES = 2  # the agenda opens by reading the sheet together …
CLOSING_MINUTES = 3  # … and ends by confirming the calls


class Side(models.TextChoices):
    CEO = "ceo", "CEO"
    CTO = "cto", "CTO"


class Confidence(models.TextChoices):
    HIGH = "high", "Very sure"
    MEDIUM = "medium", "Fairly sure"
    LOW = "low", "Unsure"
    LONG_SHOT = "long_shot", "Long shot"


class BetSheet(SharedRecord):
    OPEN, CLOSED = "open", "closed"
    STATUSES = [(OPEN, "open"), (CLOSED, "closed")]

    fiscal_year = models.PositiveSmallIntegerField(editable=False)
    quarter_number = models.PositiveSmallIntegerField("quarter", editable=False)
    starts_on = models.DateField(editable=False, validators=[date_in_range])
    ends_on = models.DateField(editable=False, validators=[date_in_range])
    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN)
    session_at = models.DateTimeField(
        "session scheduled for", null=True, blank=True, validators=[date_in_range]
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)",
        default=SESSION_MINUTES,
        validators=SESSION_LENGTH.validators(),
    )
    held_on = models.DateField("session held on", null=True, blank=True, validators=[date_in_range])
    attendees = models.CharField(max_length=300, blank=True)
    session_notes = models.TextField("session notes", blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year", "quarter_number"],
                name="one_bet_sheet_per_quarter",
            )
        ]

    def __str__(self):
        return f"Bet sheet {self.label}"

    # --- the quarter -------------------------------------------------------------------

    @property
    def quarter(self):
        if not 1 <= self.quarter_number <= 4:
            # A stored number that is no quarter: the sheet is of the quarter it starts in.
            return Quarter.containing(self.starts_on, self._start_month())
        return Quarter(self.fiscal_year, self.quarter_number, self._start_month())

    @property
    def label(self):
        return self.quarter.label

    @property
    def dates_label(self):
        return self.quarter.dates_label

    def _start_month(self):
        """The fiscal-year start month this sheet was made with (kept even if the company
        later changes its fiscal year)."""
        return (self.starts_on.month - 3 * (self.quarter_number - 1) - 1) % 12 + 1

    @classmethod
    def for_quarter(cls, org, quarter):
        return (
            cls.objects.for_org(org)
            .filter(fiscal_year=quarter.fiscal_year, quarter_number=quarter.number)
            .first()
        )

    @classmethod
    def current_for(cls, org):
        """This quarter's sheet, or None if it was not started yet."""
        return cls.for_quarter(org, Quarter.containing(org.today(), org.fiscal_year_start_month))

    @classmethod
    def latest_for(cls, org):
        return cls.objects.for_org(org).order_by("-starts_on").first()

    @classmethod
    def start(cls, org, quarter, *, by):
        """Create the sheet of `quarter`, copying forward the open bets of the latest earlier
        sheet (and the links between them). Each copy waits for its leader to keep or drop it.
        Returns the existing sheet if that quarter was already started."""
        existing = cls.for_quarter(org, quarter)
        if existing:
            return existing
        try:
            with transaction.atomic():
                sheet = cls.create_shared(
                    by=by,
                    organization=org,
                    fiscal_year=quarter.fiscal_year,
                    quarter_number=quarter.number,
                    starts_on=quarter.starts_on,
                    ends_on=quarter.ends_on,
                )
                previous = (
                    cls.objects.for_org(org)
                    .filter(starts_on__lt=quarter.starts_on)
                    .order_by("-starts_on")
                    .first()
                )
                if previous:
                    sheet._copy_open_bets_from(previous, by=by)
        except (IntegrityError, ValidationError):
            # The other leader started the same quarter a moment ago: theirs is the sheet.
            existing = cls.for_quarter(org, quarter)
            if existing is None:
                raise
            return existing
        return sheet

    def _copy_open_bets_from(self, previous, *, by):
        copies = {}
        bets = previous.bets.select_related("call_record")
        for bet in bets:
            if not bet.is_open():
                continue
            copies[bet.pk] = Bet.create_shared(
                by=by,
                note=f"Carried forward from {previous.label}",
                organization_id=self.organization_id,
                sheet=self,
                side=bet.side,
                position=bet.position,
                title=bet.title,
                expected_outcome=bet.expected_outcome,
                confidence=bet.confidence,
                notes=bet.notes,
                carried_from=bet,
                carry_status=Bet.PENDING,
            )
        for link in BetLink.objects.filter(sheet=previous):
            if link.cto_bet_id in copies and link.ceo_bet_id in copies:
                BetLink.create_shared(
                    by=by,
                    note=f"Carried forward from {previous.label}",
                    organization_id=self.organization_id,
                    sheet=self,
                    cto_bet=copies[link.cto_bet_id],
                    ceo_bet=copies[link.ceo_bet_id],
                )
        Bet.renumber(self, by=by)

    def next_quarter(self):
        return self.quarter.next()

    # --- state -------------------------------------------------------------------------

    @property
    def is_closed(self):
        return self.status == self.CLOSED

    @property
    def is_open(self):
        return self.status == self.OPEN

    @property
    def session_held(self):
        return self.held_on is not None

    @property
    def session_ends_at(self):
        if self.session_at is None:
            return None
        return add_minutes(self.session_at, self.session_minutes)

    @property
    def revision(self):
        """What the sheet page polls: moves with every saved change to the sheet, anything
        on it — or anything else in the organization (the organization's data version)."""
        return data_version(self.organization_id)

    def check_open(self):
        """A closed sheet is the quarter's record: nothing on it changes until reopened."""
        if BetSheet.objects.filter(pk=self.pk, status=BetSheet.CLOSED).exists():
            raise ValidationError(
                "This quarter is closed: its sheet is a read-only record. Reopen it to change it."
            )

    def close(self, *, by, expected_version, note="Closed the quarter"):
        if self.is_closed:
            raise ValidationError("This quarter is already closed.")
        if not self.session_held:
            raise ValidationError(
                "Record the quarterly session as held (its date) before closing the quarter."
            )
        self.status = self.CLOSED
        return self.save_shared(by=by, expected_version=expected_version, note=note)

    def reopen(self, *, by, expected_version, reason):
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Say why the quarter is reopened: it is kept."})
        if not self.is_closed:
            raise ValidationError("This quarter is open already.")
        self.status = self.OPEN
        return self.save_shared(by=by, expected_version=expected_version, note=reason)

    # --- what is on the sheet (uses prefetched data when given by `with_everything`) -----

    def all_bets(self):
        return list(self.bets.all())

    def column(self, side):
        return sorted((b for b in self.all_bets() if b.side == side), key=lambda b: b.position)

    def ceo_bets(self):
        return self.column(Side.CEO)

    def cto_bets(self):
        return self.column(Side.CTO)

    def room_for(self, side):
        return MAX_BETS_PER_SIDE - len(self.column(side))

    def pending_carry_count(self):
        return sum(1 for b in self.all_bets() if b.carry_status == Bet.PENDING)

    def divergence_agenda(self):
        """The items to discuss, in order: tech bets that support no CEO bet, then CEO bets no
        tech bet supports, each by size; each with a time box so the whole fits the session
        (an opening read of the sheet, the items, a closing confirmation of the calls)."""
        items = [b for b in self.cto_bets() if not b.is_linked()]
        items += [b for b in self.ceo_bets() if not b.is_linked()]
        budget = max(self.session_minutes - OPENING_MINUTES - CLOSING_MINUTES, len(items))
        share, extra = divmod(budget, len(items)) if items else (0, 0)
        agenda, minute = [], OPENING_MINUTES
        for index, bet in enumerate(items):
            minutes = share + (1 if index < extra else 0)
            kind = AgendaItem.UNLINKED_TECH_BET if bet.side == Side.CTO else AgendaItem.UNSUPPORTED
            agenda.append(AgendaItem(bet, kind, minutes, minute, bet.call()))
            minute += minutes
        return agenda

    def open_items(self):
        """Agenda items with no call yet (counted on the organization home)."""
        return [item for item in self.divergence_agenda() if item.call is None]

    def open_item_count(self):
        return len(self.open_items())

    def made_calls(self):
        return [b.call() for b in self.all_bets() if b.call() is not None]

    def changes(self, limit=50):
        """The latest changes to the sheet and everything on it (one query)."""
        types = ContentType.objects.get_for_models(BetSheet, Bet, BetLink, Call)
        query = models.Q(content_type=types[BetSheet], object_id=self.pk)
        touched = Change.objects.filter(organization_id=self.organization_id)
        for model in (Bet, BetLink, Call):
            ids = model.objects.filter(sheet=self).values("pk")
            query |= models.Q(content_type=types[model], object_id__in=ids)
        # Records deleted from the sheet keep their changes; their last snapshot names the sheet.
        query |= models.Q(
            content_type__in=[types[Bet], types[BetLink], types[Call]],
            action=Change.DELETED,
            old__sheet=str(self),
        )
        return touched.filter(query).select_related("by", "content_type", "organization")[:limit]


@dataclass
class AgendaItem:
    UNLINKED_TECH_BET = "unlinked_tech_bet"
    UNSUPPORTED = "unsupported_ceo_bet"

    bet: "Bet"
    kind: str
    minutes: int
    starts_at_minute: int
    call: "Call | None"

    @property
    def is_open(self):
        return self.call is None

    @property
    def ends_at_minute(self):
        return self.starts_at_minute + self.minutes

    @property
    def dom_id(self):
        return f"item-{self.bet.pk}"

    @property
    def question(self):
        if self.kind == self.UNLINKED_TECH_BET:
            return "This tech bet supports none of the CEO's bets: continue, redirect or stop?"
        return "No tech bet supports this CEO bet: does it need one, or is it fine without?"

    @property
    def kind_label(self):
        return "Unlinked tech bet" if self.kind == self.UNLINKED_TECH_BET else "Unsupported"


class SheetChildMixin:
    """What is on a sheet: every write locks the sheet first, and a closed sheet refuses it."""

    locks_parent = "sheet"

    def check_sheet_open(self):
        if self.sheet_id:
            BetSheet(pk=self.sheet_id).check_open()

    def changed(self, before, *, by, note, deleted=False):
        if before is not None:  # a creation was checked by clean(), under the same lock
            self.check_sheet_open()


class Bet(SheetChildMixin, SharedRecord):
    NEW, PENDING, KEPT = "", "pending", "kept"
    CARRY_STATUSES = [(NEW, "new this quarter"), (PENDING, "carried, to review"), (KEPT, "kept")]

    sheet = models.ForeignKey(BetSheet, models.CASCADE, related_name="bets")
    side = models.CharField(max_length=3, choices=Side.choices, editable=False)
    # Order by size, 1 = biggest: assigned under the sheet's lock, changed only by `move`
    # and `place`, each change versioned and in the history. Not in any form.
    position = models.PositiveSmallIntegerField("place in its column", default=0)
    title = models.CharField("bet", max_length=140)
    expected_outcome = models.TextField("what we expect it to get us")
    confidence = models.CharField(
        "how sure we are", max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    notes = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="carried_to", editable=False
    )
    carry_status = models.CharField(
        "carried forward", max_length=8, choices=CARRY_STATUSES, blank=True, default=NEW
    )

    class Meta:
        ordering = ["sheet", "side", "position", "pk"]
        constraints = [
            # Checked when the transaction commits, so two bets can swap places. SQLite, the
            # laptop default, cannot defer it and skips it (models.W038, silenced in
            # settings); there the sheet's lock alone keeps places unique.
            models.UniqueConstraint(
                fields=["sheet", "side", "position"],
                name="one_bet_per_place",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return self.title

    @property
    def dom_id(self):
        return f"bet-{self.pk}"

    def get_absolute_url(self):
        sheet = self.sheet
        return (
            f"{reverse('alignment:sheet', args=[sheet.organization.slug, sheet.pk])}#{self.dom_id}"
        )

    @property
    def side_label(self):
        return "CEO" if self.side == Side.CEO else "CTO"

    comments = GenericRelation(Comment)
    deleted_with = ("supports", "supported_by", "call_record", "comments")

    def clean(self):
        self.check_sheet_open()
        if self.sheet_id and self.side and self._state.adding:
            column = Bet.objects.filter(sheet_id=self.sheet_id, side=self.side)
            if column.count() >= MAX_BETS_PER_SIDE:
                raise ValidationError(
                    f"The {self.get_side_display()} column already has {MAX_BETS_PER_SIDE} bets, "
                    "the most a sheet holds. Drop or merge one before adding another."
                )
            # A new bet goes to the bottom of its column. create_shared validates again
            # under the sheet's lock, so two bets added at once never share a place.
            last = column.aggregate(m=models.Max("position"))["m"]
            self.position = (last or 0) + 1

    def changed(self, before, *, by, note, deleted=False):
        super().changed(before, by=by, note=note, deleted=deleted)
        if deleted:  # the bets below it move up
            others = Bet.objects.filter(sheet_id=self.sheet_id, side=self.side).exclude(pk=self.pk)
            Bet.place(others.order_by("position", "pk"), by=by, note=f"“{self}” left the column")

    # --- links (prefetched by `with_everything`) ----------------------------------------

    def _links(self):
        related = self.supports if self.side == Side.CTO else self.supported_by
        return list(related.all())

    def linked_bets(self):
        """The CEO bets this tech bet supports, or the tech bets supporting this CEO bet."""
        attr = "ceo_bet" if self.side == Side.CTO else "cto_bet"
        return sorted((getattr(link, attr) for link in self._links()), key=lambda b: b.position)

    def is_linked(self):
        return bool(self._links())

    def is_on_agenda(self):
        return not self.is_linked()

    def call(self):
        """The explicit call made on this bet as an agenda item, or None."""
        try:
            return self.call_record
        except Call.DoesNotExist:
            return None

    def is_open(self):
        """Still in play: not stopped by a call (what carries forward to the next quarter)."""
        call = self.call()
        return not (call and call.kind == Call.STOP)

    def keep(self, *, by, expected_version):
        """Keep a bet carried forward from last quarter on this quarter's sheet."""
        self.carry_status = Bet.KEPT
        return self.save_shared(
            by=by, expected_version=expected_version, note=f"Kept for {self.sheet.label}"
        )

    def remove(self, *, by, expected_version):
        """Take the bet off the sheet — "dropped" if it was carried forward and not yet kept.
        Its links go first, each through delete_shared, so the history shows them too."""
        note = (
            f"Dropped when carried forward into {self.sheet.label}"
            if self.carry_status == Bet.PENDING
            else "Removed from the sheet"
        )
        self.delete_shared(by=by, expected_version=expected_version, note=note)

    def move(self, direction, *, by):
        """Swap with the neighbour above ("up") or below ("down"). Each bet whose place
        changes takes a version step and a history row, so an edit opened before the move
        can never write the old place back. Returns False when there is no neighbour."""
        with transaction.atomic():
            self._lock_parent()
            self.check_sheet_open()
            column = list(
                Bet.objects.filter(sheet_id=self.sheet_id, side=self.side).order_by(
                    "position", "pk"
                )
            )
            index = next(i for i, b in enumerate(column) if b.pk == self.pk)
            other_index = index - 1 if direction == "up" else index + 1
            if not 0 <= other_index < len(column):
                return False
            mine, theirs = column[index], column[other_index]
            opposite = "down" if direction == "up" else "up"
            mine.position, theirs.position = theirs.position, mine.position
            theirs.save_shared(
                by=by,
                expected_version=theirs.version,
                note=f"Moved {opposite} (“{mine}” moved {direction})",
            )
            mine.save_shared(by=by, expected_version=mine.version, note=f"Moved {direction}")
            self.position, self.version = mine.position, mine.version
        return True

    @classmethod
    def place(cls, bets, *, by, note):
        """Number `bets` (one column, read under the sheet's lock) 1, 2, 3 … in the order
        given; each bet whose place changes is saved as a change of its own."""
        bets = list(bets)
        for position, bet in enumerate(bets, start=1):
            if bet.position != position:
                bet.position = position
                bet.save_shared(by=by, expected_version=bet.version, note=note)
        return bets

    @classmethod
    def renumber(cls, sheet, *, by):
        for side in Side.values:
            column = cls.objects.filter(sheet=sheet, side=side).order_by("position", "pk")
            cls.place(column, by=by, note="Renumbered")


class BetLink(SheetChildMixin, SharedRecord):
    """A CTO bet directly supports a CEO bet (many to many, both on the same sheet)."""

    sheet = models.ForeignKey(BetSheet, models.CASCADE, related_name="links")
    cto_bet = models.ForeignKey(Bet, models.CASCADE, related_name="supports")
    ceo_bet = models.ForeignKey(Bet, models.CASCADE, related_name="supported_by")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cto_bet", "ceo_bet"], name="one_link_per_pair")
        ]

    def __str__(self):
        return f"{self.cto_bet} supports {self.ceo_bet}"

    def clean(self):
        self.check_sheet_open()
        if self.cto_bet_id and self.cto_bet.side != Side.CTO:
            raise ValidationError("Only a CTO bet can support a CEO bet.")
        if self.ceo_bet_id and self.ceo_bet.side != Side.CEO:
            raise ValidationError("A tech bet supports a CEO bet.")
        if self.cto_bet_id and self.ceo_bet_id:
            if not self.cto_bet.sheet_id == self.ceo_bet.sheet_id == self.sheet_id:
                raise ValidationError("Both bets must be on the same sheet.")

    @classmethod
    def set_links(cls, bet, *, shown, wanted, by):
        """Link `bet` to the bets in `wanted` (ids on the other side). Only the bets that were
        `shown` to the person are changed, so a link the other leader added meanwhile stays."""
        bet.check_sheet_open()
        own, other = ("cto_bet", "ceo_bet") if bet.side == Side.CTO else ("ceo_bet", "cto_bet")
        other_side = Side.CEO if bet.side == Side.CTO else Side.CTO
        valid = set(
            Bet.objects.filter(sheet_id=bet.sheet_id, side=other_side).values_list("pk", flat=True)
        )
        shown, wanted = set(shown) & valid, set(wanted) & valid
        existing = {getattr(link, f"{other}_id"): link for link in cls.objects.filter(**{own: bet})}
        added = removed = 0
        with transaction.atomic():
            for pk in wanted - set(existing):
                cls.create_shared(
                    by=by,
                    organization_id=bet.organization_id,
                    sheet_id=bet.sheet_id,
                    **{f"{own}_id": bet.pk, f"{other}_id": pk},
                )
                added += 1
            for pk in (shown - wanted) & set(existing):
                link = existing[pk]
                link.delete_shared(by=by, expected_version=link.version)
                removed += 1
        return added, removed


class Call(SheetChildMixin, SharedRecord):
    """The explicit decision on one agenda item: why, who, when."""

    CONTINUE, REDIRECT, STOP = "continue", "redirect", "stop"
    NEEDS_TECH_BET, ACCEPTED = "needs_tech_bet", "accepted"
    KINDS = [
        (CONTINUE, "Continue — ahead of the business strategy, on purpose"),
        (REDIRECT, "Redirect — to a CEO bet, or rewrite it"),
        (STOP, "Stop"),
        (NEEDS_TECH_BET, "Needs a tech bet"),
        (ACCEPTED, "Accepted without a tech bet"),
    ]
    SHORT = {
        CONTINUE: "Continue",
        REDIRECT: "Redirect",
        STOP: "Stop",
        NEEDS_TECH_BET: "Needs a tech bet",
        ACCEPTED: "Accepted without one",
    }
    TECH_KINDS = (CONTINUE, REDIRECT, STOP)
    CEO_KINDS = (NEEDS_TECH_BET, ACCEPTED)

    sheet = models.ForeignKey(BetSheet, models.CASCADE, related_name="calls")
    bet = models.OneToOneField(Bet, models.CASCADE, related_name="call_record", editable=False)
    kind = models.CharField("call", max_length=16, choices=KINDS)
    reason = models.TextField("why")
    target = models.ForeignKey(
        Bet,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="which bet",
        help_text="Redirect: the CEO bet it now serves. Needs a tech bet: the tech bet, if it "
        "is on the sheet.",
    )
    rewrite = models.TextField(
        "rewrite / the tech bet needed",
        blank=True,
        help_text="Redirect: the bet rewritten. Needs a tech bet: what that bet is.",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    made_on = models.DateField("decided on", validators=[date_in_range])
    comments = GenericRelation(Comment)

    deleted_with = ("comments",)

    class Meta:
        ordering = ["pk"]

    def get_absolute_url(self):
        sheet = self.sheet
        return reverse("alignment:sheet", args=[sheet.organization.slug, sheet.pk]) + (
            f"#item-{self.bet_id}"
        )

    def __str__(self):
        return f"{self.short_label}: {self.bet}"

    @property
    def short_label(self):
        return self.SHORT.get(self.kind, self.kind)

    @property
    def badge(self):
        return {self.STOP: "danger", self.CONTINUE: "info", self.ACCEPTED: "muted"}.get(
            self.kind, "warn"
        )

    def clean(self):
        self.check_sheet_open()
        if not self.bet_id:
            return
        errors = {}
        allowed = self.TECH_KINDS if self.bet.side == Side.CTO else self.CEO_KINDS
        if self.kind and self.kind not in allowed:
            errors["kind"] = (
                "For a tech bet the call is continue, redirect or stop."
                if self.bet.side == Side.CTO
                else "For a CEO bet the call is: needs a tech bet, or accepted without one."
            )
        if self.target_id:
            wanted = Side.CEO if self.kind == self.REDIRECT else Side.CTO
            if self.target.sheet_id != self.bet.sheet_id or self.target.side != wanted:
                errors["target"] = (
                    "Redirect to one of this sheet's CEO bets."
                    if wanted == Side.CEO
                    else "Choose one of this sheet's tech bets."
                )
        if self.kind == self.REDIRECT and not (self.target_id or self.rewrite.strip()):
            errors["target"] = "Say which CEO bet it is redirected to, or rewrite it below."
        if self.kind == self.NEEDS_TECH_BET and not (self.target_id or self.rewrite.strip()):
            errors["target"] = "Say which tech bet it needs: pick one, or describe it below."
        if self.kind in (self.CONTINUE, self.STOP, self.ACCEPTED) and self.target_id:
            errors["target"] = "Only a redirect or a needed tech bet points at another bet."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def tally(cls, calls):
        counts = {kind: 0 for kind, _ in cls.KINDS}
        for call in calls:
            counts[call.kind] = counts.get(call.kind, 0) + 1
        return counts


def with_everything(queryset):
    """Sheets with their bets, links and calls in a fixed number of queries."""
    return queryset.prefetch_related(
        models.Prefetch(
            "bets",
            queryset=Bet.objects.select_related("call_record__made_by", "call_record__target")
            .prefetch_related(
                models.Prefetch("supports", queryset=BetLink.objects.select_related("ceo_bet")),
                models.Prefetch("supported_by", queryset=BetLink.objects.select_related("cto_bet")),
            )
            .order_by("side", "position", "pk"),
        )
    )
