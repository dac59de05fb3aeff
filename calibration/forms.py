from django import forms

from .editing import SharedRecordForm
from .models import PlanningCycle


class PlanningCycleForm(SharedRecordForm):
    class Meta:
        model = PlanningCycle
        fields = ["name", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
