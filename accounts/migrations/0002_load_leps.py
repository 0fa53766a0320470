"""Load the 38 Local Enterprise Partnerships (ONS, April 2020) with their LIS wave.

Idempotent: existing rows are matched by ONS code and brought up to date."""

from django.db import migrations


def load_leps(apps, schema_editor):
    from accounts.reference_data import organisations_load_leps

    organisations_load_leps(apps.get_model("accounts", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_leps, migrations.RunPython.noop)]
