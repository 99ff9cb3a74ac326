from pathlib import Path

from django.core.management.base import BaseCommand

from tracker import services
from tracker.reference import DIRECTORY, read_reference


class Command(BaseCommand):
    help = (
        "Create or refresh the reference entities, initiatives and topics. Safe to repeat: "
        "a second run changes nothing, and nothing editors added is ever removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=DIRECTORY, help="Directory of the reference JSON files."
        )

    def handle(self, *args, path: Path, **options):
        result = services.reference_load(data=read_reference(path))
        for skipped in result.skipped:
            self.stderr.write(f"skipped: {skipped}")
        if not result.changed:
            self.stdout.write("Reference data already up to date.")
            return
        for label, counts in (("created", result.created), ("updated", result.updated)):
            if counts:
                listed = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
                self.stdout.write(f"{label}: {listed}")
