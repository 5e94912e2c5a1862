from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from keqi.accounts.models import User

normalise = importlib.import_module(
    "keqi.accounts.migrations.0003_normalise_usernames"
).normalise


@pytest.mark.django_db
def test_existing_names_are_normalised_unless_two_would_collide() -> None:
    for name in ("Wang ", "ＬＩ", "zhao", "Zhao", "chen"):
        User.objects.create(username=name)
    normalise(apps, None)
    names = set(User.objects.values_list("username", flat=True))
    assert names == {"wang", "li", "zhao", "Zhao", "chen"}
