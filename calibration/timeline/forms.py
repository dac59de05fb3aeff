"""Forms of the timeline conversation. Every one is a SharedRecordForm (conflict-checked)."""

from django import forms
from django.db.models import Q

from accounts.models import ESTIMATOR_ROLES, User
from calibration.editing import SharedRecordForm

from .models import ESTIMATE_FIELDS, Initiative, LeadingIndicator, SlipPlanStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})
REASON_REQUIRED = "Say why: the initiative is active, so no estimate moves without a reason."


class TimelineForm(SharedRecordForm):
    """A timeline form. An initiative's owner owns its estimates, so it is the CTO or an
    engineering lead (the owner it already has stays a choice, whatever their role now); a
    slip plan step's owner is whoever tells, the CEO included."""

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        if "owner" in self.fields and org is not None:
            if self._meta.model is Initiative:
                may_own = Q(memberships__organization=org, memberships__role__in=ESTIMATOR_ROLES)
            else:
                may_own = Q(memberships__organization=org)
            self.fields["owner"].queryset = (
                User.objects.filter(may_own | Q(pk=self.instance.owner_id))
                .distinct()
                .order_by("name")
            )


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label="Why the change",
        required=False,
        widget=forms.TextInput,
        help_text="Kept with the revision. Required once the initiative is active.",
    )

    def clean(self):
        cleaned = super().clean()
        moved = [n for n in self.changed_by_you() if n in ESTIMATE_FIELDS.values()]
        if (
            moved
            and self.instance.pk
            and self.instance.reason_required()
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", REASON_REQUIRED)
        return cleaned


TIMELINE_FIELDS = [
    "best_date",
    "best_assumptions",
    "best_risks",
    "expected_date",
    "expected_assumptions",
    "expected_risks",
    "worst_date",
    "worst_assumptions",
    "worst_risks",
    "contingency_plan",
]
TIMELINE_HELP = {
    "best_date": "Everything goes right.",
    "expected_date": "Normal friction: the plan the organization works to.",
    "worst_date": "The named risks materialize: the contingency.",
    "contingency_plan": "What we do if the worst case happens.",
}
TIMELINE_WIDGETS = {
    "start_date": DATE,
    "best_date": DATE,
    "expected_date": DATE,
    "worst_date": DATE,
    "delivered_on": DATE,
    "summary": forms.Textarea(attrs={"rows": 3}),
    **{n: TEXT for n in TIMELINE_FIELDS if not n.endswith("_date")},
}


class InitiativeCreateForm(TimelineForm):
    class Meta:
        model = Initiative
        fields = ["title", "summary", "owner", "status", "start_date", *TIMELINE_FIELDS]
        widgets = TIMELINE_WIDGETS
        help_texts = TIMELINE_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c for c in Initiative.Status.choices if c[0] in ("proposed", "active")
        ]


class OverviewForm(TimelineForm):
    class Meta:
        model = Initiative
        fields = ["title", "summary", "owner", "status", "start_date", "delivered_on"]
        widgets = TIMELINE_WIDGETS
        help_texts = {"delivered_on": "When it is delivered: the actual date."}


class TimelinesForm(ReasonMixin, TimelineForm):
    class Meta:
        model = Initiative
        fields = TIMELINE_FIELDS
        widgets = TIMELINE_WIDGETS
        help_texts = TIMELINE_HELP


class CommitmentForm(ReasonMixin, TimelineForm):
    class Meta:
        model = Initiative
        fields = ["commitment_date", "commitment_audience"]
        widgets = {"commitment_date": DATE}
        help_texts = {"commitment_date": "The date communicated outside. Leave empty if none."}


class IndicatorForm(TimelineForm):
    class Meta:
        model = LeadingIndicator
        fields = [
            "description",
            "due_on",
            "due_week",
            "if_missed",
            "status",
            "resolved_on",
            "evidence",
        ]
        widgets = {"due_on": DATE, "resolved_on": DATE, "evidence": TEXT}


class SlipStepForm(TimelineForm):
    class Meta:
        model = SlipPlanStep
        fields = ["owner", "audience", "audience_name", "message", "days_after"]
        widgets = {"message": TEXT}
