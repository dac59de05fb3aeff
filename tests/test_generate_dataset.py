"""The benchmark dataset generator: deterministic, complete history, refuses to run twice."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command

from accounts.models import Organization, User
from calibration.models import Change
from calibration.timeline.models import EstimateRevision, Initiative
from demodata.management.commands.generate_dataset import generate_batch

pytestmark = pytest.mark.django_db


def content(org):
    initiatives = Initiative.objects.for_org(org).order_by("pk")
    return [
        (i.title, i.status, i.start_date, i.expected_date, i.commitment_date) for i in initiatives
    ]


def test_the_same_seed_makes_the_same_organization():
    password = make_password("x", salt="generatortest")
    first = generate_batch([(1, False)], seed=5, password=password, scale=0.1).orgs[0].org
    made = content(first)
    User.objects.filter(memberships__organization=first).delete()
    Organization.objects.filter(pk=first.pk).delete()
    again = generate_batch([(1, False)], seed=5, password=password, scale=0.1).orgs[0].org
    assert again.slug == first.slug
    assert content(again) == made


def test_every_generated_record_has_its_history():
    password = make_password("x", salt="generatortest")
    batch = generate_batch([(2, False)], seed=5, password=password, scale=0.1)
    org = batch.orgs[0].org
    initiative = Initiative.objects.for_org(org).first()
    actions = [c.action for c in initiative.history()]
    assert actions[-1] == Change.CREATED
    assert EstimateRevision.objects.filter(initiative=initiative).count() == 10
    assert batch.counts["calibration.Change"] == Change.objects.filter(organization=org).count()


def test_it_refuses_a_database_that_already_has_a_dataset():
    generate_batch([(3, False)], seed=5, password="!", scale=0.05)
    with pytest.raises(CommandError, match="already here"):
        call_command("generate_dataset", orgs=1, seed=5)
