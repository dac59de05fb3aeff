from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .editing import SharedRecordForm
from .formats import MONEY_REFUSED, currency_symbol, parse_money
from .models import PlanningCycle

CENT = Decimal("0.01")


class MoneyField(forms.DecimalField):
    """An amount as a person types it — "$400k", "400k", "400,000", "1.2m", "€ 1,2m" — in
    the organization's currency; the stored value is the number. `in_currency` names the
    organization's currency beside the field."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.error_messages["invalid"] = MONEY_REFUSED

    def to_python(self, value):
        if value in self.empty_values or not isinstance(value, str):
            return super().to_python(value)
        amount = parse_money(value)
        if amount is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        # "1.2345k" is 1234.5000: the trailing zeros are not cents anyone typed.
        try:
            cents = amount.quantize(CENT)
        except InvalidOperation:  # more digits than cents can be counted in: the range refuses it
            return amount
        return cents if cents == amount else amount

    def prepare_value(self, value):
        """A stored amount back in the input as a person reads it: 400000.00 → "400,000"."""
        if isinstance(value, Decimal):
            whole = value == value.to_integral_value()
            return f"{value:,.0f}" if whole else f"{value:,.2f}"
        return value

    def in_currency(self, currency):
        self.label = f"{self.label} ({currency})"
        symbol = currency_symbol(currency)
        self.widget.attrs["placeholder"] = f"e.g. {symbol or currency + ' '}400k"


class PlanningCycleForm(SharedRecordForm):
    class Meta:
        model = PlanningCycle
        fields = ["name", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class HistoryFilterForm(forms.Form):
    """The history page's filters (a GET form: it works without JavaScript and its values
    ride along in every page link)."""

    kind = forms.TypedChoiceField(label="Record", required=False, coerce=int, empty_value=None)
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)
    # One record: "<content type>-<id>", from the record's name in any history list.
    record = forms.RegexField(
        regex=r"^\d{1,10}-\d{1,19}$", required=False, widget=forms.HiddenInput
    )

    def __init__(self, data, *, kinds, people):
        super().__init__(data)
        self.fields["kind"].choices = [("", "All records"), *kinds]
        self.fields["person"].choices = [("", "Everyone"), *people]

    def filter(self, changes):
        if not self.is_valid():
            return changes
        if self.cleaned_data["kind"] is not None:
            changes = changes.filter(content_type_id=self.cleaned_data["kind"])
        if self.cleaned_data["person"] is not None:
            changes = changes.filter(by_id=self.cleaned_data["person"])
        if self.cleaned_data["record"]:
            kind, pk = self.cleaned_data["record"].split("-")
            changes = changes.filter(content_type_id=int(kind), object_id=int(pk))
        return changes
