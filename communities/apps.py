from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self) -> None:
        from communities import signup  # noqa: F401 - connects the sign-up receivers
        from communities.chat_content import register_chat_content
        from communities.notifications import register_community_content

        register_community_content()
        register_chat_content()
        # Connect chat's revocation receivers and register its socket frame types.
        from communities import chat_revocation, consumers  # noqa: F401
