"""Security headers and the Content Security Policy on every page (Django 6's built-in CSP middleware).

The policy allows only this site's own scripts and styles; the templates carry no inline script,
event handler attribute, ``style=`` attribute or ``<style>`` element (checked here too, on the
source, so a new template cannot slip one in before the browser test runs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    # The one <style> OpenSeadragon adds, by hash (see settings.OPENSEADRAGON_STYLE_HASH).
    "style-src": "'self' 'sha256-9xTiqzfwFaL2SGb1rmr8gysEwVVjIvqWAgmZgqFqpEE='",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# (role, path): every main page, as someone allowed to open it.
PAGES = [
    ("anonymous", "/login/"),
    ("nobody", "/home/"),
    ("manager", "/uploads/"),
    ("reviewer", "/queue/"),
    ("reviewer", "/grid/"),
    ("retoucher", "/retouch/"),
    ("manager", "/dashboard/"),
    ("manager", "/dashboard/photos/"),
]


def policy(header: str) -> dict[str, str]:
    directives = [part.strip() for part in header.split(";") if part.strip()]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in directives}


def assert_security_headers(response) -> None:
    assert policy(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_pages_send_the_policy_and_security_headers(role, path, session_clients):
    response = session_clients[role].get(path)
    assert response.status_code == 200, response.content[:200]
    assert_security_headers(response)


def test_the_review_page_sends_them_too(session_clients, make_photo):
    photo = make_photo()
    response = session_clients["reviewer"].get(f"/photos/{photo.pk}/review/")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/", "/queue/", "/admin/login/"])
def test_redirects_and_the_admin_carry_them(path, session_clients):
    assert_security_headers(session_clients["anonymous"].get(path))


def test_error_pages_carry_them(session_clients):
    forbidden = session_clients["reviewer"].get("/dashboard/")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden)


def test_api_answers_carry_them(api):
    assert_security_headers(api.reviewer.get("/api/me/"))
    assert_security_headers(api.anonymous.get("/api/me/"))


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def test_the_templates_exist():
    assert len(template_files()) >= 10


@pytest.mark.parametrize("template", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_nothing_inline_that_the_policy_blocks(template):
    text = template.read_text()
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on* event handler attribute", EVENT_HANDLER),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found = pattern.search(text)
        assert found is None, f"{template.name}: {name} at {found.group(0)!r}"


def test_the_openseadragon_style_hash_matches_the_vendored_library(settings):
    """The policy lets OpenSeadragon's one injected <style> through by hash; it must be that text's hash."""
    import base64
    import hashlib

    vendored = (TEMPLATES.parent / "static" / "vendor").glob("openseadragon-*/openseadragon.min.js")
    source = next(vendored).read_text()
    injected = re.search(r'data-openseadragon-mobile-css","true"\);\w+\.textContent="([^"]*)"', source)
    assert injected is not None, "OpenSeadragon no longer injects its mobile CSS the way it did"
    digest = base64.b64encode(hashlib.sha256(injected.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.SECURE_CSP["style-src"]


def test_the_api_docs_page_runs_no_inline_script(session_clients):
    page = session_clients["reviewer"].get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert INLINE_SCRIPT.search(html) is None and STYLE_ELEMENT.search(html) is None
    assert_security_headers(page)
    script = session_clients["reviewer"].get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
