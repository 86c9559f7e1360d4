"""/ sends each role to its start page; /home/ lists what the user may do; the header shows who is signed in."""

from __future__ import annotations

import pytest

from jewelreview.pages.navigation import start_url_name

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(browsers):
    response = browsers.anonymous.get("/")
    assert response.status_code == 302 and response.url == "/login/?next=/"


@pytest.mark.parametrize(
    ("role", "start"),
    [("manager", "/dashboard/"), ("reviewer", "/queue/"), ("retoucher", "/retouch/"), ("nobody", "/home/")],
)
def test_each_role_lands_on_its_start_page(browsers, role, start):
    response = getattr(browsers, role).get("/")
    assert response.status_code == 302 and response.url == start


def test_a_superuser_starts_where_managers_do(django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="pw")
    assert start_url_name(admin) == "pages:dashboard"


def test_home_lists_what_a_reviewer_may_do(browsers):
    response = browsers.reviewer.get("/home/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>approve photos</li>" in html and "<li>flag photos</li>" in html
    assert "import batches" not in html
    assert 'href="/uploads/"' not in html  # no link to a page the role may not open
    assert '<a href="/queue/">The review queue</a>' in html and '<a href="/grid/">The grid</a>' in html
    assert "on their way" not in html  # the pages exist: the home page leads to them


def test_home_leads_a_retoucher_to_their_work_and_a_manager_everywhere(browsers):
    retoucher = browsers.retoucher.get("/home/").content.decode()
    assert '<a href="/retouch/">My work</a>' in retoucher and "The review queue" not in retoucher
    manager = browsers.manager.get("/home/").content.decode()
    assert all(f'<a href="/{page}/">' in manager for page in ("uploads", "dashboard", "retouch"))


def test_home_tells_a_user_without_a_role_to_ask_a_manager(browsers):
    html = browsers.nobody.get("/home/").content.decode()
    assert "Your account has no role yet" in html


def test_header_shows_product_user_role_and_a_sign_out_button(browsers):
    html = browsers.manager.get("/home/").content.decode()
    assert ">jewelreview</a>" in html
    assert "Signed in as <strong>mona</strong>" in html and "(manager)" in html
    assert 'action="/logout/"' in html and ">Sign out</button>" in html
    assert 'href="/uploads/"' in html
    # CSP friendly: a stylesheet, no inline scripts or styles.
    assert 'href="/static/css/base.css"' in html
    assert "<script" not in html and "<style" not in html and "style=" not in html


def test_home_needs_sign_in(browsers):
    assert browsers.anonymous.get("/home/").url == "/login/?next=/home/"


def test_pages_are_never_kept_by_the_browser_so_back_shows_the_photo_as_it_is_now(browsers, make_photo):
    photo = make_photo()
    for url in ("/home/", "/queue/", f"/photos/{photo.pk}/review/", "/grid/", "/login/"):
        client = browsers.anonymous if url == "/login/" else browsers.reviewer
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    api = browsers.reviewer.get(f"/api/photos/{photo.pk}/")
    assert api.status_code == 200 and "no-store" not in api.get("Cache-Control", "")
