"""Forms of the integrations page. Secrets (a webhook's URL, a tracker token) are typed once
and never shown again: the forms that take them are plain forms whose fields the models
store encrypted, not model forms that would echo them back."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import single_line
from calibration.editing import SharedRecordForm
from calibration.timeline.models import Initiative, LeadingIndicator

from .checker import READERS
from .models import IndicatorSource, TrackerConnection, WebhookEndpoint

HTTPS_ONLY = "Use an https:// address: what is sent there is your company's."
SECRET_INPUT = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})


def require_https(url):
    if url and urlsplit(url).scheme != "https" and not settings.INTEGRATIONS_ALLOW_PLAIN_HTTP:
        raise ValidationError(HTTPS_ONLY)
    return url


def hint(url):
    """What is shown of a URL: its host and last four characters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…{url[-4:]}"[:120]


class EndpointForm(forms.Form):
    name = forms.CharField(max_length=100, validators=[single_line])
    kind = forms.ChoiceField(label="Kind", choices=WebhookEndpoint.KINDS)
    url = forms.URLField(
        label="URL",
        max_length=1000,
        assume_scheme="https",
        help_text="The incoming webhook's address. Stored encrypted; only its host and last "
        "characters are shown again.",
    )

    def clean_url(self):
        return require_https(self.cleaned_data["url"])


class EndpointStateForm(SharedRecordForm):
    class Meta:
        model = WebhookEndpoint
        fields = ["name", "active"]


class ConnectionForm(forms.Form):
    service = forms.ChoiceField(choices=TrackerConnection.SERVICES)
    api_url = forms.URLField(
        label="API address",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=TrackerConnection._meta.get_field("api_url").help_text,
    )
    account = forms.EmailField(
        label="Account email",
        required=False,
        max_length=200,
        help_text="Jira only: the Atlassian account the token belongs to.",
    )
    token = forms.CharField(
        max_length=500,
        widget=SECRET_INPUT,
        help_text="A read-only token is enough. Stored encrypted; never shown again.",
    )

    def clean_api_url(self):
        return require_https(self.cleaned_data["api_url"])

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if any(c.isspace() or not c.isprintable() for c in token):
            raise ValidationError("A token is one word, without spaces.")
        return token

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("service") == TrackerConnection.JIRA:
            if not cleaned.get("api_url"):
                self.add_error("api_url", "Give your Jira site, e.g. https://yours.atlassian.net.")
            if not cleaned.get("account"):
                self.add_error("account", "Jira tokens work with the account's email.")
        return cleaned


class SourceForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=LeadingIndicator.objects.none(), label="Leading indicator"
    )
    connection = forms.ModelChoiceField(
        queryset=TrackerConnection.objects.none(), label="Tracker", empty_label=None
    )
    reference = forms.CharField(
        label="Milestone, project or epic",
        max_length=200,
        help_text=IndicatorSource._meta.get_field("reference").help_text,
    )
    met_at_progress = forms.IntegerField(
        label="Met at progress (%)",
        required=False,
        min_value=1,
        max_value=100,
        help_text="Linear only: met when the project reaches this by the checkpoint (empty: "
        "when it is completed).",
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            LeadingIndicator.objects.for_org(org)
            .pending()
            .filter(initiative__status=Initiative.Status.ACTIVE, tracker_source__isnull=True)
            .select_related("initiative")
            .order_by("initiative__title", "pk")
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.initiative} — {i}"
        self.fields["connection"].queryset = TrackerConnection.objects.for_org(org)

    def clean(self):
        cleaned = super().clean()
        connection, reference = cleaned.get("connection"), cleaned.get("reference")
        if connection and reference:
            try:
                READERS[connection.service].parse_reference(reference)
            except ValidationError as error:
                self.add_error("reference", error)
        if cleaned.get("met_at_progress") and connection and connection.service != "linear":
            self.add_error("met_at_progress", "Only a Linear project has a progress to meet.")
        return cleaned
