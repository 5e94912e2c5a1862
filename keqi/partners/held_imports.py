"""A checked import file kept until the user confirms its warnings.

An import whose rows only warn (避免重复走访) is previewed first: the uploaded file
is kept under MEDIA_ROOT with a random token that only the uploader's session
knows, and the confirmation imports that same file, not a new upload. One file
is held per session and list; holding another, confirming or a failed token
removes the file.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings

FOLDER = "partners-held-imports"
SESSION_KEY = "keqi_partners_held_import"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def held_put(session: Any, kind: str, source: Path) -> str:
    """Keep a copy of `source` for `kind`; the token to confirm it with."""
    held = dict(session.get(SESSION_KEY) or {})
    old = held.get(kind)
    if old:
        _remove(old["token"])
    token = secrets.token_hex(16)
    folder = _root() / token
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / source.name)
    held[kind] = {"token": token, "name": source.name}
    session[SESSION_KEY] = held
    return token


def held_take(session: Any, kind: str, token: str) -> Path | None:
    """The held file of `kind` when `token` is the session's, else None. The
    caller imports it and then calls `held_drop`."""
    entry = (session.get(SESSION_KEY) or {}).get(kind)
    if not entry or not token or not secrets.compare_digest(entry["token"], token):
        return None
    path = _root() / entry["token"] / entry["name"]
    return path if path.is_file() else None


def held_drop(session: Any, kind: str) -> None:
    """Forget and remove the held file of `kind`."""
    held = dict(session.get(SESSION_KEY) or {})
    entry = held.pop(kind, None)
    if entry:
        _remove(entry["token"])
    session[SESSION_KEY] = held


def _remove(token: str) -> None:
    if token.isalnum():
        shutil.rmtree(_root() / token, ignore_errors=True)
