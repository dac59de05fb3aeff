from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from calibration.export import export_json


class Command(BaseCommand):
    help = "Write all of an organization's data as JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, slug, **options):
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"No organization with slug {slug!r}.")
        self.stdout.write(export_json(org))
