"""The API's JSON parser: DRF's, with a nesting limit and no control characters in any string.

A body nested deeper than :data:`MAX_DEPTH` (the parser would otherwise run out of stack:
``RecursionError``, a 500) or holding a control character (:mod:`oversight.text`) in a key or a
value — ``"flags": ["\\u0000"]`` — is refused with 400 and a message naming where.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .text import control_character_error

MAX_DEPTH = 32  # the API's bodies are two or three levels deep


def body_error(data: Any) -> str | None:
    """Why ``data`` (a parsed JSON body) is refused, or ``None``. Walks it without recursion."""
    found = _body_error(data)
    return found[1] if found else None


def _body_error(data: Any) -> tuple[str, str] | None:
    """``(top-level field or "", message)`` of the first refusal in ``data``, or ``None``."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "", f"The JSON body is nested more than {MAX_DEPTH} levels deep."
        if isinstance(value, str):
            if message := control_character_error(value):
                return _field(path), f"{path or 'The body'}: {message}."
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if message := control_character_error(key):
                    return _field(path), f"A key in {path or 'the body'} {message}."
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
    return None


def _field(path: str) -> str:
    """The top-level field of a path such as ``flags[0]`` or ``answers.q1`` ("" for the body itself)."""
    return path.split(".", 1)[0].split("[", 1)[0]


class BodyRefused(ParseError):
    """A 400 for a body the parser refuses; ``field_errors`` names the top-level field when there is
    one, as a serializer would (the API's exception handler puts it under ``errors``)."""

    def __init__(self, message: str, field_errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.field_errors = field_errors


class JSONParser(parsers.JSONParser):
    """JSON bodies, refused with 400 when too deep or holding control characters."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"The JSON body is nested more than {MAX_DEPTH} levels deep.") from None
        if found := _body_error(data):
            field, message = found
            raise BodyRefused(message, {field: [message]} if field else {})
        return data
