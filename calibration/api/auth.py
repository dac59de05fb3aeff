"""Who is calling the API: a personal token in `Authorization: Bearer <token>`.

The token names one organization and one member; the request acts as that member with the
role they hold now (calibration.access decides what that role may do). A missing, unknown
or revoked token, or one whose member left the company, is a 401.
"""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from accounts.models import Membership
from calibration import access

from . import ratelimit
from .models import ApiToken

# "Last used" is shown to the minute; writing it on every request would cost a write each.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token) if token else None
        if found is None:
            return None
        membership = (
            Membership.objects.select_related("organization", "user")
            .filter(organization=found.organization_id, user=found.user_id)
            .first()
        )
        if not access.may_use_token(membership, found):
            return None
        ratelimit.check(found)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            # A queryset update: the tokens page is never kept (pagecache), so nothing to move.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.org, request.membership, request.api_token = (
            membership.organization,
            membership,
            found,
        )
        return membership
