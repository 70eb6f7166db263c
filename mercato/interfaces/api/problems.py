"""The one error shape: RFC 9457 problem details (``application/problem+json``).

Every error the API or the dashboard returns is built by :func:`problem`; tests check each 4xx against
:data:`PROBLEM_KEYS`. HTML pages get the same problem rendered by a template, with its JSON as a twin.
"""

from __future__ import annotations

import http
import logging
from typing import Any

log = logging.getLogger(__name__)

PROBLEM_TYPE = "about:blank"
PROBLEM_MEDIA = "application/problem+json"
PROBLEM_KEYS = ("type", "title", "status", "detail", "instance")


def problem_body(status: int, detail: str, *, instance: str = "", title: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The problem details for ``status``: type, title, status, detail, instance (+ extension members)."""
    try:
        default_title = http.HTTPStatus(status).phrase
    except ValueError:
        default_title = "Error"
    body: dict[str, Any] = {"type": PROBLEM_TYPE, "title": title or default_title, "status": status,
                            "detail": detail, "instance": instance}
    body.update({k: v for k, v in extra.items() if k not in body})
    return body


def problem(status: int, detail: str, *, instance: str = "", headers: dict[str, str] | None = None,
            **extra: Any) -> Any:
    """A JSON response carrying the problem (the one helper every error goes through)."""
    from starlette.responses import JSONResponse

    return JSONResponse(problem_body(status, detail, instance=instance, **extra), status_code=status,
                        media_type=PROBLEM_MEDIA, headers=headers)


def is_problem(body: Any, status: int | None = None) -> bool:
    """True when ``body`` has the problem shape (used by the tests and the load bench)."""
    if not isinstance(body, dict) or any(k not in body for k in PROBLEM_KEYS):
        return False
    ok = isinstance(body["status"], int) and isinstance(body["title"], str) and isinstance(body["detail"], str)
    return ok and (status is None or body["status"] == status)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details; every error has this shape.",
    "required": list(PROBLEM_KEYS),
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}


def install_handlers(app: Any) -> None:
    """Route every exception Starlette and FastAPI raise through :func:`problem`."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from mercato.errors import MercatoError

    def _render(request: Any, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> Any:
        render = getattr(request.app.state, "render_problem", None)
        if render is not None:
            page = render(request, problem_body(status, detail, instance=request.url.path, **extra), headers)
            if page is not None:
                return page
        return problem(status, detail, instance=request.url.path, headers=headers, **extra)

    async def on_http(request: Any, exc: StarletteHTTPException) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return _render(request, exc.status_code, detail, getattr(exc, "headers", None))

    async def on_validation(request: Any, exc: RequestValidationError) -> Any:
        errors = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()))
            errors.append({"loc": loc, "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))})
        detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors) or "invalid request"
        return _render(request, 400, detail, errors=errors)

    async def on_mercato(request: Any, exc: MercatoError) -> Any:
        from mercato.store.board import BadQuery

        if isinstance(exc, BadQuery):
            return _render(request, 400, exc.reason)
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return _render(request, 503 if exc.code in ("store", "migration") else 500, str(exc))

    async def on_crash(request: Any, exc: Exception) -> Any:
        log.exception("%s %s crashed", request.method, request.url.path)
        return problem(500, "internal error; the server log has the details", instance=request.url.path)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(MercatoError, on_mercato)
    app.add_exception_handler(Exception, on_crash)
