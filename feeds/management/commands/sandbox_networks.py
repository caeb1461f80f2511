"""Serve the sandbox X, Pinterest and TikTok until Ctrl-C (`manage.py serve` starts it in
development). Refuses with DEBUG off."""

import signal
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from feeds.crossposting.sandbox.running import profile_urls, start_sandboxes


class Command(BaseCommand):
    help = "Serve the sandbox networks (development only)."

    def handle(self, *args, **options):
        try:
            sandboxes = start_sandboxes()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        for label, url in profile_urls().items():
            self.stdout.write(f"Sandbox {label}: {url}")
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        for sandbox in sandboxes:
            sandbox.save()
            sandbox.stop()
