"""Run the whole platform in one terminal: daphne (pages + sockets), a django-q2 cluster and,
in development, the sandbox X, Pinterest and TikTok (feeds/crossposting/sandbox/) that the
cross-posting providers point at.

Ctrl-C (or SIGTERM) stops both cleanly; if either dies, the other is stopped too, so `make run`
never leaves a half-running platform behind.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from sosoon_site.accounts.demo import logins

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Serve Sosoon with daphne and run the background job cluster alongside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                host,
                "-p",
                str(port),
                "sosoon_site.asgi:application",
            ],
        )
        manage = str(settings.BASE_DIR / "manage.py")
        jobs = subprocess.Popen([sys.executable, manage, "qcluster"])
        children = [web, jobs]
        if settings.SOSOON_SANDBOX_NETWORKS:
            children.append(subprocess.Popen([sys.executable, manage, "sandbox_networks"]))
        self.announce(host, port)

        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        self.stop(children)
        failed = [child for child in children if child.returncode not in (0, -2, -15, None)]
        if failed and not stopping:
            sys.exit("Sosoon stopped because a process exited unexpectedly; see the log above.")
        self.stdout.write("Sosoon stopped.")

    def announce(self, host, port):
        self.stdout.write(self.style.SUCCESS(f"\nSosoon is running at http://{host}:{port}/"))
        self.stdout.write(f"Admin: http://{host}:{port}/admin/")
        self.stdout.write("Demo logins:")
        for email, password in logins():
            self.stdout.write(f"  {email:<28} {password}")
        if settings.SOSOON_SANDBOX_NETWORKS:
            # The sandbox process prints each network's page as it starts.
            base = f"http://{settings.SOSOON_SANDBOX_HOST}:{settings.SOSOON_SANDBOX_PORT}"
            self.stdout.write(
                f"Sandbox X, Pinterest and TikTok from {base}/ (ports "
                f"{settings.SOSOON_SANDBOX_PORT}-{settings.SOSOON_SANDBOX_PORT + 2}): "
                "Connected accounts connects to them."
            )
        self.stdout.write("Press Ctrl-C to stop.\n")

    def stop(self, children):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
