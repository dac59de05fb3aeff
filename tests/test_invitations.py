from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from tests.factories import user

pytestmark = pytest.mark.django_db


def invite(client, org, email="cto@acme.test", role="cto"):
    return client.post(
        reverse("invite", args=[org.slug]), {"invite-email": email, "invite-role": role}
    )


def link_path(invitation):
    return reverse("accept_invitation", args=[invitation.token])


@pytest.fixture
def still_clock():
    """A signed link carries the second it was signed in: the link in the mail and the one
    computed by the test must be signed in the same second."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_inviting_sends_a_mail_with_a_link(
    ceo_client, org, mailoutbox, django_capture_on_commit_callbacks, still_clock
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(ceo_client, org)

    invitation = Invitation.objects.get()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["cto@acme.test"]
    assert link_path(invitation) in mailoutbox[0].body


def test_a_new_person_accepts_and_joins_in_the_invited_role(client, ceo, org):
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )

    response = client.post(
        link_path(invitation), {"name": "Tom", "password": "correct horse battery"}
    )

    assert response["Location"] == reverse("home", args=[org.slug])
    assert Membership.objects.get(user__email="new@acme.test").role == "cto"


def test_an_existing_user_is_asked_to_log_in_then_accepts(client, ceo, org):
    existing = user(email="tom@elsewhere.test")
    invitation = Invitation.objects.create(
        organization=org, email=existing.email, role="observer", invited_by=ceo
    )

    response = client.get(link_path(invitation))
    assert response["Location"].startswith(reverse("login"))

    client.force_login(existing)
    client.post(link_path(invitation))
    assert Membership.objects.get(user=existing).role == "observer"


def test_a_link_works_once(client, ceo, org):
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )
    client.post(link_path(invitation), {"name": "Tom", "password": "correct horse battery"})
    client.post(reverse("logout"))

    response = client.post(
        link_path(invitation), {"name": "Eve", "password": "correct horse battery"}
    )

    assert response.status_code == 410
    assert User.objects.filter(email="new@acme.test").count() == 1


def test_an_expired_link_is_refused(client, ceo, org):
    invitation = Invitation.objects.create(
        organization=org,
        email="new@acme.test",
        role="cto",
        invited_by=ceo,
        sent_at=timezone.now() - timedelta(days=8),
    )

    response = client.get(link_path(invitation))

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_revoked_link_is_refused(ceo_client, ceo, org):
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )
    ceo_client.post(reverse("revoke_invitation", args=[org.slug, invitation.pk]))

    assert Client().get(link_path(invitation)).status_code == 410


def test_resending_replaces_the_old_link(
    ceo_client, ceo, org, mailoutbox, django_capture_on_commit_callbacks, still_clock
):
    client = Client()
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )
    old_path = link_path(invitation)

    with django_capture_on_commit_callbacks(execute=True):
        ceo_client.post(reverse("resend_invitation", args=[org.slug, invitation.pk]))

    invitation.refresh_from_db()
    assert client.get(old_path).status_code == 410
    assert client.get(link_path(invitation)).status_code == 200
    assert link_path(invitation) in mailoutbox[-1].body


def test_a_tampered_link_is_refused(client, ceo, org):
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )

    assert client.get(link_path(invitation)[:-3] + "xyz/").status_code == 410


def test_the_link_is_bound_to_the_invited_address(client, ceo, org, outsider):
    invitation = Invitation.objects.create(
        organization=org, email="new@acme.test", role="cto", invited_by=ceo
    )
    client.force_login(outsider)

    response = client.post(link_path(invitation))

    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider, organization=org).exists()


def test_inviting_a_second_ceo_is_refused_at_the_role_field(ceo_client, ceo, org):
    response = invite(ceo_client, org, email="another@acme.test", role="ceo")

    assert "already has a CEO" in response.context["invite_form"].errors["role"][0]
    assert not Invitation.objects.exists()


def test_an_observer_cannot_invite(client, observer, org):
    client.force_login(observer)

    assert invite(client, org, email="x@acme.test", role="observer").status_code == 403
