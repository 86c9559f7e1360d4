"""Addresses that only take a form's submission answer a visit with a page, not Django's blank 405."""

import pytest


@pytest.mark.parametrize(
    "who, address, says, back",
    [
        ("manager", "/dashboard/autofix/", "queues auto-fix for a batch", 'href="/dashboard/"'),
        ("reviewer", "/queue/next/", "opens the next photo to review", 'href="/queue/"'),
        ("retoucher", "/retouch/1/claim/", "claims, releases or submits a photo", 'href="/retouch/"'),
    ],
)
def test_visiting_a_form_address_says_what_it_is_for_and_links_back(browsers, who, address, says, back):
    response = getattr(browsers, who).get(address)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "<h1>Nothing to show here</h1>" in html and says in html and back in html
    assert "no-store" in response["Cache-Control"]


def test_visiting_logout_offers_the_sign_out_button_and_signing_out_still_works(browsers):
    response = browsers.reviewer.get("/logout/")
    assert response.status_code == 405
    html = response.content.decode()
    assert '<form method="post" action="/logout/">' in html and ">Sign out</button>" in html
    assert browsers.reviewer.post("/logout/").status_code == 302
    assert browsers.reviewer.get("/queue/").status_code == 302  # signed out: to the login page


def test_a_visitor_who_is_not_signed_in_gets_no_sign_out_button(browsers):
    html = browsers.anonymous.get("/logout/").content.decode()
    assert "Sign out</button>" not in html and "you are not signed in" in html


def test_other_methods_and_the_api_keep_their_answers(browsers):
    assert browsers.manager.put("/dashboard/autofix/").content == b""  # only visits get the page
    api = browsers.manager.get("/api/queue/next/")
    assert api.status_code == 405 and api["Content-Type"].startswith("application/json")



def test_a_visit_is_logged_once(browsers, caplog):
    with caplog.at_level("WARNING", logger="django.request"):
        browsers.manager.get("/dashboard/autofix/")
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "Method Not Allowed (GET): /dashboard/autofix/"
    ]


def test_a_head_request_gets_the_405_without_a_body(browsers):
    response = browsers.manager.head("/dashboard/autofix/")
    assert response.status_code == 405 and response["Allow"] == "POST" and response.content == b""
