"""The "Moderators" group: site staff who handle reports, with nothing else.

Members of the group see reports, held content and the moderation log, act through the
moderation services (hide, delete, warn, mute, remove, ban, suspend, delete a community) and
look up people and communities by name for that. They cannot edit users, groups,
permissions, provider accounts or settings.
"""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("communities", "report", "view_report"),
    ("communities", "report", "change_report"),
    ("communities", "report", "moderate_everywhere"),
    ("communities", "report", "suspend_account"),
    ("communities", "report", "delete_any_community"),
    ("communities", "moderationaction", "view_moderationaction"),
    ("communities", "withheldcontent", "view_withheldcontent"),
    ("communities", "automoderation", "view_automoderation"),
    ("communities", "community", "view_community"),
    ("communities", "membership", "view_membership"),
    ("accounts", "user", "view_user"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; make them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        [
            Permission.objects.get(
                content_type__app_label=app, content_type__model=model, codename=codename
            )
            for app, model, codename in PERMISSIONS
        ]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
        ("communities", "0005_moderation"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
