"""The discussion of one record: read by every member, written by those who may write;
each comment edited or deleted by its author only. Thin: the rules are in access.py and
the shared-editing path; mentions are mailed through the reminders engine."""

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from calibration import access
from calibration.access import get_for_org
from calibration.cadence import dispatch_soon
from calibration.editing import save_or_explain, wants_fragment
from calibration.models import EditConflict

from . import markup
from .forms import CommentForm
from .models import Comment

PAGE = "comments/discussion.html"


def commentable(app_label, model_name):
    """The model a discussion may be attached to (one with a `comments` relation)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("No such kind of record") from None
    if not hasattr(model, "comments"):
        raise Http404("That kind of record has no discussion")
    return model


def thread_context(request, org, record, form=None, editing=None):
    comments = list(
        Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        ).select_related("author")
    )
    members = list(User.objects.filter(memberships__organization=org))
    by_id = {u.pk: u for u in members}
    for comment in comments:
        comment.html = markup.render(
            comment.text, [by_id[pk] for pk in comment.mentions or [] if pk in by_id]
        )
        comment.mine = access.may_change_comment(request.user, comment)
    may_comment = access.may_write(request.membership)
    if form is None and may_comment:
        form = CommentForm(instance=Comment(content_type_id=0, object_id=record.pk))
    return {
        "record": record,
        "comments": comments,
        "form": form if may_comment else None,
        "editing": editing,
        "app_label": record._meta.app_label,
        "model_name": record._meta.model_name,
        "org": org,
    }


def discussion(request, org, app_label, model_name, pk):
    """The thread (GET), or a new comment in it (POST)."""
    model = commentable(app_label, model_name)
    record = get_for_org(org, model, pk=pk)
    form = None
    if request.method == "POST":
        access.require_write(request.membership)
        comment = Comment(
            organization=org,
            content_type=ContentType.objects.get_for_model(model),
            object_id=record.pk,
        )
        form = CommentForm(request.POST, instance=comment)
        members = list(User.objects.filter(memberships__organization=org))
        mentioned = markup.mentioned(request.POST.get("text", ""), members)
        if save_or_explain(
            form,
            request,
            organization=org,
            author=request.user,
            mentions=[u.pk for u in mentioned if u.pk != request.user.pk],
        ):
            tell_mentioned(form.instance)
            if not wants_fragment(request):
                messages.success(request, "Your comment is added.")
                return redirect(form.instance.get_absolute_url())
            form = None
    context = thread_context(request, org, record, form)
    if wants_fragment(request):
        return render(request, PAGE + "#thread", context)
    return render(request, PAGE, context)


def tell_mentioned(comment):
    """Each member a comment mentions gets one mail about it, however often it is edited
    (comments.cadence.mentions); within seconds, not at the next periodic dispatch."""
    if comment.mentions:
        dispatch_soon()


def comment(request, org, pk):
    """One comment: shown in its thread (GET), its edit form (GET ?edit) or its edit (POST),
    the last two by its author alone."""
    comment = get_for_org(org, Comment.objects.select_related("author"), pk=pk)
    record = comment.record
    if record is None:
        raise Http404("What this comment was about is gone")
    if request.method == "GET" and "edit" not in request.GET:
        if wants_fragment(request):
            return render(request, PAGE + "#thread", thread_context(request, org, record))
        return redirect(comment.get_absolute_url())
    if not access.may_change_comment(request.user, comment):
        raise PermissionDenied("Only its author changes a comment.")
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST":
        members = list(User.objects.filter(memberships__organization=org))
        mentioned = markup.mentioned(request.POST.get("text", ""), members)
        mentions = [u.pk for u in mentioned if u.pk != request.user.pk]
        if save_or_explain(form, request, mentions=mentions):
            tell_mentioned(form.instance)
            if not wants_fragment(request):
                messages.success(request, "Your comment is changed (the history keeps both).")
                return redirect(form.instance.get_absolute_url())
            context = thread_context(request, org, record)
            return render(request, PAGE + "#thread", context)
    context = thread_context(request, org, record, editing=(comment.pk, form))
    if wants_fragment(request):
        return render(request, PAGE + "#thread", context)
    return render(request, PAGE, context)


@require_POST
def delete_comment(request, org, pk):
    comment = get_for_org(org, Comment, pk=pk)
    record = comment.record
    if not access.may_change_comment(request.user, comment):
        raise PermissionDenied("Only its author deletes a comment.")
    try:
        comment.delete_shared(by=request.user, expected_version=_int(request.POST.get("version")))
    except EditConflict:
        messages.error(request, "That comment changed since you read it; it was not deleted.")
    else:
        messages.success(request, "Your comment is deleted (the history keeps it).")
    if record is None:
        raise Http404("What this comment was about is gone")
    if wants_fragment(request):
        return render(request, PAGE + "#thread", thread_context(request, org, record))
    return redirect(record.get_absolute_url())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
