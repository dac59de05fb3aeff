"""Load the demo company "Acme" with a CEO and a CTO, and print their logins. Idempotent."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, Organization, Role, User
from calibration.models import PlanningCycle
from demodata.acme import (
    alignment,
    board,
    comments,
    constraints,
    integrations,
    reminders,
    timeline,
    track_record,
)

PASSWORD = "calibrate-demo"
# Each conversation adds its own demo records (demodata/acme/), in this order: the board
# snapshot is taken of the initiatives the timeline adds. Each populate(org) is idempotent.
CONVERSATIONS = [
    timeline.populate,
    track_record.populate,
    alignment.populate,
    constraints.populate,
    reminders.populate,
    board.populate,
    comments.populate,
    integrations.populate,
]
PEOPLE = [
    ("ceo@acme.example", "Ada Chen", Role.CEO),
    ("cto@acme.example", "Tom Okafor", Role.CTO),
    ("board@acme.example", "Bea Board", Role.OBSERVER),
    # Head of platform: owns some estimates (a second track record), reads the rest.
    ("priya@acme.example", "Priya Raman", Role.ENGINEER),
]


class Command(BaseCommand):
    help = "Create (or refresh) the Acme demo organization and print its logins."

    @transaction.atomic
    def handle(self, *args, **options):
        org, created = Organization.objects.get_or_create(
            slug="acme",
            defaults={"name": "Acme", "time_zone": "Europe/London", "fiscal_year_start_month": 4},
        )
        for email, name, role in PEOPLE:
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, PASSWORD, name=name
            )
            Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
        if created:
            self.populate(org)
        self.populate_conversations(org)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo company “{org}” is {'ready' if created else 'already there'}."
            )
        )
        for email, _name, role in PEOPLE:
            self.stdout.write(f"  {role.label:<22} {email:<22} password: {PASSWORD}")

    def populate(self, org):
        ceo = org.member_with_role(Role.CEO)
        today = org.today()
        PlanningCycle.create_shared(
            by=ceo,
            organization=org,
            name="Next half-year planning",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=32),
            notes="Offsite. Review every open constraint before committing the roadmap.",
        )

    def populate_conversations(self, org):
        for populate in CONVERSATIONS:
            populate(org)
