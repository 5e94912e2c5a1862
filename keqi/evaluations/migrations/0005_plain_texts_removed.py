"""The plain-text columns go: runs read their texts from FactsText / VerdictText."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0004_runs_moved_to_stored_texts"),
    ]

    operations = [
        migrations.RemoveField(model_name="storedverdict", name="entry"),
        migrations.RemoveField(model_name="storedverdict", name="result"),
        migrations.RemoveField(model_name="evaluatedenterprise", name="facts"),
        migrations.AlterField(
            model_name="evaluatedenterprise",
            name="facts_text",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.factstext", verbose_name="评价所用数据"),
        ),
        migrations.AlterField(
            model_name="storedverdict",
            name="text",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.verdicttext", verbose_name="结论全文"),
        ),
        migrations.AlterField(
            model_name="evaluatedenterprise",
            name="run",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="entries", to="evaluations.evaluationrun", verbose_name="评价批次"),
        ),
        migrations.AlterField(
            model_name="storedverdict",
            name="run",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="evaluations.evaluationrun", verbose_name="评价批次"),
        ),
    ]
