"""The site's main pages, as the demo's owner of Natural Wine Club and a signed-out visitor
meet them: what the accessibility check walks and `make screenshots` photographs."""

OWNER_EMAIL = "ana@demo.sosoon.test"
COMMUNITY = "/c/natural-wine-club"
SIGNED_OUT = {
    "landing": "/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
}
SIGNED_IN = {
    "home": "/",
    "home-top": "/?order=top",
    "community": f"{COMMUNITY}/",
    "community-posts": f"{COMMUNITY}/posts/",
    "post": "{post}",
    "members": f"{COMMUNITY}/members/",
    "invitations": f"{COMMUNITY}/invitations/",
    "moderation": f"{COMMUNITY}/moderation/",
    "settings": f"{COMMUNITY}/settings/",
    "crossposts": f"{COMMUNITY}/crossposts/",
    "directory": "/c/",
    "notifications": "/notifications/",
    "messages": "/messages/",
    "circles": "/circles/",
    "profile": "/profile/",
    "search": "/search/?q=wine",
    "person": "/people/ben/",
}
# Run through `manage.py shell` on the site's database: the newest post every member of
# Natural Wine Club may see, for the post page.
NEWEST_COMMUNITY_POST = (
    "from feeds.models import Post; "
    "print(Post.objects.filter(community__slug='natural-wine-club', audience='community')"
    ".order_by('-created').values_list('pk', flat=True)[0])"
)


def signed_in_paths(post_id: str) -> dict[str, str]:
    """SIGNED_IN with the post page's path filled in."""
    return {name: path.format(post=f"/p/{post_id}/") for name, path in SIGNED_IN.items()}
