# A report may say "本月无进展" with a reason instead of filling every line (issue 16).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0002_target_milestone'),
    ]

    operations = [
        migrations.AddField(
            model_name='progressreport',
            name='no_progress',
            field=models.BooleanField(default=False, verbose_name='本月无进展'),
        ),
        migrations.AddField(
            model_name='progressreport',
            name='no_progress_reason',
            field=models.TextField(blank=True, verbose_name='无进展原因'),
        ),
    ]
