"""{% discussion record %}: the record's thread, in place (the initiative and constraint
pages). {% discussion_link record %}: a closed "Discussion" that loads it when opened
(paths, bets and calls, several to a page)."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from calibration.comments.views import thread_context

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion(context, record):
    request = context["request"]
    return render_to_string(
        "comments/discussion.html#thread",
        thread_context(request, request.org, record),
        request=request,
    )


@register.inclusion_tag("comments/_link.html", takes_context=True)
def discussion_link(context, record):
    meta = record._meta
    return {
        "url": reverse(
            "comments:discussion",
            args=[context["org"].slug, meta.app_label, meta.model_name, record.pk],
        ),
        "record": record,
    }
