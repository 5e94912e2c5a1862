"""Request rate limits (429 with a Chinese message naming the wait).

Rates come from settings on every request (KEQI_API_RATE_USER, KEQI_API_RATE_ANON),
so an installation tunes them by environment. Counts live in Django's cache: with
the default in-process cache each server process counts on its own.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling


class UserThrottle(throttling.UserRateThrottle):
    """Per signed-in user (all of the user's tokens together)."""

    def get_rate(self) -> str:
        return str(settings.KEQI_API_RATE_USER)


class AnonThrottle(throttling.AnonRateThrottle):
    """Per address, for calls without a valid token."""

    def get_rate(self) -> str:
        return str(settings.KEQI_API_RATE_ANON)
