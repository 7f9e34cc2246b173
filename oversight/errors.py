"""One application error type and one DRF exception handler (STYLE.md, 7).

Services raise :class:`ApplicationError` for a broken business rule; the API
answers it (and any ``ValidationError``) with 400 ``{"message", "errors"}``;
pages show the same message in a GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from .text import model_text_errors


class ApplicationError(Exception):
    """A request that breaks a business rule. ``extra`` maps field → messages."""

    status_code = 400

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def status_for(self, request: Any) -> int:
        """The API's status for this refusal of ``request`` (400 unless a subclass says otherwise)."""
        return self.status_code


def messages_of(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ``ValidationError`` as field → messages (``__all__`` for non-field)."""
    if hasattr(exc, "error_dict"):
        return {field: list(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def errors_message(errors: Mapping[str, Sequence[str]]) -> str:
    """One message naming every bad field with its first problem: ``"from: … to: …"``."""
    return " ".join(f"{field}: {messages[0]}" for field, messages in errors.items() if messages)


def clean_or_raise(instance: Any, **full_clean_kwargs: Any) -> None:
    """``instance.full_clean()`` and no control characters in its text (:mod:`oversight.text`); a failure
    becomes an ApplicationError (400, nothing written) whose message is the first error and whose
    ``extra`` holds them all by field."""
    errors = model_text_errors(instance, exclude=full_clean_kwargs.get("exclude"))
    cause: DjangoValidationError | None = None
    try:
        instance.full_clean(**full_clean_kwargs)
    except DjangoValidationError as exc:
        cause = exc
        errors = {**messages_of(exc), **errors}
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors) from cause


def add_errors_to_form(form: Any, exc: DjangoValidationError | ApplicationError) -> None:
    """Put a service's error back on a Django form.

    A ``ValidationError``: each message on its field, unknown fields as non-field errors.
    An ``ApplicationError``: its ``extra`` messages on the form's fields and its ``__all__``
    messages as non-field errors; its message too, as a non-field error, unless it is already
    shown (its ``extra`` often holds a short hint, the message the sentence that says why).
    """
    if isinstance(exc, ApplicationError):
        # Values the re-shown form must carry (a stale edit: the current version, so saving again goes through).
        fresh = {name: value for name, value in getattr(exc, "form_data", {}).items() if name in form.fields}
        if fresh and form.is_bound:
            form.data = form.data.copy()  # a request's QueryDict is immutable
            for name, value in fresh.items():
                form.data[name] = value
        shown: list[str] = []
        for field, errors in exc.extra.items():
            if field in form.fields and form.fields[field].widget.is_hidden:
                continue  # nobody sees a hidden field's error: the message goes at the top
            if field in form.fields or field == NON_FIELD_ERRORS:
                form.add_error(field if field in form.fields else None, list(errors))
                shown += [str(error) for error in errors]
        if exc.message not in shown:
            form.add_error(None, exc.message)
        return
    for field, errors in messages_of(exc).items():
        form.add_error(field if field in form.fields else None, errors)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        # 400, or the error's own status (409 or 412 for an edit based on a version that has changed since).
        status = exc.status_for(context.get("request"))
        return Response({"message": exc.message, "errors": exc.extra}, status=status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"__all__": response.data}
        response.data = {"message": _first_message(errors), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        # A parser's refusal may name its field (oversight.parsers.BodyRefused).
        response.data = {"message": str(response.data["detail"]), "errors": getattr(exc, "field_errors", {})}
    return response


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            text = _first_message(value)
            if text:
                return text if field in ("non_field_errors", "__all__") else f"{field}: {text}"
    if isinstance(errors, list):
        for value in errors:
            text = _first_message(value)
            if text:
                return text
    return str(errors) if errors else "Invalid input."
