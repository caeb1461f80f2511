"""`manage.py qcluster`, which first makes sure the job queue's Redis answers.

django-q2's own command starts its processes and only then finds Redis gone, dying with a
traceback from a child process. This one asks the broker first and, if Redis does not
answer, stops with one line that names REDIS_URL. (sosoon_site is listed before django_q in
INSTALLED_APPS so that this command is the one `manage.py qcluster` runs.)
"""

from urllib.parse import urlsplit

from django.conf import settings
from django_q.brokers import get_broker
from django_q.management.commands.qcluster import Command as ClusterCommand
from redis.exceptions import RedisError


class Command(ClusterCommand):
    def handle(self, *args, **options):
        if settings.REDIS_URL:
            require_redis(settings.REDIS_URL)
        super().handle(*args, **options)


def require_redis(url: str) -> None:
    """Return if the broker's Redis answers a PING; otherwise exit with one line."""
    try:
        get_broker().connection.ping()
    except RedisError as error:
        # Only where Redis is, never the password a URL may carry.
        parts = urlsplit(url)
        where = parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
        raise SystemExit(
            f"qcluster cannot start: Redis at REDIS_URL ({where}) does not answer: {error}"
        ) from None
