"""The people and places the soak walks: the demo data (`seed_demo`, run under DEBUG=1 as the
development command it is) and `members` more people with a known password, every one in
Vintage Synth Makers and every other one in the Natural Wine Club too, two more chat rooms,
and the synth community's X account on the sandbox network. Sockets open in the rooms every
member may read."""

import json
from dataclasses import dataclass

from tests.rehearsal.topology import Install

PASSWORD = "rehearsal pass phrase 42"

PEOPLE = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from communities.models import ChatRoom, Community
from communities.chat.services import do_create_room
from communities.services.membership_rules import do_add_member
from feeds.crossposting.models import ExternalAccount
from feeds.models import Post
from sosoon_site.accounts.models import User

wine = Community.objects.get(slug="natural-wine-club")
synth = Community.objects.get(slug="vintage-synth-makers")
people = []
# One hash for all: hashing is slow on purpose, and the server checks each sign-in anyway.
hashed = make_password({password!r})
for n in range({members}):
    email = f"member{{n:03}}@rehearsal.sosoon.test"
    user = User(email=email, handle=f"member{{n:03}}", display_name=f"Member {{n}}")
    user.password = hashed
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    do_add_member(user, synth, tier=synth.tiers.get(rank=0))
    if n % 2 == 0:
        do_add_member(user, wine, tier=wine.tiers.get(rank=0))
    people.append({{"email": email, "handle": user.handle, "wine": n % 2 == 0}})
do_create_room(wine, name="tasting-notes")
do_create_room(synth, name="patch-bay")
# The rooms every member of its community may read, by chat's one rule as the first person
# (a base-tier member of both) meets it: not a tier room, nor an event's room for those going.
first = User.objects.get(handle="member000")
readable = ChatRoom.objects.readable_by(first, direct=False).filter(
    community__in=[wine, synth], archived=False
)
rooms = sorted(
    ({{"id": room.pk, "community": room.community.slug}} for room in readable),
    key=lambda room: room["id"],
)
account = ExternalAccount(
    community=synth, platform="x", external_id={x_user_id!r}, handle={x_username!r}
)
account.access_token, account.refresh_token = {access!r}, {refresh!r}
account.save()
teaser = Post.objects.filter(community=synth, audience="public").order_by("pk").first()
posts = {{
    slug: sorted(Post.objects.filter(community__slug=slug).values_list("pk", flat=True))
    for slug in (wine.slug, synth.slug)
}}
print(json.dumps({{"people": people, "rooms": rooms, "teaser": teaser.pk, "posts": posts}}))
"""


@dataclass(frozen=True)
class Cast:
    """Who and what the seed made."""

    people: list[dict]
    rooms: list[dict]
    teaser: int
    posts: dict[str, list[int]]

    def in_community(self, slug: str) -> list[dict]:
        return [person for person in self.people if slug != "natural-wine-club" or person["wine"]]


def seed(install: Install, *, members: int, x_account: dict) -> Cast:
    """Seed the rehearsal's database; who and what it holds."""
    install.shell("from django.core.management import call_command\ncall_command('seed_demo')",
                  DEBUG="1")  # fmt: skip
    printed = install.shell(
        PEOPLE.format(members=members, password=PASSWORD, **x_account), DEBUG="1"
    )
    return Cast(**json.loads(printed.splitlines()[-1]))
