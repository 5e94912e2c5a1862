"""Builders for API tests: a token per persona and a client that sends it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from keqi.api.services import api_token_create
from keqi.core.testing import persona


def token_for(user: Any, name: str = "测试对接") -> str:
    """A fresh token key for the user (made by the user)."""
    return api_token_create(user=user, name=name, actor=user).key


class Api:
    """A test client that calls the API with one token."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Token {key}"} if key else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        if "format" in kwargs and kwargs.pop("format") == "multipart":
            return self.client.post(path, data, headers=self.headers)
        return self.client.post(
            path, data or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(
            path, data, content_type="application/json", headers=self.headers
        )


def api_as(name: str) -> Api:
    """A client holding a token of the named persona."""
    return Api(token_for(persona(name)))
