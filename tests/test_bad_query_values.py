"""No query value makes a list endpoint or a list page fail: every filter of every list endpoint
(read from the OpenAPI schema and from the views' FilterSets, so a new endpoint or filter is covered
without being listed here) and every field of every list page's filter form (read from the page)
is sent a NUL byte (400 with a message), a non-numeric value, an out-of-range number and a negative
one (a 400 with a message or the page, never a 5xx)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from oversight.roles import Role
from tests.test_role_matrix import ENTRIES

pytestmark = pytest.mark.django_db

BAD_VALUES = ("abc", "99999999999999999999", "-1", "1.5", "")
NUL = "\x00"
# A valid value for each required parameter, so the bad one is what the endpoint reads:
# dates (format "date" in the schema), months and quarters.
DATES = {"from": "2025-04-01", "to": "2025-06-30"}
OTHERS = {"from": "2025-04", "to": "2025-06", "period": "2025-26-Q1"}


def _required_value(name: str, parameter: dict[str, Any]) -> str:
    if parameter.get("schema", {}).get("format") == "date" and name in DATES:
        return DATES[name]
    if name in OTHERS:
        return OTHERS[name]
    raise AssertionError(f"add a valid value for the required parameter {name!r} to this test")


def _router_filters() -> dict[str, set[str]]:
    """List endpoint path → the names of its FilterSet's filters (from the views themselves)."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None) or {}
                view = getattr(pattern.callback, "cls", None)
                if actions.get("get") == "list" and view is not None:
                    filterset = getattr(view, "filterset_class", None)
                    names = set(filterset.base_filters) if filterset else set(getattr(view, "filterset_fields", ()))
                    found["/" + route.replace("^", "").replace("$", "")] = names

    walk(get_resolver().url_patterns, "")
    return found


def _api_list_endpoints() -> list[tuple[str, dict[str, str], set[str]]]:
    """(path, required query, every query parameter name) for each GET endpoint without path parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    filters = _router_filters()
    endpoints = []
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations or not path.startswith("/api/v1/"):
            continue
        parameters = {p["name"]: p for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        required = {name: _required_value(name, p) for name, p in parameters.items() if p.get("required")}
        endpoints.append((path, required, set(parameters) | filters.get(path, set())))
    assert len(endpoints) >= 15, "the schema lost its list endpoints"
    return endpoints


API_ENDPOINTS = _api_list_endpoints()
ALL_ROLES = [str(role) for role in Role]


def test_every_router_list_endpoint_is_in_the_schema() -> None:
    assert set(_router_filters()) <= {path for path, _required, _names in API_ENDPOINTS}


@pytest.mark.parametrize(("path", "required", "names"), API_ENDPOINTS, ids=[e[0] for e in API_ENDPOINTS])
def test_no_query_value_makes_an_api_list_fail(
    path: str, required: dict[str, str], names: set[str], api_client_for: Any
) -> None:
    client = api_client_for(*ALL_ROLES)
    for name in sorted(names | {"page"}):
        for value in (NUL, *BAD_VALUES):
            query = {**required, name: value}
            response = client.get(path, query)
            shown = f"GET {path}?{name}={value!r}"
            assert response.status_code < 500, f"{shown}: {response.status_code}"
            if value == NUL:
                assert response.status_code == 400, shown
                assert (
                    response.json()["message"]
                    == f"Parameter '{name}' contains a control character (U+0000): remove it."
                )
            elif response.status_code == 400:
                assert response.json()["message"], shown


class _GetFormFields(HTMLParser):
    """The names of the fields in a page's ``<form method="get">`` (its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_get_form = False
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif self.in_get_form and tag in ("input", "select", "textarea") and attributes.get("name"):
            self.names.add(str(attributes["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


PAGES = [
    e
    for e in ENTRIES
    if e.method == "get" and isinstance(e.path, str) and not e.path.startswith("/api/") and "format=" not in e.path
]


@pytest.mark.parametrize("entry", PAGES, ids=str)
def test_no_query_value_makes_a_list_page_fail(entry: Any, client_for: Any) -> None:
    client = client_for(*ALL_ROLES)
    page = client.get(entry.path)
    if page.status_code != 200 or "text/html" not in page["Content-Type"]:
        pytest.skip(f"{entry.path} is not a page for this user")
    form = _GetFormFields()
    form.feed(page.content.decode())
    separator = "&" if "?" in entry.path else "?"
    for name in sorted(form.names | {"page", "format"}):
        for value in (NUL, *BAD_VALUES):
            url = f"{entry.path}{separator}{quote(name)}={quote(value)}"
            response = client.get(url)
            assert response.status_code < 500, f"GET {url}: {response.status_code}"
            if value == NUL:
                assert response.status_code == 400, url
                assert re.search(r"contains a control character \(U\+0000\)", response.content.decode()), url


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/progress-updates/?period=%25zz",
        "/api/v1/rag-assessments/?period=1%25s",
        "/api/v1/kpis/?from=2025-04-01&to=2025-06-30&lpa=%25d",
    ],
)
def test_a_percent_sign_in_a_refused_value_is_quoted_not_formatted(api_client_for: Any, path: str) -> None:
    # The message quotes the value; a '%' in it once reached Python's % formatting in django-filter (a 500).
    response = api_client_for(str(Role.ADMINISTRATOR)).get(path)
    assert response.status_code == 400
    assert "%" in response.json()["message"]
