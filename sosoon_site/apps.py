from django.apps import AppConfig


class SosoonSiteConfig(AppConfig):
    """The project package as an app: site-wide templates, commands, jobs and checks."""

    name = "sosoon_site"
    verbose_name = "Sosoon"

    def ready(self):
        from django.db.models.signals import post_migrate

        # Registers the deploy checks, shapes the per-request log line, and connects the
        # receivers that close sockets on sign-out.
        from sosoon_site import checks, request_log, socket_sessions  # noqa: F401
        from sosoon_site.connection_pools import forget_pools_in_forked_children
        from sosoon_site.jobs import ensure_schedules

        forget_pools_in_forked_children()

        post_migrate.connect(ensure_schedules, dispatch_uid="sosoon_site.ensure_schedules")
