import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from calibration.alignment.models import Bet
from calibration.editing import SharedRecordForm
from calibration.forms import MoneyField
from calibration.timeline.models import Initiative

from .models import Constraint, Decision, Direction, Path

NOT_ITS_PATH = (
    "Select a valid choice: that is not one of this constraint's paths (it may have just been "
    "deleted by someone else)."
)

AMOUNT = re.compile(
    r"^\s*(?P<number>[+-]?[\d.,_\s\u00a0\u202f]*\d[\d.,_\s\u00a0\u202f]*)(?P<unit>.*)$"
)
THOUSANDS = re.compile(r"[,_\s\u00a0\u202f]")


def split_amount(raw):
    """ "50,000 events/s" → ("50000", "events/s"); "abc" → ("abc", "")."""
    match = AMOUNT.match(raw or "")
    if not match:
        return (raw or "").strip(), ""
    return THOUSANDS.sub("", match["number"]), match["unit"].strip()


class AmountField(forms.DecimalField):
    """A number as people type it: thousands separators (50,000) and a trailing unit are
    accepted; the form checks the unit is the constraint's own."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.error_messages["invalid"] = "Enter a number, e.g. 50000 or 50,000."

    def to_python(self, value):
        if isinstance(value, str):
            value = split_amount(value)[0]
        return super().to_python(value)


def focus_first_field(form):
    """An edit form swapped into the page takes the keyboard focus on its first field."""
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("autofocus", True)
            return


class ConstraintSectionForm(SharedRecordForm):
    """Base of the forms that edit one section of a constraint; knows the company's
    "today"."""

    def __init__(self, *args, today=None, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.org = org or getattr(self.instance, "organization", None)
        focus_first_field(self)


def amount_unit(form, name):
    return split_amount(form.data.get(form.add_prefix(name), ""))[1]


class FactsForm(ConstraintSectionForm):
    """The capability in numbers, and what demands it."""

    current_value = AmountField(
        label="Today's measured value", max_digits=20, decimal_places=4, min_value=None
    )
    required_value = AmountField(label="Value required", max_digits=20, decimal_places=4)

    class Meta:
        model = Constraint
        fields = [
            "capability",
            "metric",
            "unit",
            "direction",
            "current_value",
            "required_value",
            "needed_by",
            "demand_kind",
            "demand",
            "initiative",
            "bet",
            "demand_links",
        ]
        widgets = {
            "direction": forms.RadioSelect,
            "needed_by": forms.DateInput(attrs={"type": "date"}),
            "demand": forms.Textarea(attrs={"rows": 2}),
            "demand_links": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = Direction.choices
        # Only this company's initiatives and bets can be linked.
        initiative, bet = self.fields["initiative"], self.fields["bet"]
        initiative.queryset = Initiative.objects.for_org(self.org).order_by("title")
        initiative.empty_label = "— none —"
        bet.queryset = Bet.objects.for_org(self.org).select_related("sheet")
        bet.queryset = bet.queryset.order_by("-sheet__starts_on", "side", "position")
        bet.label_from_instance = lambda b: f"{b.title} ({b.side_label}, {b.sheet.label})"
        bet.empty_label = "— none —"

    def clean_unit(self):
        return self.cleaned_data["unit"].strip()

    def clean_demand_links(self):
        links = [line.strip() for line in self.cleaned_data["demand_links"].splitlines()]
        links = [link for link in links if link]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    f"“{link}” is not a web address: give full links starting with "
                    "https://, one per line."
                ) from None
        return "\n".join(links)

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        for name in ("current_value", "required_value"):
            typed = amount_unit(self, name)
            if unit and typed and typed.casefold() != unit.casefold():
                self.add_error(
                    name,
                    f"Both values are in the same unit: give this one in {unit}, not {typed} "
                    "(or change the unit).",
                )
        if self.instance.pk is None:
            self._check_new(cleaned)
        return cleaned

    def _check_new(self, cleaned):
        """A new constraint is about a need not met yet, by a date still ahead."""
        needed_by = cleaned.get("needed_by")
        if needed_by and self.today and needed_by < self.today:
            self.add_error("needed_by", "That date has passed: when is it needed from now on?")
        current, required = cleaned.get("current_value"), cleaned.get("required_value")
        direction = cleaned.get("direction")
        if current and required and current > 0 and required > 0 and direction:
            higher = direction == Direction.HIGHER
            met = required <= current if higher else required >= current
            if met:
                which = "higher" if higher else "lower"
                self.add_error(
                    "required_value",
                    f"Today's value already meets this ({which} is better). Check the values, "
                    "or whether higher or lower is better.",
                )


class TradeoffForm(ConstraintSectionForm):
    class Meta:
        model = Constraint
        fields = ["tradeoff_people", "tradeoff_initiatives", "tradeoff_debt", "tradeoff_pace"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}


class NewConstraintForm(FactsForm):
    GROUPS = [
        (
            "The capability, in numbers",
            "",
            ["capability", "metric", "unit", "direction", "current_value", "required_value"],
        ),
        (
            "What demands it, and by when",
            "",
            ["needed_by", "demand_kind", "demand", "initiative", "bet", "demand_links"],
        ),
        (
            "What we give up to make it possible",
            "The trade-off, stated plainly. A path cannot be chosen until at least one of "
            "these is written.",
            TradeoffForm.Meta.fields,
        ),
    ]

    class Meta(FactsForm.Meta):
        fields = FactsForm.Meta.fields + TradeoffForm.Meta.fields
        widgets = {**FactsForm.Meta.widgets, **TradeoffForm.Meta.widgets}

    def groups(self):
        """(legend, help, bound fields) for each fieldset of the page."""
        return [(legend, help, [self[n] for n in names]) for legend, help, names in self.GROUPS]


class PathChoiceMixin:
    def limit_paths(self, *names):
        for name in names:
            field = self.fields[name]
            field.queryset = self.instance.paths.all()
            field.label_from_instance = str
            field.error_messages["invalid_choice"] = NOT_ITS_PATH


class RecommendationForm(PathChoiceMixin, ConstraintSectionForm):
    class Meta:
        model = Constraint
        fields = ["recommended_path", "recommendation_reason"]
        labels = {"recommended_path": "The path the CTO would bet on"}
        widgets = {
            "recommended_path": forms.RadioSelect,
            "recommendation_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_paths("recommended_path")
        self.fields["recommended_path"].empty_label = None
        self.fields["recommended_path"].required = True
        self.fields["recommended_path"].error_messages["required"] = "Choose a path."


class MarketContextForm(ConstraintSectionForm):
    class Meta:
        model = Constraint
        fields = ["market_context"]
        widgets = {"market_context": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market_context"].required = True
        self.fields["market_context"].error_messages["required"] = (
            "Write the market context, or cancel."
        )


class DecisionForm(PathChoiceMixin, ConstraintSectionForm):
    class Meta:
        model = Constraint
        fields = ["decision", "chosen_path", "decision_reason", "revisit_on"]
        labels = {"decision": "Our decision", "chosen_path": "The path we take"}
        widgets = {
            "decision": forms.RadioSelect,
            "chosen_path": forms.RadioSelect,
            "decision_reason": forms.Textarea(attrs={"rows": 3}),
            "revisit_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "decision_reason": "Required when we won't do it; useful in every case.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_paths("chosen_path")
        self.fields["chosen_path"].empty_label = None
        decision = self.fields["decision"]
        decision.choices = [c for c in Decision.choices if c[0]]
        decision.required = True
        decision.error_messages["required"] = (
            "Choose: a path, “we won't do it”, or a date to revisit."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.CHOSEN and not self.instance.tradeoff_stated():
            self.add_error(
                "decision",
                "State the trade-off (what we give up) before choosing a path: "
                "edit “What we give up” first.",
            )
        return cleaned

    def clean_revisit_on(self):
        revisit_on = self.cleaned_data.get("revisit_on")
        if (
            revisit_on
            and self.today
            and revisit_on <= self.today
            and self.data.get(self.add_prefix("decision")) == Decision.REVISIT
        ):
            raise ValidationError("Pick a date after today.")
        return revisit_on


class AgreementForm(ConstraintSectionForm):
    class Meta:
        model = Constraint
        fields = []


class PathForm(SharedRecordForm):
    cost_money = MoneyField(label="Cost in money", max_digits=14, decimal_places=2, required=False)

    class Meta:
        model = Path
        fields = [
            "title",
            "description",
            "cost_money",
            "cost_people_months",
            "weeks_expected",
            "weeks_best",
            "weeks_worst",
            "risks",
            "gives_up",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "gives_up": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "cost_money": "Money, people-months, or both.",
            "weeks_best": "Optional, with the worst case: a range instead of one number.",
        }

    def __init__(self, *args, constraint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if constraint is not None and self.instance.pk is None:
            self.instance.constraint = constraint
            self.instance.organization = constraint.organization
        currency = self.instance.organization.currency if self.instance.organization_id else None
        if currency:
            self.fields["cost_money"].in_currency(currency)
        self.fields[
            "cost_money"
        ].help_text = (
            "Money, people-months, or both. Type it as you would say it: 400k, 1.2m, 400,000."
        )
        focus_first_field(self)
