"""Load the demo dataset: each installed app's `demo.seed()`, in INSTALLED_APPS order.

Running it twice changes nothing: every seeder creates only what is missing.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_modules():
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            yield import_module(f"{app_config.name}.demo")


class Command(BaseCommand):
    help = "Create the demo communities, people and posts (idempotent)."

    def handle(self, *args, **options):
        # The demo people share one published password: a production site must never have them.
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a known password; it runs only with DEBUG=1."
            )
        created = []
        with transaction.atomic():
            for module in demo_modules():
                created.extend(module.seed())
        if created:
            self.stdout.write(f"Demo data: created {len(created)} objects.")
        else:
            self.stdout.write("Demo data: already loaded, nothing changed.")
