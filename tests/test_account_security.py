import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def request_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_reset_requests_are_limited_per_address_with_a_clear_message(client, ceo):
    for n in range(5):
        request_reset(client, f"someone{n}@example.com")

    response = request_reset(client, ceo.email)

    assert response.status_code == 200
    assert "Too many reset requests from your network" in response.content.decode()


def test_reset_mails_per_account_are_capped_without_revealing_it(ceo, mailoutbox):
    responses = [request_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), ceo.email) for n in range(5)]

    assert len(mailoutbox) == 3
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}


def test_changing_the_password_signs_out_every_other_session(ceo, org):
    laptop, phone = Client(), Client()
    laptop.force_login(ceo)
    phone.force_login(ceo)

    laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )

    assert laptop.get(reverse("home", args=[org.slug])).status_code == 200
    assert phone.get(reverse("home", args=[org.slug])).status_code == 302


def test_every_page_carries_a_strict_content_security_policy(ceo_client, org):
    policy = ceo_client.get(reverse("home", args=[org.slug]))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "default-src 'self'" in policy


def test_session_cookies_are_http_only_and_expire(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 24 * 14


def test_behind_a_proxy_limits_count_the_client_not_the_proxy(settings, ceo):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(5):
        proxy.post(
            reverse("password_reset"),
            {"email": f"x{n}@example.com"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    blocked = proxy.post(
        reverse("password_reset"), {"email": ceo.email}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other_client = proxy.post(
        reverse("password_reset"), {"email": ceo.email}, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert "Too many reset requests" in blocked.content.decode()
    assert other_client.status_code == 302
