"""Seed a large dataset for benchmarks: `manage.py seed_bulk` (2,000 members, 50
communities, 1,000,000 posts with comments and reactions); flags scale it down or up.
Running it again adds posts to the same people and communities."""

import random
import time

from django.core.management.base import BaseCommand

from feeds.bulk_seed import seed_people, seed_posts


class Command(BaseCommand):
    help = "Seed many members, communities, posts, comments and reactions with bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2_000)
        parser.add_argument("--communities", type=int, default=50)
        parser.add_argument("--communities-per-member", type=int, default=5)
        parser.add_argument("--posts", type=int, default=1_000_000)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--comments-per-post", type=float, default=0.5)
        parser.add_argument("--reactions-per-post", type=float, default=1.5)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        start = time.perf_counter()
        world = seed_people(
            members=options["members"],
            communities=options["communities"],
            per_member=options["communities_per_member"],
            rng=rng,
        )
        self.stdout.write(f"People and communities ready in {time.perf_counter() - start:.1f} s.")
        seed_posts(
            world,
            posts=options["posts"],
            days=options["days"],
            comments_per_post=options["comments_per_post"],
            reactions_per_post=options["reactions_per_post"],
            rng=rng,
            progress=lambda done: self.stdout.write(f"  {done:,} posts"),
        )
        self.stdout.write(f"Done in {time.perf_counter() - start:.1f} s.")
