import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password}, follow=True)


def test_logging_in_leads_to_the_company_home(client, ceo, org):
    response = log_in(client, ceo.email, PASSWORD)

    assert response.redirect_chain[-1][0] == reverse("home", args=[org.slug])
    assert "Acme" in response.content.decode()


def test_a_wrong_password_is_explained_without_saying_whether_the_account_exists(client, ceo):
    wrong_password = log_in(client, ceo.email, "not-the-password").content.decode()
    no_account = log_in(client, "nobody@acme.test", "not-the-password").content.decode()

    assert "Please enter a correct email address and password" in wrong_password
    assert "Please enter a correct email address and password" in no_account


def test_repeated_failures_lock_the_account_from_that_address(client, ceo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, ceo.email, "guess")

    response = log_in(client, ceo.email, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


def test_logging_out_ends_the_session(client, ceo, org):
    client.force_login(ceo)

    client.post(reverse("logout"))

    assert client.get(reverse("home", args=[org.slug]))["Location"].startswith(reverse("login"))


def test_an_absurdly_long_address_is_refused_at_the_field(client):
    response = client.post(
        reverse("login"), {"username": "a" * 300 + "@acme.test", "password": "x"}
    )

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_failures_for_one_account_from_many_addresses_pause_it(client, ceo, settings):
    for n in range(settings.ACCOUNT_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": ceo.email, "password": "guess"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )

    page = client.post(
        reverse("login"),
        {"username": ceo.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )

    assert "_auth_user_id" not in client.session
    assert "Too many failed log-ins for this email address" in page.content.decode()


def test_the_account_pause_says_the_same_for_an_address_with_no_account(client, settings):
    for n in range(settings.ACCOUNT_FAILURE_LIMIT + 1):
        page = client.post(
            reverse("login"),
            {"username": "nobody@acme.test", "password": "guess"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    assert "Too many failed log-ins for this email address" in page.content.decode()


def test_pages_for_a_signed_in_person_are_kept_by_no_cache(client, ceo, org):
    client.force_login(ceo)
    for url in (reverse("home", args=[org.slug]), reverse("new_organization")):
        assert client.get(url)["Cache-Control"] == "private, no-store", url
