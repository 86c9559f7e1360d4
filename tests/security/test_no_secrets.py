"""No secret in the repository: private keys, cloud keys and hard-coded SECRET_KEYs are refused.

The scan walks the work tree's text files, leaving out what .gitignore leaves out (the virtualenv,
var/, caches, build output), i.e. what a commit would carry. The one SECRET_KEY literal allowed
is the public development key, which production refuses to start with.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Folders .gitignore leaves out (and .git itself): never part of a commit.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "build",
    "media",
    "staticfiles",
}
SKIPPED_SUFFIXES = (".egg-info",)
MAX_BYTES = 2 * 1024 * 1024  # larger files are data (images, vendored bundles are smaller)

FINDERS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(
        r"aws_?secret_?access_?key['\"]?\s*[:=]\s*['\"]?[A-Za-z0-9/+]{40}\b", re.IGNORECASE
    ),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "hard-coded SECRET_KEY": re.compile(r"\bSECRET_KEY\b\s*[:=]\s*['\"]([^'\"$\s{]{16,})['\"]"),
}
# The public development key: it is in settings.py on purpose, and production refuses it.
ALLOWED_SECRET_KEYS = re.compile(r"django-insecure-[a-z-]+|x+|test[\w-]*")


def repository_text_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(SKIPPED_SUFFIXES)]
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or path.stat().st_size > MAX_BYTES:
                continue
            head = path.read_bytes()
            if b"\0" in head[:8192]:
                continue  # binary
            found.append(path)
    return found


def findings(text: str) -> list[tuple[str, str]]:
    hits = []
    for kind, pattern in FINDERS.items():
        for match in pattern.finditer(text):
            if kind == "hard-coded SECRET_KEY" and ALLOWED_SECRET_KEYS.fullmatch(match.group(1)):
                continue
            hits.append((kind, match.group(0)[:60]))
    return hits


def test_the_scan_sees_the_source():
    names = {p.relative_to(REPO).as_posix() for p in repository_text_files()}
    assert {"jewelreview/settings.py", "pyproject.toml", "compose.yaml", "Dockerfile"} <= names
    assert not any(name.startswith((".venv/", "var/", ".git/")) for name in names)


def test_the_finders_find_what_they_look_for():
    fake_aws = "AKIA" + "ABCDEFGHIJKLMNOP"
    fake_key = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow..."
    fake_secret = 'SECRET_KEY = "' + secrets.token_urlsafe(40) + '"'
    kinds = {kind for kind, _ in findings("\n".join([fake_aws, fake_key, fake_secret]))}
    assert kinds == {"AWS access key id", "private key", "hard-coded SECRET_KEY"}
    assert findings('SECRET_KEY = "django-insecure-jewelreview-development-key-not-for-production-use"') == []
    assert findings('SECRET_KEY = env_str("SECRET_KEY")') == []


def test_no_secret_in_the_repository():
    problems = []
    for path in repository_text_files():
        text = path.read_text(errors="replace")
        problems += [(path.relative_to(REPO).as_posix(), kind, excerpt) for kind, excerpt in findings(text)]
    assert problems == []


def test_production_reads_the_secret_key_from_the_environment():
    key = secrets.token_urlsafe(64)
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(DJANGO_ENV="production", SECRET_KEY=key, ALLOWED_HOSTS="review.example.com")
    script = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY == os.environ['SECRET_KEY'], settings.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "jewelreview.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
