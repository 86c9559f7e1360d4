"""The OpenAPI schema and docs, the one error shape, and unknown API paths."""

from __future__ import annotations

import io

import pytest
from django.http import Http404
from drf_spectacular.validation import validate_schema
from rest_framework import exceptions as drf
from rest_framework.test import APIClient

from core.errors import InvalidRecipeError
from jewelreview.api.exceptions import exception_handler
from jewelreview.api.parsers import LimitedJSONParser
from jewelreview.errors import Conflict, TooLarge

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid_openapi(api):
    response = api.reviewer.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ["/api/auth/token/", "/api/photos/", "/api/photos/{photo_id}/", "/api/photos/{photo_id}/flag/",
                 "/api/photos/{photo_id}/revisions/", "/api/renders/{render_id}/", "/api/photos/{photo_id}/final.png",
                 "/api/uploads/", "/api/exports/status.csv", "/api/exports/approved.zip"]:
        assert path in paths, path
    flag = paths["/api/photos/{photo_id}/flag/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(flag["responses"])
    assert flag["responses"]["409"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    listed = {p["name"] for p in paths["/api/photos/"]["get"]["parameters"]}
    assert {"status", "sku", "batch", "assignee", "risk_min", "ordering", "page", "page_size"} <= listed
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_schema_says_status_filters_repeat_and_page_size_bounds(api):
    paths = api.reviewer.get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/photos/", "/api/skus/"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        status = params["status"]
        # an array in the query, form style exploded (OpenAPI's default): ?status=a&status=b
        assert status["schema"]["type"] == "array" and "enum" in status["schema"]["items"]
        assert status.get("style", "form") == "form" and status.get("explode", True) is True
        assert "repeat the parameter" in status["description"].lower()
    for path in ("/api/photos/", "/api/skus/", "/api/batches/"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert (params["page_size"]["schema"]["minimum"], params["page_size"]["schema"]["maximum"]) == (1, 500)
        assert (params["page"]["schema"]["type"], params["page"]["schema"]["minimum"]) == ("integer", 1)
        assert "under 1, is a 400" in params["page"]["description"]
        assert "past the last is a 404" in params["page"]["description"]
        assert {"400", "404"} <= set(paths[path]["get"]["responses"])


def test_every_operation_documents_its_errors(api):
    schema = api.reviewer.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (path, method)
            if path != "/api/auth/token/" or method != "post":
                assert {"401", "403"} <= codes, (path, method)


def test_docs_page_is_served(api, client, users):
    response = api.reviewer.get("/api/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()
    client.force_login(users.manager)  # a browser session, as the pages use
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs/?script").status_code == 200


def test_schema_needs_a_signed_in_user(api):
    for path in ("/api/schema/", "/api/schema/?format=json"):
        response = api.anonymous.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad_token.get("/api/schema/?format=json").status_code == 401


def test_docs_page_sends_anonymous_visitors_to_login(api):
    for path in ("/api/docs/", "/api/docs/?script"):
        response = api.anonymous.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/login/?next=/api/docs/"), response.url
        assert b"swagger" not in response.content.lower()


def test_unknown_api_paths_answer_json_404(api):
    response = api.reviewer.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"code": "no_such_endpoint",
                               "message": "No API endpoint at /api/nothing/here (API paths end with a slash).",
                               "details": {}}
    assert APIClient().post("/api/photos/1/dance/", {}, format="json").json()["code"] == "no_such_endpoint"
    newline = api.reviewer.get("/api/photos/a%0Ab/events/")
    assert newline.status_code == 404 and newline.json()["code"] == "no_such_endpoint"
    options = api.reviewer.options("/api/nothing/")
    assert options.status_code == 404 and "Allow" not in options


def test_method_not_allowed_has_the_shape(api, make_photo):
    response = api.manager.delete(f"/api/photos/{make_photo().pk}/")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": 'Method "DELETE" not allowed.', "details": {}}


def test_the_handler_maps_each_kind_of_error():
    context = {}
    conflict = exception_handler(Conflict("No.", code="stale_version", details={"version": 3}), context)
    assert (conflict.status_code, conflict.data) == (409, {"code": "stale_version", "message": "No.",
                                                           "details": {"version": 3}})
    core = exception_handler(InvalidRecipeError("must be 0..100", op_index=2, field="contrast"), context)
    assert (core.status_code, core.data) == (400, {"code": "invalid_recipe", "message": "ops[2].contrast: must be 0..100",
                                                   "details": {"op_index": 2, "field": "contrast"}})
    nested = exception_handler(drf.ValidationError({"pins": {0: {"x": ["A valid number is required."]}}}), context)
    assert nested.data == {"code": "invalid_input", "message": "pins.0.x: A valid number is required.",
                           "details": {"field": "pins", "fields": {"pins": {"0": {"x": ["A valid number is required."]}}}}}
    throttled = exception_handler(drf.Throttled(wait=12.2), context)
    assert (throttled.status_code, throttled["Retry-After"], throttled.data["details"]) == (429, "13",
                                                                                           {"wait_seconds": 13})
    assert exception_handler(Http404("No such page."), context).data == {
        "code": "not_found", "message": "No such page.", "details": {}
    }
    assert exception_handler(KeyError("a bug"), context) is None  # bugs stay 500s, logged by Django


def test_the_json_parser_caps_the_body_it_streams(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    parser = LimitedJSONParser()
    assert parser.parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}
    with pytest.raises(TooLarge, match="larger than 10 bytes"):
        parser.parse(io.BytesIO(b'{"a": "0123456789"}'))


def test_a_json_bomb_nested_too_deeply_is_400_not_500(api, make_photo):
    photo = make_photo(status="in_repair")
    body = b"[" * 200_000 + b"]" * 200_000  # 400 kB: under the size cap, past json's recursion
    response = api.manager.generic(
        "PUT", f"/api/photos/{photo.pk}/draft/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"
    assert "nests too deeply" in response.json()["message"]


def test_too_many_query_parameters_say_the_limit_and_what_to_do(api):
    query = "&".join(f"status=flagged&x{n}=1" for n in range(600))
    response = api.reviewer.get(f"/api/photos/?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "too_many_fields",
        "message": "Too many fields in one request: at most 1000 query parameters or form fields are read. "
        "Send fewer, in several requests.",
        "details": {"limit": 1000},
    }
