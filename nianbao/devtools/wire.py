"""The Bot API's wire format: error answers, request parameters (query string, JSON, urlencoded or
multipart bodies with uploads) and JSON responses."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from aiohttp import hdrs, web

from .forms import Upload, read_form

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
    params: Params = dict(request.query) if request.query_string else {}
    uploads: dict[str, Upload] = {}
    content_type = request.headers.get(hdrs.CONTENT_TYPE, "")
    mime_type = content_type.partition(";")[0].strip().lower()  # as aiohttp's request.content_type
    if mime_type == "application/json":
        params.update(await _read_json_body(request))
    elif mime_type == "multipart/form-data":
        await _read_multipart(request, content_type, params, uploads, max_upload_bytes)
    elif mime_type == "application/x-www-form-urlencoded":
        await _read_form(request, params)
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


async def _read_form(request: web.Request, params: Params) -> None:
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    params.update(form.items())


async def _read_multipart(request: web.Request, content_type: str, params: Params, uploads: dict[str, Upload],
                          max_upload_bytes: int) -> None:
    """The body read whole (bounded by the server's client_max_size), then cut into its parts
    (``forms.read_form``: each as aiohttp's ``request.post()`` makes it)."""
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    for name, value in await read_form(content_type, body):
        if isinstance(value, Upload):
            if len(value.data) > max_upload_bytes:
                raise ApiError(413, "Request Entity Too Large")
            uploads[name] = value
        else:
            params[name] = value
