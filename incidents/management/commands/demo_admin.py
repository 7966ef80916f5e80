"""Create or update the demo superuser (DEMO_ADMIN_USER / DEMO_ADMIN_PASSWORD) in the `admins` group.

Its password is known (printed, and a default in the README), so with DEBUG off it runs only when told explicitly:
`--allow-without-debug` or DEMO_ADMIN_ALLOW_WITHOUT_DEBUG=1."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create or update the demo admin from DEMO_ADMIN_USER / DEMO_ADMIN_PASSWORD (admin / atlas-demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="create the demo login even with DEBUG off (also DEMO_ADMIN_ALLOW_WITHOUT_DEBUG=1)",
        )

    def handle(self, *args, **options):
        allowed = options["allow_without_debug"] or os.environ.get("DEMO_ADMIN_ALLOW_WITHOUT_DEBUG", "") in {
            "1",
            "true",
        }
        if not settings.DEBUG and not allowed:
            raise CommandError(
                "DEBUG is off: refusing to create a superuser with a known password. Run it with DEBUG=1 (as "
                "`make demo` does), or pass --allow-without-debug (DEMO_ADMIN_ALLOW_WITHOUT_DEBUG=1) if you mean it."
            )
        username = os.environ.get("DEMO_ADMIN_USER", "").strip() or "admin"
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "") or "atlas-demo"
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = user.is_active = True
            # Re-setting the password keeps the printed credentials true after an env change.
            user.set_password(password)
            user.save()
            admins, _ = Group.objects.get_or_create(name="admins")
            user.groups.add(admins)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo admin: user {username!r}, password {password!r}"))
