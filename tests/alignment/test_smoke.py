import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization
from calibration.alignment.models import BetSheet

pytestmark = pytest.mark.django_db


def test_demo_pages_render(client):
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    client.force_login(org.member_with_role("ceo"))
    assert BetSheet.objects.for_org(org).count() == 2
    sheet = BetSheet.current_for(org)
    for url in [
        reverse("home", args=[org.slug]),
        reverse("alignment:index", args=[org.slug]) + "?all",
        reverse("alignment:sheet", args=[org.slug, sheet.pk]),
        reverse("alignment:drift", args=[org.slug]),
        reverse("alignment:print", args=[org.slug, sheet.pk]),
        reverse("alignment:export_markdown", args=[org.slug, sheet.pk]),
        reverse("alignment:export_csv", args=[org.slug, sheet.pk]),
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        print(r.content.decode()[:0])
