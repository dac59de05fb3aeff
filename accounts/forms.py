from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from . import throttle
from .models import LEADER_ROLES, Membership, Organization, Role, User

ACCOUNT_WINDOW = 15 * 60  # seconds: as long as django-axes locks an address


class SignupForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100)
    email = forms.EmailField(label="Email address", max_length=254)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only digits, not a common password.",
    )
    organization = forms.CharField(label="Company name", max_length=100)
    role = forms.ChoiceField(
        label="Your role",
        choices=[(r.value, r.label) for r in LEADER_ROLES],
        widget=forms.RadioSelect,
    )
    time_zone = forms.ChoiceField(
        label="Time zone", initial="UTC", choices=Organization._meta.get_field("time_zone").choices
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label="Fiscal year starts in",
        coerce=int,
        initial=1,
        choices=Organization._meta.get_field("fiscal_year_start_month").choices,
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in, then create the company from your home page."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "time_zone", "fiscal_year_start_month", "currency"]
        labels = {"name": "Company name"}


class NewOrganizationForm(OrganizationForm):
    role = forms.ChoiceField(
        label="Your role",
        choices=[(r.value, r.label) for r in LEADER_ROLES],
        widget=forms.RadioSelect,
    )

    class Meta(OrganizationForm.Meta):
        # A new company starts in US dollars; its leaders choose the currency in settings,
        # where they first price something.
        fields = ["name", "time_zone", "fiscal_year_start_month"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organization=self.organization, user__email=email).exists():
            raise forms.ValidationError("This person is already a member.")
        if self.organization.invitations.pending().filter(email=email).exists():
            raise forms.ValidationError(
                "This person already has a pending invitation: re-send it below."
            )
        return email

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role in LEADER_ROLES and self.organization.memberships.filter(role=role).exists():
            label = Role(role).label
            raise forms.ValidationError(
                f"The company already has a {label}. Invite this person as an observer."
            )
        return role


class AcceptInvitationForm(forms.Form):
    """For an invited person who has no account yet."""

    name = forms.CharField(label="Your name", max_length=100)
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            try:
                password_validation.validate_password(
                    cleaned["password"], User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_role(self):
        role = self.cleaned_data["role"]
        taken = (
            self.membership.organization.memberships.filter(role=role)
            .exclude(pk=self.membership.pk)
            .exists()
        )
        if role in LEADER_ROLES and taken:
            raise forms.ValidationError(f"The company already has a {Role(role).label}.")
        return role


class LoginForm(AuthenticationForm):
    """Django's log-in form with the email's length enforced before authenticating (Django
    only sets the widget's maxlength), so an absurd address never reaches the lockout log.

    django-axes locks an account from one address after a few failures; this form also
    limits failures per account from anywhere (ACCOUNT_FAILURE_LIMIT in a window), so guesses
    spread over many addresses stop too. It counts per address typed, whether or not such an
    account exists, and says the same either way."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "account_paused": (
            "Too many failed log-ins for this email address. Logging in to it is paused for "
            "15 minutes; if you forgot your password, reset it."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )

    def clean(self):
        email = self.cleaned_data.get("username")
        if email and throttle.attempts("login-account", email) >= settings.ACCOUNT_FAILURE_LIMIT:
            raise forms.ValidationError(
                self.error_messages["account_paused"], code="account_paused"
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if email:
                throttle.over_limit(
                    "login-account", email, settings.ACCOUNT_FAILURE_LIMIT, ACCOUNT_WINDOW
                )
            raise
