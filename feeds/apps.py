from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = "Feeds"

    def ready(self) -> None:
        from feeds.content import register_feed_content
        from feeds.services.circles import give_close_friends

        post_save.connect(
            give_close_friends, sender=settings.AUTH_USER_MODEL, dispatch_uid="give_close_friends"
        )

        register_feed_content()
        # What a person writes shows in their own Top at once (feeds/kept_rankings.py).
        from feeds.kept_rankings import forget_writer
        from feeds.models import Comment, Post, Reaction

        for model in (Post, Comment, Reaction):
            post_save.connect(forget_writer, sender=model, dispatch_uid=f"top_{model.__name__}")
        post_delete.connect(forget_writer, sender=Reaction, dispatch_uid="top_reaction_gone")
        # Cross-posting lives in its own package: its admin and its receivers (which cancel
        # cross-posts of posts that stop being public) load here.
        from feeds.crossposting import admin, receivers  # noqa: F401
        from feeds.crossposting.content import register_crossposting_content

        register_crossposting_content()
        # Digests too: their admin.
        from feeds.digests import admin as digest_admin  # noqa: F401

        # The weekly Insights email's claims are what its notifications point at.
        from feeds.insights.weekly import register_weekly_content

        register_weekly_content()
        # A member partner's link to their own numbers, in the sidebar of their community.
        from feeds.insights.partners.sections import register_partner_sections

        register_partner_sections()
        # Events' admin and receivers (a removed event's room closes), in its own package too.
        from feeds.events import admin as events_admin  # noqa: F401
        from feeds.events import receivers as events_receivers  # noqa: F401
