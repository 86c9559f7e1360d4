"""Production settings: `check --deploy` clean, and the transport and browser protections switched on.

(tests/jewelreview/test_settings.py checks that production refuses weak keys and missing hosts.)
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({
    "debug": settings.DEBUG,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "csp": settings.SECURE_CSP.get("default-src"),
    "csp_middleware": "django.middleware.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE,
    "x_frame_options": settings.X_FRAME_OPTIONS,
    "referrer_policy": settings.SECURE_REFERRER_POLICY,
    "coop": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
}))
"""


def test_production_settings_pass_check_deploy_with_every_protection_on():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="review.example.com",
        JEWELREVIEW_TASK_BACKEND="rq",
        DJANGO_SETTINGS_MODULE="jewelreview.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {
        "debug": False,
        "session_cookie_secure": True,
        "csrf_cookie_secure": True,
        "ssl_redirect": True,
        "hsts": 31_536_000,
        "csp": ["'self'"],
        "csp_middleware": True,
        "x_frame_options": "DENY",
        "referrer_policy": "same-origin",
        "coop": "same-origin",
    }
