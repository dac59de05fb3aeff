"""What the discussion owes the members: a mail when a comment mentions them, owed the
moment it is saved (the reminders engine finds it here: exactly once per comment and
member, as each member's preferences allow)."""

from calibration.cadence import Due, Message, NoLongerDue

from .models import Comment


def mentions(window):
    """Comments saved in the window that mention someone; an edit that mentions someone new
    owes them one mail (the others already had theirs: the occurrence is the same)."""
    saved = Comment.objects.filter(updated_at__gt=window.since, updated_at__lte=window.now)
    for comment in saved.exclude(mentions=[]).select_related("organization"):
        yield Due(
            "mention",
            comment,
            "mention",
            comment.updated_at.date(),
            roles=(),
            users=tuple(comment.mentions),
            at=comment.updated_at,
        )


def describe_mention(reminder, comment):
    if reminder.recipient_id not in (comment.mentions or []):
        raise NoLongerDue("The comment no longer mentions them.")
    record = comment.record
    if record is None:
        raise NoLongerDue("What the comment was about was deleted.")
    author = comment.author or "A former member"
    text = " ".join(comment.text.split())
    return Message(
        subject=f"{author} mentioned you on “{record}”",
        intro=f"{author} mentioned you in a comment on “{record}”:",
        url=comment.get_absolute_url(),
        link_text="Open the discussion",
        items=[text[:600] + ("…" if len(text) > 600 else "")],
        items_title="",
    )


def sample_comment(org, user):
    """A comment that mentions `user` (a sample of someone else's words about them)."""
    recent = Comment.objects.filter(organization=org).exclude(mentions=[]).order_by("-pk")[:50]
    return next((c for c in recent if user.pk in c.mentions), None)
