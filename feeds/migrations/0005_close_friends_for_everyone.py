"""Every account gets its "Close friends" circle now, so pages that list circles only read."""

from django.conf import settings
from django.db import migrations


def give_everyone_close_friends(apps, schema_editor):
    Circle = apps.get_model("feeds", "Circle")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    missing = User.objects.exclude(
        pk__in=Circle.objects.filter(is_close_friends=True).values("owner")
    ).values_list("pk", flat=True)
    Circle.objects.bulk_create(
        [Circle(owner_id=pk, name="Close friends", is_close_friends=True) for pk in list(missing)],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0004_crosspost_claim"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(give_everyone_close_friends, migrations.RunPython.noop)]
