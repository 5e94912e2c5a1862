"""Formerly seeded the institutions Baodi's 2019 plan names into every install.

They now come with the district's plan file (`institutions:` in
plans/baodi-2019.yaml, loaded by `keqi plan load`), so a new install of another
district gets none of Baodi's. This migration does nothing any more; installs
that ran it keep their rows (no migration deletes data), and reversing it
deletes nothing either.
"""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
