"""The analyst web app (FastAPI + Jinja2 + htmx, all assets vendored): pages, REST API, auth, audit."""

from adtrace.app.server import create_app

__all__ = ["create_app"]
