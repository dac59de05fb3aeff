"""Demo discussion for Acme: the leaders talking on their records, with a mention."""

from django.contrib.contenttypes.models import ContentType

from accounts.models import Role
from calibration.comments.models import Comment
from calibration.constraints.models import Constraint
from calibration.timeline.models import Initiative

DISCUSSION = [
    (
        Initiative,
        Role.CEO,
        "The board will ask why the **worst case** moved. @Tom can you give me the one-line "
        "reason before Thursday?",
    ),
    (
        Initiative,
        Role.CTO,
        "The identity vendor's SDK slipped a release. I have asked them for a date in writing; "
        "until then the worst case stands.",
    ),
    (
        Constraint,
        Role.CTO,
        "If we take path B we keep the *same* on-call rotation; path A needs a second one.",
    ),
]


def populate(org):
    if Comment.objects.filter(organization=org).exists():
        return
    ceo, cto = org.member_with_role(Role.CEO), org.member_with_role(Role.CTO)
    people = {Role.CEO: ceo, Role.CTO: cto}
    for model, role, text in DISCUSSION:
        record = model.objects.for_org(org).order_by("pk").first()
        if record is None:
            continue
        author = people[role]
        mentions = [cto.pk] if "@Tom" in text and author != cto else []
        Comment.create_shared(
            by=author,
            organization=org,
            content_type=ContentType.objects.get_for_model(model),
            object_id=record.pk,
            author=author,
            text=text,
            mentions=mentions,
        )
