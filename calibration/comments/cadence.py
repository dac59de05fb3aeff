"""What the discussion owes the members: a mail when a comment mentions them (owed at once,
through the reminders engine: exactly once, as each member's preferences allow)."""

from calibration.cadence import Message, NoLongerDue


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
