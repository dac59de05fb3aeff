from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from calibration.access import leaders_only
from calibration.tenancy import SESSION_KEY

from . import emails, throttle
from .forms import (
    AcceptInvitationForm,
    InvitationForm,
    MemberRoleForm,
    NewOrganizationForm,
    OrganizationForm,
    SignupForm,
)
from .models import Invitation, Membership, Organization, Role, User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signup(request):
    if request.user.is_authenticated:
        return redirect("new_organization")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = User.objects.create_user(data["email"], data["password"], name=data["name"])
            org = Organization.objects.create(
                name=data["organization"],
                slug=Organization.unique_slug_for(data["organization"]),
                time_zone=data["time_zone"],
                fiscal_year_start_month=data["fiscal_year_start_month"],
            )
            Membership.objects.create(user=user, organization=org, role=data["role"])
        login(request, user, backend=MODEL_BACKEND)
        messages.success(
            request, f"Welcome to Calibrate. {org} is ready: invite your counterpart below."
        )
        return redirect("org_settings", org.slug)
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def new_organization(request):
    form = NewOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            org = form.save(commit=False)
            org.slug = Organization.unique_slug_for(org.name)
            org.save()
            Membership.objects.create(
                user=request.user, organization=org, role=form.cleaned_data["role"]
            )
        messages.success(request, f"{org} is ready: invite your counterpart below.")
        return redirect("org_settings", org.slug)
    return render(request, "accounts/new_organization.html", {"form": form})


@login_required
def start(request):
    """Where "home" leads: the organization used last, or the choice of organizations."""
    memberships = request.user.memberships_list()
    last = request.session.get(SESSION_KEY)
    for m in memberships:
        if m.organization.slug == last:
            return redirect("home", m.organization.slug)
    if len(memberships) == 1:
        return redirect("home", memberships[0].organization.slug)
    return render(request, "accounts/organizations.html", {"memberships": memberships})


@leaders_only
def org_settings(request, org):
    form = OrganizationForm(request.POST or None, instance=org, prefix="org")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("org_settings", org.slug)
    return render(request, "accounts/settings.html", settings_context(org, form=form))


def settings_context(org, **overrides):
    context = {
        "form": OrganizationForm(instance=org, prefix="org"),
        "invite_form": InvitationForm(
            organization=org,
            prefix="invite",
            initial={"role": org.missing_leader_role() or "observer"},
        ),
        "members": org.memberships.select_related("user").order_by("role", "user__name"),
        "roles": Role.choices,
        "invitations": org.invitations.filter(accepted_at=None).select_related("invited_by")[:50],
    }
    context.update(overrides)
    return context


@leaders_only
@require_POST
def invite(request, org):
    form = InvitationForm(request.POST, organization=org, prefix="invite")
    if not form.is_valid():
        return render(
            request, "accounts/settings.html", settings_context(org, invite_form=form), status=400
        )
    invitation = Invitation.objects.create(
        organization=org, invited_by=request.user, **form.cleaned_data
    )
    transaction.on_commit(lambda: emails.send_invitation(invitation))
    messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("org_settings", org.slug)


@leaders_only
@require_POST
def resend_invitation(request, org, pk):
    invitation = get_object_or_404(org.invitations.filter(accepted_at=None), pk=pk)
    invitation.resend()
    transaction.on_commit(lambda: emails.send_invitation(invitation))
    messages.success(
        request, f"Invitation re-sent to {invitation.email}; the earlier link no longer works."
    )
    return redirect("org_settings", org.slug)


@leaders_only
@require_POST
def revoke_invitation(request, org, pk):
    invitation = get_object_or_404(org.invitations.filter(accepted_at=None), pk=pk)
    invitation.revoke()
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("org_settings", org.slug)


@leaders_only
@require_POST
def change_member(request, org, pk):
    member = get_object_or_404(org.memberships.select_related("user"), pk=pk)
    if "remove" in request.POST:
        if member.user_id == request.user.id:
            messages.error(request, "You cannot remove yourself.")
        else:
            member.delete()
            messages.success(request, f"{member.user} no longer has access to {org}.")
        return redirect("org_settings", org.slug)
    form = MemberRoleForm(request.POST, membership=member)
    if form.is_valid():
        member.role = form.cleaned_data["role"]
        member.save(update_fields=["role"])
        messages.success(request, f"{member.user} is now {member.get_role_display()}.")
    else:
        messages.error(request, f"{member.user}: {form.errors['role'][0]}")
    return redirect("org_settings", org.slug)


def accept_invitation(request, token):
    invitation = Invitation.from_token(token)
    if invitation is None or invitation.status != "pending":
        status = invitation.status if invitation else "invalid"
        return render(request, "accounts/invitation_unusable.html", {"status": status}, status=410)

    existing = User.objects.filter(email=invitation.email).first()
    user = request.user if request.user.is_authenticated else None
    if user and user.email != invitation.email:
        return render(
            request, "accounts/invitation_wrong_user.html", {"invitation": invitation}, status=403
        )
    if user is None and existing is not None:
        messages.info(
            request,
            f"Log in as {invitation.email} to accept the invitation to {invitation.organization}.",
        )
        return redirect(f"{reverse('login')}?next={request.path}")

    form = (
        AcceptInvitationForm(request.POST or None, email=invitation.email) if user is None else None
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():
                if user is None:
                    user = User.objects.create_user(
                        invitation.email,
                        form.cleaned_data["password"],
                        name=form.cleaned_data["name"],
                    )
                membership = invitation.accept(user)
        except IntegrityError:
            membership = None
        if membership is None:
            return render(
                request, "accounts/invitation_unusable.html", {"status": "taken"}, status=410
            )
        if not request.user.is_authenticated:
            login(request, user, backend=MODEL_BACKEND)
        messages.success(
            request, f"You joined {invitation.organization} as {membership.get_role_display()}."
        )
        return redirect("home", invitation.organization.slug)
    return render(
        request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form}
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited per address and per account. Past the per-address limit the
    form says so; past the per-account limit no more mail is sent, but the page reads the
    same as always, so it never reveals whether an account exists."""

    PER_IP, PER_ACCOUNT, WINDOW = 5, 3, 60 * 60

    def form_valid(self, form):
        address = throttle.client_ip(self.request)
        if throttle.over_limit("reset-ip", address, self.PER_IP, self.WINDOW):
            form.add_error(
                "email", "Too many reset requests from your network. Try again in an hour."
            )
            return self.form_invalid(form)
        if throttle.over_limit(
            "reset-account", form.cleaned_data["email"], self.PER_ACCOUNT, self.WINDOW
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)
