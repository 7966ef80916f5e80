"""Create or update the demo superuser (DEMO_ADMIN_USER / DEMO_ADMIN_PASSWORD) in the `admins` group."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create or update the demo admin from DEMO_ADMIN_USER / DEMO_ADMIN_PASSWORD (admin / atlas-demo)."

    def handle(self, *args, **options):
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
