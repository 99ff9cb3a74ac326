from pathlib import Path

from django.core.management.base import BaseCommand

from tracker.reference import DIRECTORY, read_reference
from tracker.services.reference import reference_load


class Command(BaseCommand):
    help = (
        "Create or refresh the reference entities, initiatives and topics. Safe to repeat: "
        "a second run changes nothing, nothing editors added is ever removed, and a field an "
        "editor changed is kept (and listed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=DIRECTORY, help="Directory of the reference JSON files."
        )

    def handle(self, *args, path: Path, **options):
        result = reference_load(data=read_reference(path))
        for skipped in result.skipped:
            self.stderr.write(f"skipped: {skipped}")
        for kept in result.kept:
            self.stdout.write(f"kept: {kept}")
        if result.kept:
            self.stdout.write(
                f"{len(result.kept)} field(s) edited by editors were kept; the reference data "
                "would have changed them (set them back in the admin to follow it again)."
            )
        if not result.changed:
            self.stdout.write("Reference data already up to date.")
            return
        for label, counts in (("created", result.created), ("updated", result.updated)):
            if counts:
                listed = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
                self.stdout.write(f"{label}: {listed}")
