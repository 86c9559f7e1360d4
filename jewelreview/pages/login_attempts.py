"""Failed sign-ins on the login page, counted per username and client address.

The API's token endpoint has its own throttle (``jewelreview.api.throttles``); this is the page's.
After ``MAX_FAILED_LOGINS`` failures for one username from one address, that pair is refused for
the rest of a ``FAILED_LOGIN_WINDOW_SECONDS`` window (counted from the first failure), even with
the right password; a successful sign-in clears the count. Keying on the pair means a guesser
cannot lock a person out from elsewhere.

Counts live in Django's default cache: per process with the default local-memory cache, shared
between processes (gunicorn workers, machines) once a shared cache is configured.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

# Ten tries cover a person who mistyped a few times; a guesser gets 40 an hour per address.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW_SECONDS = 15 * 60
_KEY_PREFIX = "pages:login-failures:"


def _key(*, request: HttpRequest, username: str) -> str:
    # REMOTE_ADDR, not X-Forwarded-For: a guesser could change that header on every attempt.
    address = request.META.get("REMOTE_ADDR") or "unknown"
    # Hashed: usernames may hold characters that some cache backends refuse in keys.
    digest = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
    return _KEY_PREFIX + digest


def login_attempts_exhausted(*, request: HttpRequest, username: str) -> bool:
    return cache.get(_key(request=request, username=username), 0) >= MAX_FAILED_LOGINS


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    key = _key(request=request, username=username)
    # add() starts the window; incr() keeps its expiry (locmem, Redis and memcached alike).
    cache.add(key, 0, timeout=FAILED_LOGIN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=FAILED_LOGIN_WINDOW_SECONDS)


def login_failures_clear(*, request: HttpRequest, username: str) -> None:
    cache.delete(_key(request=request, username=username))
