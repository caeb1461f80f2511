from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self) -> None:
        """Register each capability's content kinds, receivers and socket frame types."""
        from communities import signup  # noqa: F401 - connects the sign-up receivers
        from communities.chat import consumers, receivers, revocation  # noqa: F401
        from communities.chat.content import register_chat_content
        from communities.moderation.content import register_moderation_content
        from communities.notices import register_governance_content

        register_governance_content()
        register_moderation_content()
        register_chat_content()
