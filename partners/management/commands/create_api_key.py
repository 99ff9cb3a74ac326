from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.services import api_key_create
from reex.api.permissions import SCOPES


class Command(BaseCommand):
    help = "Create a partner API key and print it, once: only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who holds the key, e.g. the partner's name.")
        parser.add_argument(
            "--scopes", nargs="+", default=["read"], choices=SCOPES, help="Default: read."
        )
        parser.add_argument("--rate", type=int, default=120, help="Requests per minute.")

    def handle(self, *args, name: str, scopes: list[str], rate: int, **options):
        try:
            api_key, raw = api_key_create(name=name, scopes=scopes, rate_per_minute=rate)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"Key {api_key.prefix}… for {api_key.name}: scopes {', '.join(api_key.scopes)}, "
            f"{api_key.rate_per_minute}/minute. It is shown only this once."
        )
        self.stdout.write(raw)
