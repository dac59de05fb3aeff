"""The few queries the constraint pages run: each a fixed number of SQL statements,
however many constraints, paths and changes there are."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from calibration.models import Change

from .models import Constraint, Decision, Path

FILTERS = {
    "all": "All",
    "open": "Open",
    "decided": "Decided",
    "declined": "Declined",
    "revisit-due": "Revisit due",
}


def filter_q(show, today):
    return {
        "all": Q(),
        "open": Q(decision=Decision.UNDECIDED),
        "decided": Q(decision=Decision.CHOSEN),
        "declined": Q(decision=Decision.DECLINED),
        "revisit-due": Q(decision=Decision.REVISIT, revisit_on__lte=today),
    }[show]


def filtered_constraints(org, show, today):
    return list(
        Constraint.objects.for_org(org)
        .filter(filter_q(show, today))
        .select_related("recommended_path", "chosen_path", "decided_by", "agreed_by")
        .annotate(path_count=Count("paths"))
    )


def filter_counts(org, today):
    """[(key, label, count)] for the filter bar, in one query."""
    counts = Constraint.objects.for_org(org).aggregate(
        **{key.replace("-", "_"): Count("pk", filter=filter_q(key, today)) for key in FILTERS}
    )
    return [(key, label, counts[key.replace("-", "_")]) for key, label in FILTERS.items()]


def constraint_history(constraint, paths):
    """The constraint's changes and its paths' (removed paths included), newest first."""
    constraint_type = ContentType.objects.get_for_model(Constraint)
    path_type = ContentType.objects.get_for_model(Path)
    removed_paths = Change.objects.filter(
        organization_id=constraint.organization_id,
        content_type=path_type,
        action=Change.DELETED,
        old__constraint_id=constraint.pk,
    ).values("object_id")
    return (
        Change.objects.filter(organization_id=constraint.organization_id)
        .filter(
            Q(content_type=constraint_type, object_id=constraint.pk)
            | Q(content_type=path_type, object_id__in=[p.pk for p in paths])
            | Q(content_type=path_type, object_id__in=removed_paths)
        )
        .select_related("by", "content_type", "organization")
    )
