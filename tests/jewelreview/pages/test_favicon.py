"""/favicon.ico, which browsers ask for on pages that name no icon (the admin's)."""

from django.contrib.staticfiles import finders


def test_it_is_the_site_s_icon(browsers):
    response = browsers.anonymous.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg") is not None
