from __future__ import annotations

import pytest
from django.test import Client

from keqi.accounts.models import User
from keqi.core.testing import persona


@pytest.fixture
def sysadmin(db):  # type: ignore[no-untyped-def]
    return persona("sysadmin")


@pytest.fixture
def secadmin(db):  # type: ignore[no-untyped-def]
    return persona("secadmin")


@pytest.fixture
def auditadmin(db):  # type: ignore[no-untyped-def]
    return persona("auditadmin")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
