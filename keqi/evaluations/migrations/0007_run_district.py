"""An evaluation run belongs to a district (issue 17): it evaluates that
district's enterprises and only that district reads it.

Existing runs: on a one-district install every run goes to that district. Where
several districts exist, a run whose enterprises all lie in one district goes to
it; a run that evaluated several districts stays a city-wide run (no district),
which only the city reads.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def runs_to_districts(apps: Any, schema_editor: Any) -> None:
    District = apps.get_model("accounts", "District")
    EvaluationRun = apps.get_model("evaluations", "EvaluationRun")
    EvaluatedEnterprise = apps.get_model("evaluations", "EvaluatedEnterprise")
    districts = list(District.objects.all()[:2])
    if not districts:
        return
    if len(districts) == 1:
        EvaluationRun.objects.filter(district__isnull=True).update(
            district=districts[0]
        )
        return
    for run_id in EvaluationRun.objects.filter(district__isnull=True).values_list(
        "pk", flat=True
    ):
        found = set(
            EvaluatedEnterprise.objects.filter(run_id=run_id)
            .values_list("enterprise__area__district_id", flat=True)
            .distinct()
        )
        if len(found) == 1 and None not in found:
            EvaluationRun.objects.filter(pk=run_id).update(district_id=found.pop())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_district"),
        ("evaluations", "0006_verdicts_stored_as_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluationrun",
            name="district",
            field=models.ForeignKey(
                blank=True,
                help_text="空为全市（各区全部企业）",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.district",
                verbose_name="所属区",
            ),
        ),
        migrations.RunPython(runs_to_districts, migrations.RunPython.noop),
    ]
