# The subtree tallies move to candidacies (the data they count): state only, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_targets_snapshots_terms_plans_and_tallies"),
        ("candidacies", "0007_tallies_from_targets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AdmissionTally"),
                migrations.DeleteModel(name="PipelineTally"),
            ],
        ),
    ]
