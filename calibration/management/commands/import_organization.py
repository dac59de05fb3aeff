import json

from django.core.management.base import BaseCommand, CommandError

from calibration.export import import_organization


class Command(BaseCommand):
    help = "Load an organization exported with export_organization (into a database without it)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        try:
            org = import_organization(data)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {org} ({org.slug}). Members set a password via “forgot password”."
            )
        )
