"""The finish a CEO expects, checked in a real browser on the demo company: the observer finds
nothing to click that would be refused; a refused long form brings its first error into view
with the focus on it; at 1280 and 1440 px the header is one row and no page scrolls sideways,
even with long names and a 140-character title with no space in it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership, Organization, User
from calibration.alignment.models import Bet
from tests import urlwalk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "",
    "timeline/",
    "timeline/calibration/",
    "timeline/ledger/",
    "constraints/",
    "alignment/drift/",
    "board/",
    "board/table/",
    "history/",
    "reminders/",
    "planning/",
]


# The names of the nav's links that do not fit wholly inside it (clipped or scrolled away).
NAV_LINKS_CUT_OFF = """nav => {
  const box = nav.getBoundingClientRect();
  return [...nav.querySelectorAll("a")]
    .filter(a => { const r = a.getBoundingClientRect();
                   return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
    .map(a => a.textContent.trim());
}"""


@pytest.fixture
def acme():
    call_command("demo", verbosity=0)
    return Organization.objects.get(slug="acme")


def test_the_observer_finds_nothing_to_click_that_would_be_refused(open_page, acme):
    board = open_page(User.objects.get(email="board@acme.example"))
    refused, checked = [], set()
    for path in PAGES:
        board.goto(f"/o/acme/{path}")
        forms = [
            form["action"]
            for form in urlwalk.parse(board.content()).forms
            if form["method"] == "post" and "/o/acme/" in form["action"]
        ]
        # Their own calendar feed is the one thing an observer changes.
        refused += [(path, action) for action in forms if "/reminders/feed/" not in action]
        links = {a.get_attribute("href") for a in board.locator("a[href^='/o/acme/']").all()}
        for href in sorted(links - checked):
            checked.add(href)
            if board.request.get(href).status == 403:
                refused.append((path, href))
    assert refused == []


def test_a_refused_long_form_brings_its_first_error_into_view(open_page, acme):
    cto = open_page(User.objects.get(email="cto@acme.example"))
    cto.goto("/o/acme/timeline/new/")
    cto.get_by_label("Title").fill("Data residency in the EU")
    cto.get_by_role("button", name="Create initiative").click()

    best = cto.get_by_label("Best case", exact=True)
    expect(best).to_be_focused()
    expect(best).to_be_in_viewport()
    expect(cto.locator(".error-summary")).to_contain_text("Best case")


@pytest.mark.parametrize("width", [1280, 1440])
def test_one_row_header_and_no_sideways_scroll_with_long_names(open_page, acme, width):
    ceo = User.objects.get(email="ceo@acme.example")
    ceo.name = "Alexandra Konstantinopoulou-Whitfield"
    ceo.save()
    acme.name = "Acme Interplanetary Logistics Holdings"
    acme.save()
    other = Organization.objects.create(name="A Second Company With A Long Name", slug="second")
    Membership.objects.create(user=ceo, organization=other, role="ceo")
    bet = Bet.objects.filter(organization=acme).first()
    Bet.objects.filter(pk=bet.pk).update(title="X" * 140)

    page = open_page(ceo)
    page.set_viewport_size({"width": width, "height": 900})
    for path in PAGES:
        page.goto(f"/o/acme/{path}")
        nav = page.locator("nav.site-nav a").first.bounding_box()
        logout = page.get_by_role("button", name="Log out").bounding_box()
        assert abs(nav["y"] - logout["y"]) < nav["height"], (path, "header wraps")
        hidden = page.locator("nav.site-nav").evaluate(NAV_LINKS_CUT_OFF)
        assert hidden == [], (path, "nav links cut off", hidden)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (path, scroll_width)


def test_sign_up_starts_from_the_browsers_time_zone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    page = context.new_page()
    page.goto("/accounts/signup/")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    context.close()
