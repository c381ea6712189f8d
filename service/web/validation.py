"""Turning a request's body and query into pydantic models, with errors that name the
field (as a JSON path: ``buyers[0].email``) and never echo a whole input back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from flask import Request
from pydantic import BaseModel, ValidationError

from service.web.errors import BadRequest, ValidationFailed

Model = TypeVar("Model", bound=BaseModel)


def json_path(location: tuple[int | str, ...]) -> str:
    """``("buyers", 0, "email")`` -> ``buyers[0].email``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error: Any) -> str:
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a field of this request"
    message = str(error["msg"])
    # pydantic prefixes the messages of custom validators with "Value error, ".
    return message.removeprefix("Value error, ")


def field_errors(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> ValidationFailed:
    fields = [(json_path((*prefix, *e["loc"])), _message(e)) for e in exc.errors()]
    return ValidationFailed(fields)


def nul_characters(data: Any, path: tuple[int | str, ...] = ()) -> list[tuple[str, str]]:
    """Field errors for every string holding a NUL character (PostgreSQL cannot store
    one, and no person types one)."""
    if isinstance(data, str):
        return [(json_path(path), "must not contain a NUL character")] if "\x00" in data else []
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            found += nul_characters(key, (*path, str(key))) + nul_characters(value, (*path, key))
        return found
    if isinstance(data, list):
        return [e for index, item in enumerate(data) for e in nul_characters(item, (*path, index))]
    return []


def parse_json_body(request: Request, model: type[Model]) -> Model:
    """The body as ``model``: 400 when it is not a JSON object, 422 naming each bad field."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest("the body must be a JSON object (it is not valid JSON)") from exc
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    if problems := nul_characters(data):
        raise ValidationFailed(problems)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise field_errors(exc) from exc


def parse_query(args: Mapping[str, str], model: type[Model]) -> Model:
    if problems := nul_characters(dict(args)):
        raise ValidationFailed(problems)
    try:
        return model.model_validate(dict(args))
    except ValidationError as exc:
        raise field_errors(exc) from exc
