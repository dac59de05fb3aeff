from django import forms

from calibration.editing import SharedRecordForm

from .kinds import KINDS
from .models import ReminderPreference, ReminderSettings


class ReminderSettingsForm(SharedRecordForm):
    class Meta:
        model = ReminderSettings
        fields = ["checkpoint_lead_days"]


class PreferenceForm(SharedRecordForm):
    """Which kinds this member gets: ticked = gets it. Stored as the kinds they muted."""

    wanted = forms.MultipleChoiceField(
        label="Send me",
        required=False,
        choices=[(k.slug, f"{k.label} — to {k.audience}") for k in KINDS.values()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReminderPreference
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            muted = set(self.instance.muted_kinds or [])
            self.initial["wanted"] = [k for k in KINDS if k not in muted]

    def save_shared(self, *, by, organization=None, note="", **extra):
        wanted = set(self.cleaned_data["wanted"])
        extra["muted_kinds"] = sorted(k for k in KINDS if k not in wanted)
        return super().save_shared(by=by, organization=organization, note=note, **extra)
