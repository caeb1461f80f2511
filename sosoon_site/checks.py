"""Deploy checks (`manage.py check --deploy`): the settings production needs beyond Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_services(app_configs, **kwargs):
    problems = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning(
                "SQLite is the embedded default; production runs on PostgreSQL.",
                hint="Set DATABASE_URL=postgres://user@host:5432/sosoon (docs/deploy.md).",
                id="sosoon.W001",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "Without REDIS_URL, live updates reach only sockets on the same daphne process.",
                hint="Set REDIS_URL=redis://host:6379/0 (docs/deploy.md).",
                id="sosoon.W002",
            )
        )
    if settings.SOSOON_MAIL_DELIVERY_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "Email goes to the console, so nobody receives verification or invitations.",
                hint="Set EMAIL_HOST and friends, or EMAIL_BACKEND (docs/deploy.md).",
                id="sosoon.W003",
            )
        )
    return problems
