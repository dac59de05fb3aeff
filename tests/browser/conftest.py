"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Never downloads a browser: Chromium comes from the system (`/usr/bin/chromium`, or $CHROMIUM).
Without it, browser tests are skipped with a message saying so (CI installs it and
requires it)."""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

# The sync Playwright API runs an event loop in the test thread; the ORM calls the tests
# make are still synchronous and safe (pytest-playwright #29, #46).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_available():
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(user=None) → a Page in a browser context of its own (its own cookies),
    logged in as `user` when given. Each person in a journey gets their own context."""
    contexts = []

    def open_(user=None):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()
