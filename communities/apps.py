from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self) -> None:
        """Register each capability's content kinds, screens, receivers and socket frame
        types with governance's registries and signals (docs/architecture.md)."""
        from communities import signup  # noqa: F401 - connects the sign-up receivers
        from communities.chat import consumers, receivers, revocation  # noqa: F401
        from communities.chat.content import register_chat_content
        from communities.moderation import receivers as moderation_receivers  # noqa: F401
        from communities.moderation.content import register_moderation_content
        from communities.moderation.screens import register_moderation_screening
        from communities.notices import register_governance_content
        from communities.notifications import receivers as notification_receivers  # noqa: F401

        register_governance_content()
        register_moderation_content()
        register_moderation_screening()
        register_chat_content()
