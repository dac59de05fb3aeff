"""Personal API tokens on their settings page: created and revoked by their member."""

import pytest

from calibration.api.models import ApiToken, digest

pytestmark = pytest.mark.django_db


def create(client, org, name="Tracker sync"):
    return client.post(
        f"/o/{org.slug}/api-tokens/new/", {"token-name": name, "token-per_minute": "60"}
    )


def test_a_new_token_is_shown_once_and_stored_only_as_a_digest(org, ceo_client):
    page = create(ceo_client, org).content.decode()

    token = ApiToken.objects.get()
    raw = page.split('id="new-token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert raw.startswith("cal_") and token.digest == digest(raw)
    assert raw not in ceo_client.get(f"/o/{org.slug}/api-tokens/").content.decode()


def test_the_new_token_works_at_once(org, ceo_client, client):
    page = create(ceo_client, org).content.decode()
    raw = page.split('id="new-token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]

    response = client.get("/api/v1/initiatives", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200


def test_an_observer_may_create_a_token_for_reading(org, observer, client):
    client.force_login(observer)

    page = create(client, org).content.decode()

    assert ApiToken.objects.get().user == observer
    assert "for reading only" in page


def test_a_member_revokes_their_token_and_it_stops_working(org, ceo, ceo_client):
    token, raw = ApiToken.issue(organization=org, user=ceo, name="old")

    ceo_client.post(f"/o/{org.slug}/api-tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in ceo_client.get(f"/o/{org.slug}/api-tokens/").content.decode()


def test_nobody_revokes_another_members_token(org, cto, ceo_client):
    theirs, _raw = ApiToken.issue(organization=org, user=cto, name="CTO's")

    response = ceo_client.post(f"/o/{org.slug}/api-tokens/{theirs.pk}/revoke/")

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_token_list_shows_only_your_own_tokens(org, cto, ceo_client):
    ApiToken.issue(organization=org, user=cto, name="The CTO's secret script")

    page = ceo_client.get(f"/o/{org.slug}/api-tokens/").content.decode()

    assert "The CTO's secret script" not in page
