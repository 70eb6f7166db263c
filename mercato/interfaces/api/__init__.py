"""The JSON API and the ASGI app that also serves the dashboard: ``create_app(store, settings)``."""

from mercato.interfaces.api.app import create_app

__all__ = ["create_app"]
