"""Talking on the record: comments on initiatives, constraints, paths, bets and calls;
Markdown-lite rendered safely; @mentions mailed once; authors alone change their words,
and the history keeps every version."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from calibration.alignment.models import BetSheet, Side
from calibration.comments.models import Comment
from calibration.models import Change
from calibration.quarters import current_quarter
from calibration.reminders import engine
from calibration.reminders.models import Reminder, ReminderPreference
from tests.alignment.conftest import add_bet, make_call
from tests.constraints.conftest import make_constraint, make_path
from tests.timeline.conftest import new_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative(org, cto):
    return new_initiative(org, cto)


def discussion_url(record):
    meta = record._meta
    return reverse(
        "comments:discussion",
        args=[record.organization.slug, meta.app_label, meta.model_name, record.pk],
    )


def say(client, record, text, **headers):
    return client.post(discussion_url(record), {"text": text, "version": 0}, **headers)


def deliver_due(django_capture_on_commit_callbacks):
    """What the worker does: dispatch, then send each claimed mail."""

    def deliver(claimed):
        for pk, token in claimed:
            engine.deliver(pk, token)

    with django_capture_on_commit_callbacks(execute=True):
        engine.dispatch(queue=deliver)


def test_a_comment_shows_on_the_record_page(ceo_client, initiative):
    say(ceo_client, initiative, "Can we cut the reporting scope?")

    page = ceo_client.get(initiative.get_absolute_url()).content.decode()
    assert "Can we cut the reporting scope?" in page and "Ada CEO" in page


def test_markdown_lite_is_rendered_and_nothing_else(ceo_client, initiative):
    say(
        ceo_client,
        initiative,
        "**Bold** and *soft* and `code`\n\n- one\n- two\n\nSee https://example.com/plan "
        '<script>alert(1)</script> <a href="javascript:alert(1)">x</a>',
    )

    page = ceo_client.get(discussion_url(initiative)).content.decode()
    assert "<strong>Bold</strong>" in page and "<em>soft</em>" in page
    assert "<code>code</code>" in page and "<li>one</li>" in page
    assert '<a href="https://example.com/plan" rel="nofollow noopener">' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert '<a href="javascript' not in page


def test_a_mention_mails_the_member_once_with_a_link_to_the_comment(
    ceo_client, initiative, cto, django_capture_on_commit_callbacks
):
    say(ceo_client, initiative, "@Tom CTO can the migration start earlier?")
    comment = Comment.objects.get()
    deliver_due(django_capture_on_commit_callbacks)
    ceo_client.post(
        reverse("comments:comment", args=["acme", comment.pk]),
        {"text": "@Tom can the migration start earlier, or not?", "version": 1},
    )
    deliver_due(django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[cto.email]]
    message = mail.outbox[0]
    assert message.subject == "[Acme] Ada CEO mentioned you on “Payments platform”"
    assert f"#comment-{comment.pk}" in message.body


def test_mentioning_oneself_mails_nobody(
    ceo_client, initiative, django_capture_on_commit_callbacks
):
    say(ceo_client, initiative, "Note to @Ada CEO: ask the board")
    deliver_due(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_member_who_muted_mentions_gets_no_mail(
    ceo_client, initiative, cto, org, django_capture_on_commit_callbacks
):
    ReminderPreference.create_shared(by=cto, organization=org, user=cto, muted_kinds=["mention"])
    say(ceo_client, initiative, "@Tom CTO what do you think?")
    deliver_due(django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not Reminder.objects.filter(kind="mention").exists()


def test_observers_read_the_discussion_but_cannot_comment(ceo_client, client, observer, initiative):
    say(ceo_client, initiative, "For the board pack")
    client.force_login(observer)

    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "For the board pack" in page and 'class="comment-form' not in page
    assert say(client, initiative, "I have a view").status_code == 403


def test_only_the_author_edits_or_deletes_a_comment(ceo_client, cto_client, initiative):
    say(ceo_client, initiative, "First thoughts")
    comment = Comment.objects.get()
    edit = reverse("comments:comment", args=["acme", comment.pk])
    delete = reverse("comments:delete", args=["acme", comment.pk])

    assert cto_client.post(edit, {"text": "Hijacked", "version": 1}).status_code == 403
    assert cto_client.post(delete, {"version": 1}).status_code == 403
    ceo_client.post(edit, {"text": "Second thoughts", "version": 1})
    ceo_client.post(delete, {"version": 2})

    assert not Comment.objects.exists()
    kept = [(c.action, c.old.get("text"), c.new.get("text")) for c in comment.history()]
    assert kept == [
        ("deleted", "Second thoughts", None),
        ("changed", "First thoughts", "Second thoughts"),
        ("created", None, "First thoughts"),
    ]


def test_the_history_page_shows_the_discussion(ceo_client, initiative, org):
    say(ceo_client, initiative, "Worth a look")
    page = ceo_client.get(reverse("history", args=[org.slug])).content.decode()
    assert "Worth a look" in page


@pytest.mark.parametrize("kind", ["constraint", "path", "bet", "call"])
def test_every_kind_of_record_has_its_discussion(kind, ceo_client, org, ceo, cto):
    if kind in ("constraint", "path"):
        constraint = make_constraint(org, cto)
        record = constraint if kind == "constraint" else make_path(constraint, cto)
    else:
        sheet = BetSheet.start(org, current_quarter(org), by=ceo)
        bet = add_bet(sheet, Side.CTO, "Event sourcing", cto)
        record = bet if kind == "bet" else make_call(sheet, bet, "continue", cto)

    response = say(ceo_client, record, f"On this {kind}")

    assert response.status_code == 302 and response["Location"] == (
        f"{record.get_absolute_url()}#comment-{Comment.objects.get().pk}"
    )
    assert f"On this {kind}" in ceo_client.get(discussion_url(record)).content.decode()


def test_the_thread_answers_htmx_with_itself(ceo_client, initiative):
    response = say(ceo_client, initiative, "Inline", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="discussion-timeline-initiative-')
    assert "Inline" in body


def test_deleting_a_constraint_deletes_its_discussion_on_the_record(ceo_client, org, cto):
    constraint = make_constraint(org, cto)
    say(ceo_client, constraint, "Before it goes")
    ceo_client.post(
        reverse("constraints:delete", args=[org.slug, constraint.pk]),
        {"version": constraint.version},
    )
    assert not Comment.objects.exists()
    assert Change.objects.filter(action="deleted", object_repr__startswith="Comment by").exists()


def test_another_company_cannot_reach_a_discussion(initiative, outsider):
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(discussion_url(initiative)).status_code == 404
    own = discussion_url(initiative).replace("/o/acme/", "/o/globex/")
    assert stranger.get(own).status_code == 404
    assert stranger.post(own, {"text": "hi", "version": 0}).status_code == 404


def test_only_records_with_a_discussion_can_be_discussed(ceo_client, org, initiative):
    url = reverse("comments:discussion", args=[org.slug, "accounts", "user", 1])
    assert ceo_client.get(url).status_code == 404
