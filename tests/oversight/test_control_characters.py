"""Control characters are refused wherever text comes in (oversight.text): query strings and form
fields (middleware), JSON bodies (parser) and every service's full_clean (clean_or_raise)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.exceptions import ParseError

from oversight.errors import ApplicationError, clean_or_raise
from oversight.models import User
from oversight.parsers import MAX_DEPTH, JSONParser
from oversight.text import control_character, control_character_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_every_control_character_but_tab_newline_and_return_is_refused(character: str) -> None:
    assert control_character(f"a{character}b") == character
    assert control_character(f"a{character}b", multiline=False) == character


def test_multi_line_text_may_hold_tab_newline_and_return_but_a_single_line_may_not() -> None:
    assert control_character("one\ttwo\r\nthree") is None
    assert control_character("one\ttwo", multiline=False) == "\t"
    assert control_character("one\ntwo", multiline=False) == "\n"
    assert control_character("Crime ref 20/1/25 – café ✓") is None  # other characters are fine
    assert control_character_error("a\x0bb") == "contains a control character (U+000B): remove it"


def test_a_service_refuses_a_control_character_in_a_model_field() -> None:
    user = User(email="x@example.org", full_name="Ann\x0bOther")
    with pytest.raises(ApplicationError) as refused:
        clean_or_raise(user, exclude=["password"])
    assert refused.value.message == "Full name contains a control character (U+000B): remove it."
    assert refused.value.extra == {"full_name": ["Full name contains a control character (U+000B): remove it."]}


def test_a_single_line_field_refuses_a_newline() -> None:
    user = User(email="x@example.org", full_name="Ann\nOther")
    with pytest.raises(ApplicationError, match=r"Full name contains a control character \(U\+000A\)"):
        clean_or_raise(user, exclude=["password"])


def _parse(body: str) -> Any:
    import io

    return JSONParser().parse(io.BytesIO(body.encode()), "application/json", {})


def test_the_json_parser_refuses_a_control_character_anywhere_and_says_where() -> None:
    with pytest.raises(ParseError, match=r"^flags\[0\]: contains a control character \(U\+0000\): remove it\.$"):
        _parse(json.dumps({"flags": ["\u0000"]}))
    with pytest.raises(ParseError, match=r"^answers\.q1\.comment: contains a control character \(U\+0001\)"):
        _parse(json.dumps({"answers": {"q1": {"comment": "ok\u0001"}}}))
    with pytest.raises(ParseError, match="A key in the body contains a control character"):
        _parse(json.dumps({"ti\u0007tle": "x"}))
    assert _parse(json.dumps({"narrative": "line one\nline\ttwo"})) == {"narrative": "line one\nline\ttwo"}


def test_the_json_parser_refuses_deep_nesting_instead_of_running_out_of_stack() -> None:
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels deep"):
        _parse("[" * 100_000 + "]" * 100_000)  # RecursionError inside json without the guard
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels deep"):
        _parse("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert _parse("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_a_deeply_nested_api_body_is_a_400_not_a_500(api_client_for: Any) -> None:
    client = api_client_for("case_editor")
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/investigations/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == f"The JSON body is nested more than {MAX_DEPTH} levels deep."


def test_a_control_character_in_a_query_string_is_a_400_with_a_message(client_for: Any, api_client_for: Any) -> None:
    response = client_for("audit_lead").get("/?period=%00")
    assert response.status_code == 400
    assert "Parameter &#x27;period&#x27; contains a control character (U+0000): remove it." in response.content.decode()
    response = api_client_for("audit_lead").get("/api/v1/audits/?status=%1B")
    assert response.status_code == 400
    assert response.json()["message"] == "Parameter 'status' contains a control character (U+001B): remove it."


def test_an_anonymous_request_with_a_control_character_still_goes_to_the_login_page(client: Any) -> None:
    response = client.get("/?period=%00")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_control_character_in_a_form_field_is_a_400_and_nothing_is_read(client_for: Any) -> None:
    client = client_for("administrator")
    response = client.post("/logout/", {"note": "a\x0bb"})
    assert response.status_code == 400
    assert "Field &#x27;note&#x27; contains a control character (U+000B): remove it." in response.content.decode()
    assert client.get("/").status_code == 200  # the logout was never run
