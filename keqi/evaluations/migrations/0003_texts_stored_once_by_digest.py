"""Facts and verdict texts stored once per distinct text (content-addressed): the
new tables and the columns pointing at them (filled by 0004, old columns dropped by
0005; three migrations so that PostgreSQL never alters a table with pending
constraint checks from the data step)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0002_run_progressed_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="TextDictionary",
            fields=[
                ("digest", models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name="摘要（BLAKE2b）")),
                ("kind", models.CharField(max_length=80, unique=True, verbose_name="用于")),
                ("body", models.BinaryField(verbose_name="样本内容")),
            ],
            options={
                "verbose_name": "压缩样本",
                "verbose_name_plural": "压缩样本",
            },
        ),
        migrations.CreateModel(
            name="FactsText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=32, unique=True, verbose_name="摘要（BLAKE2b）")),
                ("body", models.BinaryField(verbose_name="内容（压缩）")),
                ("dictionary", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.textdictionary", verbose_name="压缩样本")),
            ],
            options={
                "verbose_name": "评价所用数据",
                "verbose_name_plural": "评价所用数据",
            },
        ),
        migrations.CreateModel(
            name="VerdictText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(max_length=32, unique=True, verbose_name="摘要（BLAKE2b）")),
                ("body", models.BinaryField(verbose_name="内容（压缩）")),
                ("dictionary", models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.textdictionary", verbose_name="压缩样本")),
            ],
            options={
                "verbose_name": "结论全文",
                "verbose_name_plural": "结论全文",
            },
        ),
        migrations.AddField(
            model_name="evaluatedenterprise",
            name="facts_text",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.factstext", verbose_name="评价所用数据"),
        ),
        migrations.AddField(
            model_name="storedverdict",
            name="text",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="evaluations.verdicttext", verbose_name="结论全文"),
        ),
        migrations.AlterField(
            model_name="storedverdict",
            name="entry",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="verdicts", to="evaluations.evaluatedenterprise", verbose_name="参评企业"),
        ),
        migrations.AlterField(
            model_name="evaluatedenterprise",
            name="facts",
            field=models.TextField(default="", verbose_name="评价所用数据（JSON）"),
        ),
        migrations.AlterField(
            model_name="storedverdict",
            name="result",
            field=models.TextField(default="", verbose_name="结论全文（JSON）"),
        ),
    ]
