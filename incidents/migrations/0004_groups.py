"""The `editors` and `admins` groups.

Permissions are created here rather than left to post_migrate, which runs only after every migration: on a fresh
database they would not exist yet.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROJECT_APPS = ("incidents", "ingest")
EDITOR_MODELS = ("incident", "place", "actor", "incidentactor", "incidentsource", "unresolvedplace", "article")
EDITOR_HISTORY_MODELS = ("historicalincident", "historicalplace", "historicalactor")


def _create_all_permissions(apps):
    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module, and create_permissions skips such apps.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    _create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    editor_codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in ("view", "add", "change")]
    editor_codenames += [f"view_{model}" for model in (*EDITOR_HISTORY_MODELS, "source")]
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="incidents", codename__in=editor_codenames)
    )

    admins, _ = Group.objects.get_or_create(name="admins")
    admins.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=PROJECT_APPS),
        *Permission.objects.filter(content_type__app_label="auth", codename="view_user"),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editors", "admins"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("incidents", "0003_article_status_processing"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
