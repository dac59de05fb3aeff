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
