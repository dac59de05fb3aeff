"""What members see: the mail itself, unsubscribe, preferences, lead days, the calendar feed
and the Cadence section of the home page."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from icalendar import Calendar

from calibration.models import PlanningCycle
from calibration.reminders import engine
from calibration.reminders.models import CalendarFeed, Reminder, ReminderPreference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rendered_every_time")]

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def sent(cycle, leaders, django_capture_on_commit_callbacks):
    def deliver(claimed):
        for pk, token in claimed:
            engine.deliver(pk, token, now=NINE)

    with time_machine.travel(NINE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            engine.dispatch(now=NINE, queue=deliver)
    return {m.to[0]: m for m in mail.outbox}


def test_the_mail_has_text_and_html_a_link_to_the_page_and_one_click_unsubscribe(sent, cycle):
    message = sent["cto@acme.test"]
    assert message.subject == (
        "[Acme] “FY27 H1 planning” starts 2 Mar 2026: review the open constraints"
    )
    page = f"http://127.0.0.1:8000/o/acme/planning/{cycle.pk}/"
    assert "Hello Tom CTO," in message.body and f"Review the constraints: {page}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{page}"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/reminders/unsubscribe/"
    )


def unsubscribe_path(message):
    return (
        message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    )


def test_the_unsubscribe_link_asks_then_turns_that_kind_off(sent, org, cto):
    path = unsubscribe_path(sent["cto@acme.test"])
    page = Client().get(path)
    assert "stop getting “Constraint review at the start of a planning cycle”" in page.text
    assert not ReminderPreference.objects.filter(user=cto).exists()
    done = Client(enforce_csrf_checks=True).post(path)  # RFC 8058 one-click: no CSRF token
    assert "you will no longer get" in done.text
    assert ReminderPreference.objects.get(user=cto).muted_kinds == ["constraint_review"]
    Client().post(path)  # twice: still muted once
    assert ReminderPreference.objects.get(user=cto).muted_kinds == ["constraint_review"]


def test_a_tampered_unsubscribe_link_is_refused(sent, cto):
    path = unsubscribe_path(sent["cto@acme.test"])
    response = Client().post(path[:-3] + "xyz/")
    assert response.status_code == 400 and "does not work" in response.text
    assert not ReminderPreference.objects.filter(user=cto).exists()


def test_a_leader_chooses_the_kinds_they_get(ceo_client, org, ceo):
    page = ceo_client.get("/o/acme/reminders/")
    assert "Constraint review at the start of a planning cycle" in page.text
    response = ceo_client.post(
        "/o/acme/reminders/preferences/",
        {"pref-version": 0, "pref-wanted": ["checkpoint_due", "alignment_coming"]},
    )
    assert response.status_code == 302
    muted = ReminderPreference.objects.get(user=ceo).muted_kinds
    assert "constraint_review" in muted and "checkpoint_due" not in muted
    page = ceo_client.get("/o/acme/reminders/")
    assert 'value="checkpoint_due" id="id_pref-wanted_3" checked' in page.text
    assert 'value="constraint_review" id="id_pref-wanted_0">' in page.text  # unticked


def test_lead_days_refuse_nonsense_at_the_field_and_keep_what_was_typed(ceo_client):
    response = ceo_client.post(
        "/o/acme/reminders/settings/",
        {"settings-version": 0, "settings-checkpoint_lead_days": "7, soon"},
    )
    assert response.status_code == 400
    assert "“soon” is not a number of days from 1 to 90." in response.text
    assert 'value="7, soon"' in response.text
    ceo_client.post(
        "/o/acme/reminders/settings/",
        {"settings-version": 0, "settings-checkpoint_lead_days": "1,14, 3"},
    )
    assert 'value="14, 3, 1"' in ceo_client.get("/o/acme/reminders/").text


def test_an_observer_sees_no_edit_controls_but_gets_a_calendar_feed(client, observer, ceo):
    client.force_login(observer)
    page = client.get("/o/acme/reminders/")
    assert "As an observer you get none" in page.text
    assert "reminders/settings/" not in page.text
    assert client.post("/o/acme/reminders/feed/", {"action": "create"}).status_code == 302
    assert CalendarFeed.objects.filter(user=observer).exists()


def test_the_feed_parses_and_holds_the_planning_cycles_the_page_shows(ceo_client, org, ceo):
    PlanningCycle.create_shared(
        by=ceo,
        organization=org,
        name="FY27 H1",
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 2),
    )
    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    feed = CalendarFeed.objects.get(user=ceo)
    planning = ceo_client.get("/o/acme/planning/").text
    response = Client().get(f"/calendar/{feed.token}.ics")
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Planning cycle: FY27 H1 — review open constraints"
    ]
    event = events[0]
    assert "FY27 H1" in planning and "1 Apr 2026" in planning
    assert event.decoded("dtstart") == date(2026, 4, 1)
    assert event.decoded("dtend") == date(2026, 4, 3)  # exclusive end
    cycle = PlanningCycle.objects.get(name="FY27 H1")
    assert str(event["uid"]) == f"planningcycle-{cycle.pk}@calibrate"


def test_regenerating_the_feed_kills_the_old_url_and_revoking_kills_it(ceo_client, ceo):
    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    old = CalendarFeed.objects.get(user=ceo).token
    ceo_client.post("/o/acme/reminders/feed/", {"action": "regenerate"})
    new = CalendarFeed.objects.get(user=ceo).token
    assert new != old
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200
    ceo_client.post("/o/acme/reminders/feed/", {"action": "revoke"})
    assert Client().get(f"/calendar/{new}.ics").status_code == 404


def test_a_former_members_feed_stops_working(ceo_client, ceo, org):
    ceo_client.post("/o/acme/reminders/feed/", {"action": "create"})
    token = CalendarFeed.objects.get(user=ceo).token
    org.memberships.filter(user=ceo).delete()
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_the_home_shows_what_was_last_sent(sent, ceo_client):
    home = ceo_client.get("/o/acme/").text
    assert "Last sent" in home
    assert "“FY27 H1 planning” starts 2 Mar 2026: review the open constraints" in home
    assert "to Tom CTO" in home


def test_the_home_shows_failures_and_a_leader_can_try_again(
    cycle, leaders, ceo_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_ATTEMPTS = 1

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    claimed = []
    with django_capture_on_commit_callbacks(execute=True):
        engine.dispatch(now=NINE, queue=claimed.extend)
    with time_machine.travel(NINE, tick=False):
        assert {engine.deliver(pk, t) for pk, t in claimed} == {"failed"}
    home = ceo_client.get("/o/acme/").text
    assert "2 failed" in home and "Connection refused" in home
    failed = Reminder.objects.filter(state="failed").first()
    ceo_client.post(f"/o/acme/reminders/{failed.pk}/retry/")
    assert Reminder.objects.get(pk=failed.pk).state == "pending"


def test_the_home_shows_conversation_health(ceo_client, org, ceo):
    home = ceo_client.get("/o/acme/").text
    assert "no planning cycle has started yet" in home
    assert "No planning cycle is scheduled: constraints have no next review." in home


def test_the_home_section_takes_the_same_queries_with_more_history(sent, org, cycle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calibration.reminders.home import home_section

    def count():
        with CaptureQueriesContext(connection) as queries:
            home_section(org, None)
        return len(queries)

    before = count()
    template = Reminder.objects.filter(state="sent").first()
    for n in range(30):
        Reminder.objects.create(
            organization=org,
            kind="constraint_review",
            content_type=template.content_type,
            object_id=cycle.pk,
            occurrence=f"extra-{n}",
            recipient=template.recipient,
            due_at=template.due_at,
            state="sent" if n % 2 else "failed",
            sent_at=template.sent_at,
        )
    assert count() == before <= 20


def test_lead_days_may_be_emptied_leaving_only_the_day_itself(ceo_client, client, observer):
    ceo_client.post(
        "/o/acme/reminders/settings/", {"settings-version": 0, "settings-checkpoint_lead_days": ""}
    )
    client.force_login(observer)
    page = client.get("/o/acme/reminders/").text
    assert "Leaders hear about a checkpoint on the day, and weekly while it is overdue." in page


def test_a_leader_gets_a_sample_of_each_reminder_marked_as_such(
    ceo_client, org, ceo, cto, cycle, django_capture_on_commit_callbacks
):
    response = ceo_client.post("/o/acme/reminders/samples/", follow=True)
    assert "on their way to ceo@acme.test" in response.content.decode()

    def deliver(claimed):
        for pk, token in claimed:
            engine.deliver(pk, token)

    with django_capture_on_commit_callbacks(execute=True):
        engine.dispatch(queue=deliver)
    assert mail.outbox and {m.to[0] for m in mail.outbox} == {"ceo@acme.test"}
    review = next(m for m in mail.outbox if "review the open constraints" in m.subject)
    assert review.subject.startswith("[Acme] Sample: ")
    assert "This is a sample you asked for" in review.body
    home = ceo_client.get("/o/acme/").text
    assert "review the open constraints" not in home.split("Last sent")[1]


def test_observers_cannot_ask_for_samples(client, observer, org):
    client.force_login(observer)
    assert client.post("/o/acme/reminders/samples/").status_code == 403
