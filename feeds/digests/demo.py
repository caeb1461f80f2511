"""Demo digest choices: every demo member gets the default (weekly) digest of each community,
written down as a row so the preferences page and the admin show it."""

from communities.models import Membership, MembershipStatus
from feeds.digests.models import DEFAULT_FREQUENCY, DigestPreference


def seed() -> list[str]:
    created = []
    for membership in Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related(
        "user", "community"
    ):
        _, new = DigestPreference.objects.get_or_create(
            user=membership.user,
            community=membership.community,
            defaults={"frequency": DEFAULT_FREQUENCY},
        )
        if new:
            created.append(
                f"weekly digest of {membership.community.name} for {membership.user.handle}"
            )
    return created
