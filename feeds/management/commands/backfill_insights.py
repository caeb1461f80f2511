"""Build Insights' history for existing communities from their posts, comments, reactions,
chat messages, feed visits and membership changes."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from communities.models import Community
from feeds.insights.days import local_day, today
from feeds.insights.rollups import roll_up_days


class Command(BaseCommand):
    help = "Roll up Insights for past days (every finished day since each community began)."

    def add_arguments(self, parser):
        parser.add_argument("--community", help="The community's address (slug); all if left out.")
        parser.add_argument(
            "--days", type=int, help="Only the last N finished days (default: since it began)."
        )

    def handle(self, *args, community=None, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        communities = Community.objects.all()
        if community:
            communities = communities.filter(slug=community)
            if not communities.exists():
                raise CommandError(f"No community has the address {community!r}.")
        for each in communities:
            last = today(each) - timedelta(days=1)
            if days is None:
                first = local_day(each, each.created_at)
            else:
                first = last - timedelta(days=days - 1)
            count = roll_up_days(each, first, last)
            self.stdout.write(f"{each.slug}: {count} days rolled up")
