"""The ASGI application: the JSON API, the dashboard pages with their ``.json`` twins, limits and headers."""

from __future__ import annotations

import logging
from typing import Any

from mercato.errors import MissingDependency
from mercato.settings import Settings, load_settings

log = logging.getLogger(__name__)

READ_ERRORS = {400: "Bad request: an invalid or unknown parameter", 404: "Not found"}
WRITE_ERRORS = {400: "Bad request", 401: "Missing or wrong bearer token", 413: "Request body over the limit",
                501: "Not available in this build"}


def _document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation lists its errors in the one problem shape (and 422 is never used: bad input is 400)."""
    from mercato.interfaces.api.problems import PROBLEM_MEDIA, PROBLEM_SCHEMA

    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    comps["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        comps.pop(name, None)
    ref = {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for method, op in item.items():
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            errors = WRITE_ERRORS if method == "post" else {**WRITE_ERRORS, 404: "Not found"} if method == "delete" \
                else READ_ERRORS
            for status, text in errors.items():
                responses[str(status)] = {"description": text, "content": ref}
    return schema


def create_app(store: Any = None, settings: Settings | None = None) -> Any:
    """Build the app around ``store`` (opened from the settings when not given)."""
    try:
        from fastapi import FastAPI
        from fastapi.openapi.utils import get_openapi
    except ImportError:
        raise MissingDependency("fastapi", "web") from None
    from mercato.interfaces.api import problems
    from mercato.interfaces.api.follow import feeds as feed_router
    from mercato.interfaces.api.follow import router as follow_router
    from mercato.interfaces.api.limits import BodyLimit, SecurityHeaders
    from mercato.interfaces.api.routes import router
    from mercato.interfaces.web import install as install_web

    settings = settings or load_settings()
    if store is None:
        from mercato.store import Store

        store = Store.open(settings.db_url())
    app = FastAPI(title="Mercato", version="1", summary="Football transfer rumours, sagas and source reliability.",
                  docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.settings = settings
    problems.install_handlers(app)
    app.include_router(router)
    app.include_router(follow_router)
    app.include_router(feed_router)
    install_web(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            app.openapi_schema = _document_problems(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
