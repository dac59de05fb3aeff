from django import forms

from calibration.editing import SharedRecordForm

from .models import Bet, BetSheet, Call, Side


class BetForm(SharedRecordForm):
    class Meta:
        model = Bet
        fields = ["title", "expected_outcome", "confidence", "notes"]
        widgets = {
            "expected_outcome": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two forms of each kind can be on the page at once: keep their ids apart.
        key = self.instance.pk or f"new-{self.instance.side}"
        self.auto_id = f"id_bet{key}_%s"


class SessionForm(SharedRecordForm):
    class Meta:
        model = BetSheet
        fields = ["session_at", "session_minutes", "held_on", "attendees", "session_notes"]
        widgets = {
            "session_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "session_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "session_at": "In the company's time zone.",
            "attendees": "Once held: who was there.",
        }

    def clean_session_minutes(self):
        minutes = self.cleaned_data["session_minutes"]
        if minutes is not None and not 10 <= minutes <= 240:
            raise forms.ValidationError("A session lasts between 10 and 240 minutes.")
        return minutes


class CallForm(SharedRecordForm):
    class Meta:
        model = Call
        fields = ["kind", "target", "rewrite", "reason"]
        widgets = {
            "kind": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 2}),
            "rewrite": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, bet, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"id_call{bet.pk}_%s"
        tech = bet.side == Side.CTO
        allowed = Call.TECH_KINDS if tech else Call.CEO_KINDS
        self.fields["kind"].choices = [(k, v) for k, v in Call.KINDS if k in allowed]
        self.fields["kind"].error_messages["required"] = "Choose the call."
        self.fields["reason"].error_messages["required"] = "Give the reason for the call."
        others = Side.CEO if tech else Side.CTO
        self.fields["target"].queryset = Bet.objects.filter(sheet_id=bet.sheet_id, side=others)
        self.fields["target"].label = (
            "Redirect to which CEO bet" if tech else "Which tech bet it needs"
        )
        self.fields["target"].help_text = (
            "Only for a redirect." if tech else "Only if that tech bet is on the sheet."
        )
        self.fields["target"].empty_label = "—"
        self.fields["rewrite"].label = (
            "Or: the bet rewritten" if tech else "Or: describe the tech bet it needs"
        )
        self.fields["rewrite"].help_text = ""


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen this quarter",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the quarter is reopened: it is kept in its history."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
