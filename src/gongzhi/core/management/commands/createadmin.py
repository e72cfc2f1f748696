"""Create a superuser (password asked interactively or taken from GONGZHI_ADMIN_PASSWORD)."""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts.models import User


class Command(BaseCommand):
    help = "Create a superuser account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} exists")
        password = os.environ.get("GONGZHI_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if len(password) < 8:
            raise CommandError("the password needs at least 8 characters")
        User.objects.create_superuser(username=username, password=password, email="")
        self.stdout.write(f"superuser {username} created")
