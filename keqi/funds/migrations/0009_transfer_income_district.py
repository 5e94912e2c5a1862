"""上级转移支付 income belongs to one district, like its funds; an existing
install's income goes to its one district (accounts/0006 made it)."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def income_to_the_district(apps: Any, schema_editor: Any) -> None:
    District = apps.get_model("accounts", "District")
    TransferIncome = apps.get_model("funds", "TransferIncome")
    districts = list(District.objects.all()[:2])
    if len(districts) == 1:
        TransferIncome.objects.filter(district__isnull=True).update(
            district=districts[0]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_district"),
        ("funds", "0008_district"),
    ]

    operations = [
        migrations.AddField(
            model_name="transferincome",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.RunPython(income_to_the_district, migrations.RunPython.noop),
    ]
