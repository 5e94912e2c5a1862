"""A fund belongs to one district (one install may serve several); the funds of
an existing install go to its one district (accounts/0006 made it)."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def funds_to_the_district(apps: Any, schema_editor: Any) -> None:
    District = apps.get_model("accounts", "District")
    Fund = apps.get_model("funds", "Fund")
    districts = list(District.objects.all()[:2])
    if len(districts) == 1:
        Fund.objects.filter(district__isnull=True).update(district=districts[0])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_district"),
        ("funds", "0007_transfer_income"),
    ]

    operations = [
        migrations.AddField(
            model_name="fund",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funds",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.RunPython(funds_to_the_district, migrations.RunPython.noop),
    ]
