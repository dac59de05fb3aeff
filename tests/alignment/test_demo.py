"""The demo data: last quarter closed, this quarter in progress, every page renders."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organization
from calibration.alignment.models import BetSheet, with_everything

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_every_page_of_it_renders(client):
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


def test_the_demo_sheet_has_links_an_unlinked_tech_bet_and_an_unsupported_ceo_bet():
    call_command("demo", verbosity=0)
    org = Organization.objects.get(slug="acme")
    sheet = with_everything(BetSheet.objects.for_org(org)).get(pk=BetSheet.current_for(org).pk)
    agenda = sheet.divergence_agenda()
    assert [(i.bet.side, i.is_open) for i in agenda] == [("cto", True), ("ceo", True)]
    assert sum(b.is_linked() for b in sheet.all_bets()) >= 4
    previous = BetSheet.objects.for_org(org).exclude(pk=sheet.pk).get()
    assert previous.is_closed
