from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self) -> None:
        from communities import signup  # noqa: F401 - connects the sign-up receivers
        from communities.notifications import register_community_content

        register_community_content()
