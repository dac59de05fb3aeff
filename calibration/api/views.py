"""API tokens on a settings page: each member creates and revokes their own. A new token is
shown once, in the response to its creation (never in a redirect, a message or a kept page),
and only its digest is stored."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from calibration import access
from calibration.access import get_for_org, members_may_post

from .forms import TokenForm
from .models import ApiToken


def tokens(request, org, form=None, issued=None, status=200):
    """Your tokens for this company, and the form for a new one."""
    context = {
        "form": form or TokenForm(prefix="token"),
        "tokens": ApiToken.objects.filter(organization=org, user=request.user),
        "issued": issued,
        "read_only": not access.may_write(request.membership),
    }
    return render(request, "api/tokens.html", context, status=status)


@members_may_post  # a member's own token; an observer's token reads only
@require_POST
def create(request, org):
    form = TokenForm(request.POST, prefix="token")
    if not form.is_valid():
        return tokens(request, org, form=form, status=400)
    token, raw = ApiToken.issue(
        organization=org,
        user=request.user,
        name=form.cleaned_data["name"],
        per_minute=form.cleaned_data["per_minute"],
    )
    response = tokens(request, org, issued={"token": token, "raw": raw})
    response["Cache-Control"] = "no-store"
    return response


@members_may_post
@require_POST
def revoke(request, org, pk):
    token = get_for_org(org, ApiToken, pk=pk)
    if not access.may_revoke_token(request.user, token):
        raise PermissionDenied("Only its member revokes a token.")
    if token.revoked_at is None:
        token.revoke()
    messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens:index", org.slug)
