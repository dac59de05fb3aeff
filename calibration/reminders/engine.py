"""The reminder engine: find what is due, claim it, send it, exactly once.

All state lives in PostgreSQL (the Reminder table); Celery only carries "send row N with
claim T" messages, so a beat or worker restart loses nothing.

1. materialise(now): every source (the table in kinds.py) yields what is due since the last
   dispatch (a stored mark, minus an overlap; at most the grace period back, e.g. after an
   outage), asking the database only about the local days whose 09:00 fell in that
   interval — on most ticks none. Each due reminder becomes a Reminder row per recipient;
   keys already stored are skipped, and the rest inserted with
   bulk_create(ignore_conflicts=True) on the UNIQUE key (kind, object, occurrence,
   recipient) — running it twice, or from two dispatchers at once, creates each row once.
2. claim(now): a conditional UPDATE turns due rows that are pending (or whose claim's lease
   has expired) into `claimed` with a fresh token and a lease; only the rows whose token we
   wrote are ours. The send tasks are queued in transaction.on_commit, never before the
   claim is committed.
3. deliver(pk, token): the task swaps the dispatcher's token for its own (a second delivery
   of the same message finds the token gone and does nothing), re-checks the recipient
   still wants this kind, sends text+HTML mail, and marks the row sent only after the SMTP
   server accepted it. SMTP errors are retried with exponential backoff and jitter, capped
   (REMINDER_MAX_ATTEMPTS); then the row is `failed` and shows on the organization home.

A worker killed before the SMTP server accepted the mail loses nothing: the lease expires
and the next dispatch claims the row again. The one window where a mail can go twice is a
crash after the server accepted and before the row was marked sent (milliseconds); the
mail carries a stable Message-ID (reminder-<pk>@…) so mail systems can drop the copy.
"""

import logging
import random
import smtplib
import uuid
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Membership, Organization
from calibration.cadence import SEND_HOUR, NoLongerDue, Window, dispatch_soon
from calibration.pagecache import touch_organization

from .kinds import KINDS, SOURCES
from .mail import build_message, still_wanted, with_recipient_state
from .models import DispatchMark, Reminder, ReminderPreference, ReminderSettings

# The send task, queued by its registered name (tasks.py imports this module).
SEND_BATCH_TASK = "calibration.reminders.tasks.send_reminders"

log = logging.getLogger(__name__)

MARK = 1  # the one DispatchMark row


def conf(name, default):
    return getattr(settings, name, default)


def lease():
    return timedelta(seconds=conf("REMINDER_LEASE_SECONDS", 600))


def grace():
    """How late a reminder may still go out, e.g. after everything was down for a day."""
    return timedelta(days=conf("REMINDER_GRACE_DAYS", 3))


def max_attempts():
    return conf("REMINDER_MAX_ATTEMPTS", 5)


def backoff(attempts):
    """Seconds before attempt `attempts + 1`: exponential from REMINDER_RETRY_BASE_SECONDS,
    capped at REMINDER_RETRY_CAP_SECONDS, with full jitter on the upper half."""
    base = conf("REMINDER_RETRY_BASE_SECONDS", 30)
    cap = conf("REMINDER_RETRY_CAP_SECONDS", 1800)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def at_nine(day, tz):
    """09:00 on `day` where the organization is, as an aware datetime."""
    return datetime.combine(day, SEND_HOUR, tzinfo=tz)


# --- sources ------------------------------------------------------------------------------


def overlap():
    """How far back before the last dispatch's instant the next one looks again: a record
    written with an earlier timestamp but committed after that dispatch read (a long
    transaction, another server's clock) is still found. Keys already made are not made
    again, so the overlap costs a lookup of what fell due in it, never a second mail."""
    return timedelta(seconds=conf("REMINDER_DISPATCH_OVERLAP_SECONDS", 600))


def covered_since(now):
    """Where a dispatch at `now` starts: the last dispatch's instant minus the overlap, but
    never more than the grace period back (after a long outage, what is older than that is
    not sent). A mark later than `now` (a clock set back) is ignored: the whole grace
    period is covered again rather than anything skipped."""
    floor = now - grace()
    mark = DispatchMark.objects.filter(pk=MARK).values_list("until", flat=True).first()
    if mark is None or mark > now:
        return floor
    return max(floor, mark - overlap())


def advance_mark(now):
    """Record that everything due up to `now` is materialised. Only forward: of two racing
    dispatchers the later instant stays."""
    if not DispatchMark.objects.filter(pk=MARK, until__lt=now).update(until=now):
        DispatchMark.objects.bulk_create([DispatchMark(pk=MARK, until=now)], ignore_conflicts=True)


def window(now):
    """What a dispatch at `now` covers: from the last dispatch on, in every time zone the
    organizations are in; each organization's checkpoint lead days only when a day's 09:00
    falls in it somewhere."""
    zones = Organization.objects.order_by().values_list("time_zone", flat=True).distinct()
    covered = Window(now=now, since=covered_since(now), zones=tuple(zones))
    if covered.days_by_zone():
        covered.lead_days_by_org = {
            s.organization_id: s.lead_days for s in ReminderSettings.objects.all()
        }
    return covered


def collect(window):
    for source in SOURCES:
        yield from source(window)


# --- 1. materialise -----------------------------------------------------------------------


def organization_id(obj):
    """The organization a reminder's object belongs to (the object may be the organization,
    e.g. "no alignment session scheduled" concerns the company, not a record)."""
    if isinstance(obj, Organization):
        return obj.pk
    return obj.organization_id


def materialise(now=None, batch_size=1000):
    """Create the Reminder rows for everything due since the last dispatch (see
    covered_since), up to `now`. Idempotent. Returns the number of rows created."""
    now = now or timezone.now()
    covered = window(now)
    rows = reminders_due(covered)
    stored = existing_keys(rows) if rows else set()
    new = [row for row in rows if key(row) not in stored]
    # ignore_conflicts still: a racing dispatcher may insert the same key in between.
    Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=batch_size)
    advance_mark(now)
    return len(new)


def key(reminder):
    return (
        reminder.kind,
        reminder.content_type_id,
        reminder.object_id,
        reminder.occurrence,
        reminder.recipient_id,
    )


def existing_keys(rows):
    """The keys among `rows` that are already stored (one query on the unique key's index)."""
    found = Reminder.objects.filter(
        kind__in={r.kind for r in rows},
        object_id__in={r.object_id for r in rows},
        occurrence__in={r.occurrence for r in rows},
    ).values_list("kind", "content_type_id", "object_id", "occurrence", "recipient_id")
    return set(found)


def reminders_due(covered):
    """The Reminder rows (unsaved) for every due reminder of the window, per recipient."""
    now = covered.now
    dues = list(collect(covered))
    if not dues:
        return []
    org_ids = {organization_id(d.obj) for d in dues}
    orgs = Organization.objects.in_bulk(org_ids)
    members = {}
    for org_id, user_id, role in Membership.objects.filter(organization__in=org_ids).values_list(
        "organization_id", "user_id", "role"
    ):
        members.setdefault(org_id, []).append((user_id, role))
    muted = {
        (p.organization_id, p.user_id): set(p.muted_kinds)
        for p in ReminderPreference.objects.filter(organization__in=org_ids)
    }
    content_types = {}
    rows = []
    for due in dues:
        org = orgs[organization_id(due.obj)]
        due_at = due.at or at_nine(due.day, org.tz)
        if not (covered.since < due_at <= now):
            continue
        if due.last_day and now.astimezone(org.tz).date() > due.last_day:
            continue
        model = type(due.obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        recipients = {
            user_id
            for user_id, role in members.get(org.pk, [])
            if (role in due.roles or user_id in due.users) and user_id not in due.skip_users
        }
        for user_id in sorted(recipients):
            if due.kind in muted.get((org.pk, user_id), ()):
                continue
            rows.append(
                Reminder(
                    organization_id=org.pk,
                    kind=due.kind,
                    content_type=content_types[model],
                    object_id=due.obj.pk,
                    occurrence=due.occurrence,
                    recipient_id=user_id,
                    due_at=due_at,
                )
            )
    return rows


# --- samples -------------------------------------------------------------------------------

SAMPLE = "sample-"  # the occurrence of a sample: never the key of a real reminder


def send_samples(org, user, now=None):
    """One sample of each kind to `user`, now: real mail through the same claims and sends,
    marked as a sample in its subject and text; the real reminders still go when due. Returns
    the kinds sampled and the kinds with nothing to write about yet."""
    now = now or timezone.now()
    sampled, missing, rows = [], [], []
    for kind in KINDS.values():
        record = kind.sample(org, user)
        if record is None:
            missing.append(kind)
            continue
        sampled.append(kind)
        rows.append(
            Reminder(
                organization_id=org.pk,
                kind=kind.slug,
                content_type=ContentType.objects.get_for_model(type(record)),
                object_id=record.pk,
                occurrence=f"{SAMPLE}{now:%Y%m%d%H%M%S%f}",
                recipient_id=user.pk,
                due_at=now,
            )
        )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    touch_organization(org.pk)
    dispatch_soon()
    return sampled, missing


# --- 2. claim -----------------------------------------------------------------------------


def claimable(now):
    return Reminder.objects.filter(due_at__lte=now).filter(
        Q(state=Reminder.PENDING) | Q(state=Reminder.CLAIMED, claimed_until__lt=now)
    )


def claim(now=None, limit=500, queue=None):
    """Claim up to `limit` due rows; queue their sends after commit. Returns the claimed ids.

    The SELECT … FOR UPDATE SKIP LOCKED lets two dispatchers take different rows; the
    UPDATE repeats the condition, so even without row locks (SQLite) a row another
    dispatcher claimed first is not ours: we send only the rows holding our token.
    """
    now = now or timezone.now()
    token = uuid.uuid4().hex
    queue = queue or queue_sends
    with transaction.atomic():
        ids = list(
            claimable(now)
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        updated = (
            claimable(now)
            .filter(pk__in=ids)
            .update(state=Reminder.CLAIMED, claim_token=token, claimed_until=now + lease())
        )
        if updated != len(ids):
            ids = list(Reminder.objects.filter(claim_token=token).values_list("pk", flat=True))
        claimed = [(pk, token) for pk in ids]
        transaction.on_commit(lambda: queue(claimed))
    return ids


def queue_sends(claimed):
    """One send task per REMINDER_SEND_BATCH rows of a claim: each sends its rows through
    one SMTP connection (several workers can share a large claim)."""
    options = {"queue": conf("REMINDER_QUEUE", None)} if conf("REMINDER_QUEUE", None) else {}
    size = conf("REMINDER_SEND_BATCH", 100)
    by_token = {}
    for pk, token in claimed:
        by_token.setdefault(token, []).append(pk)
    for token, pks in by_token.items():
        for start in range(0, len(pks), size):
            current_app.send_task(SEND_BATCH_TASK, (token, pks[start : start + size]), **options)


def dispatch(now=None, batch=500, max_batches=100, queue=None):
    """What beat runs: materialise, then claim in batches. Returns (materialised, claimed)."""
    now = now or timezone.now()
    made = materialise(now)
    total = 0
    for _ in range(max_batches):
        ids = claim(now, limit=batch, queue=queue)
        total += len(ids)
        if len(ids) < batch:
            break
    return made, total


# --- 3. deliver ---------------------------------------------------------------------------


class RetryLater(Exception):
    """Some mails of a batch must wait for the SMTP server: retry rows `pks`, which claim
    `token` now holds, after `countdown` seconds."""

    def __init__(self, token, countdown, error, pks=()):
        super().__init__(str(error))
        self.token, self.countdown, self.error, self.pks = token, countdown, error, list(pks)


# Worth trying again later: the server or the network.
SMTP_ERRORS = (smtplib.SMTPException, OSError)
# The server refused this one message (its recipient, its data): the connection is still
# good, and the rest of the batch goes on it.
ONE_MESSAGE_SMTP_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)
# Never going to work for this message (a header Django refuses, text it cannot encode): it
# fails at once and shows, instead of being retried until the budget runs out.
MESSAGE_ERRORS = (ValueError, UnicodeError)


def take(pks, token, now):
    """Swap the claim's token for a fresh one on the rows `pks` (one pk or a list): of two
    deliveries of the same batch, one wins. Returns the new token, or None when none of
    these rows is claimed by `token` any more."""
    mine = uuid.uuid4().hex
    taken = Reminder.objects.filter(
        pk__in=pks if isinstance(pks, list | tuple) else [pks],
        state=Reminder.CLAIMED,
        claim_token=token,
        claimed_until__gte=now,
    ).update(claim_token=mine, claimed_until=now + lease())
    return mine if taken else None


def deliver(pk, token, now=None):
    """Send reminder `pk` if claim `token` is still ours. Returns "sent", "stale",
    "cancelled" or "failed"; raises RetryLater when the SMTP server should be tried again."""
    return deliver_batch([pk], token, now)[pk]


def deliver_batch(pks, token, now=None):
    """Send the reminders `pks` still claimed by `token` through one SMTP connection.
    Returns {pk: "sent" | "stale" | "cancelled" | "failed"}; raises RetryLater with the rows
    that must wait for the server (each row's attempts are its own cap).

    Each row is marked sent the moment the server accepted its mail, one UPDATE each: a
    worker killed in the middle of a batch leaves the mails already accepted marked, and
    the rest claimed until their lease expires (then the dispatcher claims them again).
    Queries per mail: that UPDATE, and what its describer reads; the rows, their records
    and the organizations' data versions are read and moved once per batch."""
    outcomes = dict.fromkeys(pks, "stale")
    mine = take(pks, token, now or timezone.now())
    if mine is None:
        return outcomes
    reminders = list(
        with_recipient_state(
            Reminder.objects.select_related("organization", "recipient", "content_type")
        )
        .filter(claim_token=mine)
        .order_by("pk")
    )
    records = subject_records(reminders)
    connection = get_connection()
    waiting, countdown, error = [], 0, None
    try:
        for n, reminder in enumerate(reminders):
            record = records.get((reminder.content_type_id, reminder.object_id))
            try:
                outcomes[reminder.pk] = send(reminder, mine, record, connection)
            except ONE_MESSAGE_SMTP_ERRORS as refused:
                error = refused
                waits, wait = attempt_failed([reminder], mine, refused, outcomes)
                waiting, countdown = waiting + waits, max(countdown, wait)
            except SMTP_ERRORS as down:  # the server or the network: the rest waits too
                error = down
                waits, wait = attempt_failed(reminders[n:], mine, down, outcomes)
                waiting, countdown = waiting + waits, max(countdown, wait)
                break
    finally:
        close_quietly(connection)
        # Sent, cancelled, failed or waiting: the pages show which. Once per batch.
        for organization_id in {r.organization_id for r in reminders}:
            touch_organization(organization_id)
    if waiting:
        raise RetryLater(mine, countdown, error, waiting)
    return outcomes


def subject_records(reminders):
    """{(content type id, object id): record} of a batch: one query per model, with what
    the kinds' describers read (Kind.related), instead of a generic lookup per mail. A
    deleted record is simply absent."""
    wanted = {}
    for reminder in reminders:
        ids, related = wanted.setdefault(reminder.content_type, (set(), set()))
        ids.add(reminder.object_id)
        kind = KINDS.get(reminder.kind)
        related.update(kind.related if kind else ())
    found = {}
    for content_type, (ids, related) in wanted.items():
        model = content_type.model_class()
        if model is None:
            continue
        rows = model._base_manager.select_related(*related).in_bulk(ids)
        found.update({(content_type.pk, pk): record for pk, record in rows.items()})
    return found


def close_quietly(connection):
    try:
        connection.close()
    except SMTP_ERRORS:  # the server already hung up; nothing is lost
        log.info("SMTP connection closed uncleanly")


def send(reminder, mine, obj, connection):
    """Build and send the claimed `reminder` (claim token `mine`) on `connection`, recording
    the outcome. SMTP errors propagate: deliver_batch decides what waits."""
    pk = reminder.pk
    mine_q = Reminder.objects.filter(pk=pk, claim_token=mine)
    reason = still_wanted(reminder, obj)
    if reason:
        mine_q.update(state=Reminder.CANCELLED, claim_token="", last_error=reason)
        return "cancelled"
    try:
        message = build_message(reminder, obj)
    except NoLongerDue as gone:
        mine_q.update(state=Reminder.CANCELLED, claim_token="", last_error=str(gone)[:500])
        return "cancelled"
    except Exception as error:  # a bug, not a passing outage: fail visibly, do not loop
        log.exception("reminder %s could not be built", pk)
        return give_up(mine_q, reminder.attempts + 1, error)
    # The batch's one connection, opened for its first mail. (Left closed, Django's backend
    # would open and close one per message.)
    connection.open()
    message.connection = connection
    try:
        message.send()
    except MESSAGE_ERRORS as error:
        log.warning("reminder %s cannot be sent: %s", pk, error_text(error))
        return give_up(mine_q, reminder.attempts + 1, error)
    mine_q.update(
        state=Reminder.SENT,
        sent_at=timezone.now(),
        attempts=reminder.attempts + 1,
        subject=message.subject[:200],
        claim_token="",
        claimed_until=None,
        last_error="",
    )
    return "sent"


def attempt_failed(reminders, mine, error, outcomes):
    """One more attempt for each of `reminders`: those out of attempts are failed (and show),
    the others keep their claim for the backoff plus a lease. Returns (the pks that wait,
    the seconds they wait)."""
    text = error_text(error)
    waiting = []
    for reminder in reminders:
        attempts = reminder.attempts + 1
        mine_q = Reminder.objects.filter(pk=reminder.pk, claim_token=mine)
        if attempts >= max_attempts():
            log.warning("reminder %s failed after %s attempts: %s", reminder.pk, attempts, text)
            outcomes[reminder.pk] = give_up(mine_q, attempts, error)
        else:
            waiting.append(reminder)
    if not waiting:
        return [], 0
    countdown = backoff(max(r.attempts for r in waiting) + 1)
    Reminder.objects.filter(pk__in=[r.pk for r in waiting], claim_token=mine).update(
        attempts=F("attempts") + 1,
        last_error=text,
        claimed_until=timezone.now() + timedelta(seconds=countdown) + lease(),
    )
    return [r.pk for r in waiting], countdown


def error_text(error):
    return f"{type(error).__name__}: {error}"[:500]


def give_up(mine_q, attempts, error):
    mine_q.update(
        state=Reminder.FAILED,
        attempts=attempts,
        last_error=error_text(error),
        claim_token="",
        failed_at=timezone.now(),
    )
    return "failed"


def retry_failed(reminder):
    """A leader asked to try a failed reminder again: back to pending, attempts reset."""
    retried = Reminder.objects.filter(pk=reminder.pk, state=Reminder.FAILED).update(
        state=Reminder.PENDING, attempts=0, claim_token="", claimed_until=None
    )
    touch_organization(reminder.organization_id)
    return retried
