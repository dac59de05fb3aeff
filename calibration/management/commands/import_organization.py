from django.core.management.base import BaseCommand, CommandError

from calibration.imports import MAX_BYTES, Refused, import_organization, read_export


class Command(BaseCommand):
    help = (
        "Create a new organization from a file written by export_organization. Nothing that "
        "exists is changed: existing people are linked by email as members, never modified."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--slug", help="import under this slug rather than the file's (e.g. a second copy)"
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=MAX_BYTES,
            help=f"refuse larger files (default {MAX_BYTES:,})",
        )

    def handle(self, path, slug=None, max_bytes=MAX_BYTES, **options):
        try:
            org = import_organization(read_export(path, max_bytes), slug=slug)
        except Refused as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {org} as {org.slug}. New members set a password via “forgot password”."
            )
        )
