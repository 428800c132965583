"""The Bot API's wire format: error answers, request parameters (query string, JSON, urlencoded or
multipart bodies with uploads) and JSON responses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import web

MB = 1024 * 1024

Params = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    mime_type: str | None


def int_param(params: Params, name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def bool_param(params: Params, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def json_param(params: Params, name: str) -> Any:
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {name} JSON object") from None


def str_param(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


def error_response(error: ApiError) -> web.Response:
    return json_response(error.to_json(), error.status)


async def read_params(request: web.Request, max_upload_bytes: int) -> tuple[Params, dict[str, Upload]]:
    """Merge query string and body (JSON, urlencoded or multipart) into params/uploads."""
    params: Params = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.content_type == "application/json":
        params.update(await _read_json_body(request))
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        await _read_form(request, params, uploads, max_upload_bytes)
    return params, uploads


async def _read_json_body(request: web.Request) -> Params:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse JSON") from None
    if not isinstance(body, dict):
        raise bad_request("JSON body must be an object")
    return body


async def _read_form(request: web.Request, params: Params, uploads: dict[str, Upload], max_upload_bytes: int) -> None:
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    for name, value in form.items():
        if isinstance(value, web.FileField):
            data = value.file.read()
            if len(data) > max_upload_bytes:
                raise ApiError(413, "Request Entity Too Large")
            uploads[name] = Upload(value.filename or name, data, value.content_type)
        else:
            params[name] = value
