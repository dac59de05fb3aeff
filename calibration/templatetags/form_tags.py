"""Forms lead to their errors: a summary at the top links to each field that needs a
change, and the first of them takes the focus (an autofocus attribute: the browser moves
there and scrolls to it on a full page, htmx does on a swap — no JavaScript of ours)."""

from django import template

register = template.Library()


@register.filter
def first_error(form):
    """The name of the first field (in the form's order) that has an error, or "". That
    field takes the focus: any field a form focuses by default gives it up."""
    wrong = next((field.name for field in form if field.errors), "")
    if wrong:
        for name, field in form.fields.items():
            if name != wrong:
                field.widget.attrs.pop("autofocus", None)
    return wrong


@register.filter
def focused(field):
    """The field's widget with the focus on it."""
    return field.as_widget(attrs={"autofocus": True})
