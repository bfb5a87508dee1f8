"""Fill the organisation path of the entries written before it existed, as far as the
trail allows: the managing organisation of the person an entry names; else the organisation
an entry is about; else the subtree of whoever wrote it (their one organisation, or the
common ancestor of theirs). Entries of no one about nothing stay empty (shown to nobody but
still counted by the purge). Runs before the trigger of 0004, which would refuse the UPDATE."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

PATH_STEP = 4


def common_path(paths):  # type: ignore[no-untyped-def]
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    size = 0
    while size < len(first) and size < len(last) and first[size] == last[size]:
        size += 1
    return first[: size - size % PATH_STEP]


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry = apps.get_model("audit", "AuditEntry")
    person = apps.get_model("people", "Person")
    organisation = apps.get_model("organisations", "Organisation")
    assignment = apps.get_model("accounts", "Assignment")
    entry.objects.filter(org_path="", person__isnull=False).update(
        org_path=Subquery(
            person.objects.filter(pk=OuterRef("person_id")).values("organisation__path")[:1]
        )
    )
    about = entry.objects.filter(org_path="", object_type="organisations.organisation")
    for object_id in set(about.values_list("object_id", flat=True)):
        if not object_id.isdigit():
            continue
        path = organisation.objects.filter(pk=object_id).values_list("path", flat=True).first()
        if path:
            about.filter(object_id=object_id).update(org_path=path)
    rest = entry.objects.filter(org_path="", actor__isnull=False)
    for actor_id in set(rest.values_list("actor_id", flat=True)):
        paths = list(
            assignment.objects.filter(user_id=actor_id).values_list("organisation__path", flat=True)
        )
        path = common_path(paths)
        if path:
            rest.filter(actor_id=actor_id).update(org_path=path)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_entry_channel_and_organisation"),
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
