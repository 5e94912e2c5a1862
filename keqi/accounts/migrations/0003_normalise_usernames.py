"""User names are now stored and typed in their normalised form (NFKC, casefolded,
stripped): rewrite existing ones, unless two would become the same (those are
left as they are, for the system administrator to sort out)."""

import unicodedata

from django.db import migrations


def _key(name):
    return unicodedata.normalize("NFKC", name).casefold().strip()[:150]


def normalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    names = list(User.objects.values_list("pk", "username"))
    keys = {}
    for pk, name in names:
        keys.setdefault(_key(name), []).append(pk)
    for pk, name in names:
        key = _key(name)
        if key != name and len(keys[key]) == 1:
            User.objects.filter(pk=pk).update(username=key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_lock_password_history_and_admin_roles"),
    ]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
