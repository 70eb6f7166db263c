"""The web dashboard: server-rendered pages with ``.json`` twins, Plotly charts served locally, a strict CSP."""

from __future__ import annotations

from typing import Any

__all__ = ["install"]


def install(app: Any) -> None:
    """Add the dashboard routes to ``app`` and let error pages render as HTML for browsers."""
    try:
        import jinja2  # noqa: F401
    except ImportError:
        from mercato.errors import MissingDependency

        raise MissingDependency("jinja2", "web") from None
    from mercato.interfaces.web.follow import router as follow_router
    from mercato.interfaces.web.pages import render_problem, router

    app.state.render_problem = render_problem
    app.include_router(router)
    app.include_router(follow_router)
