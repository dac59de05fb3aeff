"""Who is asking, resolved once for every organization page.

Every URL under /o/<org>/ carries the organization's slug in the `org` keyword. The
middleware turns it into the Organization, or refuses: anonymous users go to login,
non-members get 404 (their organization's pages and objects do not exist for anyone
else), observers get 403 on anything but a read. Views receive the Organization object
in place of the slug and look objects up through `access.get_for_org`, so none can forget
the scope. What a member may do is decided in `access.py`.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import access

SESSION_KEY = "current_org"


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.org = None
        request.membership = None
        request.memberships = None
        try:
            return self.get_response(request)
        finally:
            # A thread serves the next request, perhaps another company's: its time zone
            # must not carry over.
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org")
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # All the user's memberships in one query: the header's company switcher lists them.
        request.memberships = request.user.memberships_list()
        membership = next((m for m in request.memberships if m.organization.slug == slug), None)
        if membership is None:
            raise Http404("No such organization")
        # Known before any refusal, so a refusal is shown inside the company's pages.
        request.org = membership.organization
        request.membership = membership
        # Every moment on the company's pages is written in its time zone.
        timezone.activate(membership.organization.tz)
        if not access.may_request(membership, request.method, view_func):
            raise PermissionDenied(access.READ_ONLY)
        view_kwargs["org"] = membership.organization
        if request.session.get(SESSION_KEY) != slug:  # a write (UPDATE) only when it changes
            request.session[SESSION_KEY] = slug
        return None


class PrivatePagesMiddleware:
    """A page made for a signed-in person is theirs alone: no shared cache or browser
    history keeps it (a board figure must not outlive the session on a shared computer).
    Responses that set their own policy (the calendar feed) keep it. Kept pages
    (pagecache.py) are a server-side cache keyed by reader and are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


def organization_context(request):
    membership = getattr(request, "membership", None)
    return {
        "org": getattr(request, "org", None),
        "membership": membership,
        "can_write": access.may_write(membership),
        # For the header's company switcher: already read on organization pages; elsewhere
        # read once if the template asks.
        "memberships": getattr(request, "memberships", None)
        or SimpleLazyObject(lambda: memberships_of(request.user)),
    }


def memberships_of(user):
    return user.memberships_list() if user.is_authenticated else []
