"""``manage.py create_editor USERNAME [--password P] [--demo]``: an editor who can sign in to
the admin, in the "Editors" group (see migration tracker/0002_editors_group).

Safe to run again: an existing user is brought into the group and kept; their password changes
only when one is given. ``--demo`` generates and prints a password for a new demo account and
keeps an existing one's (``bin/demo`` runs it every time: the password someone noted must keep
working), saying so; ``--new-password`` generates a fresh one and prints that it changed. A given
password must pass ``AUTH_PASSWORD_VALIDATORS``, like one set in the admin or by changepassword.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS = "Editors"
DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create (or update) an editor: staff, in the Editors group."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="Defaults to 'demo' with --demo.")
        parser.add_argument("--password", help="Set this password (else a new user gets none "
                            "usable until one is set with changepassword).")  # fmt: skip
        parser.add_argument(
            "--demo",
            action="store_true",
            help="The demo account: user 'demo'; a new one gets a generated password, printed; "
            "an existing one keeps its password.",
        )
        parser.add_argument(
            "--new-password",
            action="store_true",
            help="Generate a fresh password (printed), replacing the current one.",
        )

    def handle(self, *args, username=None, password=None, demo=False, new_password=False,
               **options):  # fmt: skip
        username = username or (DEMO_USERNAME if demo else None)
        if not username:
            raise CommandError("Give a username (or --demo).")
        group = Group.objects.filter(name=EDITORS).first()
        if group is None:
            raise CommandError(f"No {EDITORS!r} group: run `manage.py migrate` first.")
        User = get_user_model()
        existing = User.objects.filter(username=username).first()
        kept = False
        if not password:
            if new_password:
                password = secrets.token_urlsafe(12)
            elif demo:
                kept = existing is not None and existing.has_usable_password()
                password = None if kept else secrets.token_urlsafe(12)
        if password:
            try:
                validate_password(password, user=existing or User(username=username))
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            user.is_staff, user.is_active = True, True
            if password:
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()
            user.groups.add(group)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} editor {username!r} (group {EDITORS})."))
        if kept:
            self.stdout.write(
                f"  username: {username}\n  password: unchanged (the one printed when the account "
                f"was made; `manage.py create_editor {username} --new-password` replaces it)"
            )
        elif password and (demo or new_password):
            changed = "" if created else " (CHANGED: the previous password no longer works)"
            self.stdout.write(f"  username: {username}\n  password: {password}{changed}")
        elif created and not password:
            self.stdout.write(f"Set a password with: manage.py changepassword {username}")
