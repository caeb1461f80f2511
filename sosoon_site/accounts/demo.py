"""Demo people for `make run`. Idempotent: existing accounts are left exactly as they are."""

from allauth.account.models import EmailAddress

from sosoon_site.accounts.models import User

DEMO_PASSWORD = "sosoon-demo"
DEMO_PEOPLE = [
    # (email, handle, display name, site superuser)
    ("admin@demo.sosoon.test", "admin", "Site Admin", True),
    ("ana@demo.sosoon.test", "ana", "Ana Lima", False),
    ("ben@demo.sosoon.test", "ben", "Ben Okafor", False),
    ("chloe@demo.sosoon.test", "chloe", "Chloé Martin", False),
    ("dev@demo.sosoon.test", "dev", "Dev Patel", False),
    ("emma@demo.sosoon.test", "emma", "Emma Schulz", False),
    ("farid@demo.sosoon.test", "farid", "Farid Haddad", False),
    ("gina@demo.sosoon.test", "gina", "Gina Rossi", False),
    ("hugo@demo.sosoon.test", "hugo", "Hugo Berg", False),
]


def seed() -> list[str]:
    """Create the demo accounts that are missing; return what was created, for the log."""
    created = []
    for email, handle, display_name, superuser in DEMO_PEOPLE:
        if User.objects.filter(email=email).exists():
            continue
        details = {"password": DEMO_PASSWORD, "handle": handle, "display_name": display_name}
        if superuser:
            User.objects.create_superuser(email=email, **details)  # its address comes verified
        else:
            user = User.objects.create_user(email=email, **details)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        created.append(f"account {email}")
    return created


def logins() -> list[tuple[str, str]]:
    """(email, password) pairs to print when `make run` starts."""
    return [(email, DEMO_PASSWORD) for email, *_ in DEMO_PEOPLE]
