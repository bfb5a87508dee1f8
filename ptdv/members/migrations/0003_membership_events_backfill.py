"""Give the memberships that existed before the history their admission and recognition
(and exit) steps, from their dates and their dossier's decision documents."""

from django.db import migrations

from ptdv.members.backfill import backfill_events


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    backfill_events(
        apps.get_model("members", "PartyMembership"),
        apps.get_model("members", "MembershipEvent"),
        apps.get_model("candidacies", "CandidacyEvent"),
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("members", "MembershipEvent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_membership_events"),
        ("candidacies", "0008_event_action_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
