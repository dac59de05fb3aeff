"""Who may do what in an organization: every permission decision is made here.

Members of a company are its CEO and CTO (the leaders, who write) and observers (who read).
A few records also speak in one person's voice or belong to one person: the CTO's
recommendation, a leader's own column of bets, the slip-plan action someone owns. Views and
the tenancy middleware ask these functions; nothing else decides.

The pair of helpers views fetch records with, as in Healthchecks: `get_for_org` (read: 404
for anything outside the organization) and `get_to_write` (the same, and 403 unless the
member may write).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import LEADER_ROLES

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
READ_ONLY = "Observers can read but not change anything."
LEADERS_ONLY = "Only the CEO and the CTO can do this."


def may_write(membership):
    """The CEO and the CTO change shared records; observers read."""
    return bool(membership and membership.role in LEADER_ROLES)


def may_request(membership, method, view):
    """Whether the middleware lets this request reach `view`: reads for every member,
    writes for the leaders — and, on views marked `members_may_post`, for every member
    (such a view changes only the member's own things, or checks ownership itself)."""
    if method in SAFE_METHODS or may_write(membership):
        return True
    return getattr(view, "members_may_post", False)


def require_write(membership):
    if not may_write(membership):
        raise PermissionDenied(READ_ONLY)


def may_write_voice(membership, voice, roles_held):
    """A section in one leader's voice (`voice`: a role, or None for a shared section) is
    written by that leader — or by the other one while nobody holds that role."""
    if not may_write(membership):
        return False
    return voice is None or membership.role == voice or voice not in roles_held


def owns_side(membership, side):
    """Each leader keeps or drops the bets of their own column ("ceo" or "cto")."""
    return bool(membership and membership.role == side)


def may_acknowledge(membership):
    """The CEO and the CTO each acknowledge the gap to the external commitment."""
    return may_write(membership)


def may_agree(membership, constraint):
    """The leader who did not make a constraint's decision agrees to it."""
    return may_write(membership) and constraint.awaits_agreement_from_other_than(membership.user_id)


def may_mark_done(user, action):
    """A slip-plan action is marked done by the person who owns it (an observer too)."""
    return action.owner_id is not None and action.owner_id == user.pk


def may_change_comment(user, comment):
    """A comment is edited or deleted by its author alone."""
    return comment.author_id is not None and comment.author_id == user.pk


def may_revoke_token(user, token):
    """A personal API token is revoked by the member it belongs to alone."""
    return token.user_id is not None and token.user_id == user.pk


def may_use_token(membership, token):
    """A token works while its member still belongs to its company (with their role now)."""
    return bool(
        membership
        and token.organization_id == membership.organization_id
        and token.user_id == membership.user_id
        and membership.user.is_active
    )


def leaders_only(view):
    """For pages only the CEO and the CTO may even see, such as organization settings."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_write(request.membership):
            raise PermissionDenied(LEADERS_ONLY)
        return view(request, *args, **kwargs)

    wrapper.leaders_only = True
    return wrapper


def members_may_post(view):
    """Marks a view whose POST changes only the member's own things (their preferences, an
    action they own); it decides ownership itself, through this module."""
    view.members_may_post = True
    return view


def get_for_org(org, model_or_queryset, **lookup):
    """The object of this organization matching `lookup`, or 404 — never another company's."""
    queryset = getattr(model_or_queryset, "objects", model_or_queryset)
    return get_object_or_404(queryset.filter(organization=org), **lookup)


def get_to_write(request, model_or_queryset, **lookup):
    """As get_for_org for the request's organization, for a member who may write it (403
    for an observer, even on a GET of an edit form)."""
    require_write(request.membership)
    return get_for_org(request.org, model_or_queryset, **lookup)
