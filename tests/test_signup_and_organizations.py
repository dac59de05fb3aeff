import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Ada Chen",
    "email": "Ada@Example.com",
    "password": "correct horse battery",
    "organization": "Acme Rockets",
    "role": "ceo",
    "time_zone": "Europe/Berlin",
    "fiscal_year_start_month": "4",
}


def test_signup_creates_the_company_with_its_creator_in_the_chosen_role(client):
    response = client.post(reverse("signup"), SIGNUP)

    org = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("org_settings", args=[org.slug])
    assert (org.name, org.slug, org.time_zone, org.fiscal_year_start_month) == (
        "Acme Rockets",
        "acme-rockets",
        "Europe/Berlin",
        4,
    )
    membership = Membership.objects.get()
    assert membership.user.email == "ada@example.com"
    assert membership.role == "ceo"


def test_signup_refuses_a_weak_password_at_the_field_and_keeps_the_rest(client):
    response = client.post(reverse("signup"), {**SIGNUP, "password": "12345678"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert 'value="Acme Rockets"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_a_taken_email_says_so_at_the_email_field(client, ceo):
    response = client.post(reverse("signup"), {**SIGNUP, "email": ceo.email.upper()})

    assert "already exists" in response.context["form"].errors["email"][0]


def test_a_second_company_gets_its_own_slug(client):
    client.post(reverse("signup"), SIGNUP)
    client.post(reverse("logout"))
    client.post(reverse("signup"), {**SIGNUP, "email": "cto@other.example"})

    assert sorted(Organization.objects.values_list("slug", flat=True)) == [
        "acme-rockets",
        "acme-rockets-2",
    ]


def test_a_member_of_two_companies_chooses_between_them(client, ceo, outsider, other_org):
    Membership.objects.create(user=ceo, organization=other_org, role="observer")
    client.force_login(ceo)

    response = client.get(reverse("start"))

    assert "Acme" in response.content.decode() and "Globex" in response.content.decode()


def test_start_returns_to_the_company_used_last(client, ceo, org):
    client.force_login(ceo)
    client.get(reverse("home", args=[org.slug]))

    assert client.get(reverse("start"))["Location"] == reverse("home", args=[org.slug])


def test_an_existing_user_can_add_another_company(ceo_client):
    response = ceo_client.post(
        reverse("new_organization"),
        {"name": "Side Project", "time_zone": "UTC", "fiscal_year_start_month": "1", "role": "cto"},
    )

    org = Organization.objects.get(slug="side-project")
    assert response["Location"] == reverse("org_settings", args=["side-project"])
    assert org.memberships.get().role == "cto"


def test_leaders_change_company_settings(ceo_client, org):
    response = ceo_client.post(
        reverse("org_settings", args=[org.slug]),
        {
            "org-name": "Acme Inc",
            "org-time_zone": "America/New_York",
            "org-fiscal_year_start_month": "7",
            "org-currency": "EUR",
        },
    )

    org.refresh_from_db()
    assert response.status_code == 302
    assert (org.name, org.time_zone, org.fiscal_year_start_month, org.currency) == (
        "Acme Inc",
        "America/New_York",
        7,
        "EUR",
    )


def test_a_new_company_keeps_its_figures_in_us_dollars_until_a_leader_chooses(org):
    assert org.currency == "USD"


def test_the_settings_page_offers_the_currency(ceo_client, org):
    page = ceo_client.get(reverse("org_settings", args=[org.slug])).content.decode()
    assert '<option value="EUR">EUR — Euro</option>' in page


def test_an_observer_cannot_open_settings(client, observer, org):
    client.force_login(observer)

    assert client.get(reverse("org_settings", args=[org.slug])).status_code == 403


def test_a_company_has_one_ceo(ceo_client, ceo, cto, org):
    cto_membership = Membership.objects.get(user=cto)

    ceo_client.post(reverse("change_member", args=[org.slug, cto_membership.pk]), {"role": "ceo"})

    cto_membership.refresh_from_db()
    assert cto_membership.role == "cto"


def test_a_leader_removes_a_member(ceo_client, observer, org):
    membership = Membership.objects.get(user=observer)

    ceo_client.post(reverse("change_member", args=[org.slug, membership.pk]), {"remove": "1"})

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_home_page_of_a_new_company_explains_each_conversation(ceo_client, org):
    body = ceo_client.get(reverse("home", args=[org.slug])).content.decode()

    assert "What we can&#x27;t build" in body or "What we can't build" in body
    assert "What the real timeline is" in body
    assert "Where strategy has diverged" in body
    assert "invite your CTO" in body


def test_password_reset_mail_does_not_reveal_whether_an_account_exists(client, ceo, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": ceo.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1


def test_an_overlong_email_is_refused_at_the_field(client):
    response = client.post(reverse("signup"), {**SIGNUP, "email": "a" * 300 + "@example.com"})

    assert "at most 254 characters" in response.context["form"].errors["email"][0]
    assert not User.objects.exists()
