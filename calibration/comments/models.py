"""A discussion on a record: comments, each a shared record of its own (its edits and its
deletion are in the history), attached to an initiative, a constraint, a path, a bet or a
call through a generic relation. A record can be discussed if its model declares
`comments = GenericRelation(Comment)` and a `get_absolute_url()`."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models

from calibration.models import SharedRecord

MAX_LENGTH = 5000


class Comment(SharedRecord):
    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    text = models.TextField(
        "comment",
        validators=[MaxLengthValidator(MAX_LENGTH)],
        help_text="**bold**, *italic*, `code`, - lists and links; @name tells a member.",
    )
    # Who the text mentions (user ids), worked out when it is saved.
    mentions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"]),
            # The mention reminders find the comments just saved.
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self):
        first = " ".join(self.text.split())
        return f"Comment by {self.author or 'a former member'}: {first[:60]}"

    @property
    def dom_id(self):
        return f"comment-{self.pk}"

    def get_absolute_url(self):
        return f"{self.record.get_absolute_url()}#{self.dom_id}"
