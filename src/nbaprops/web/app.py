"""``create_app(settings)``: the read-only FastAPI app: JSON API, dashboard, OpenAPI docs, metrics.

Errors are always a clear sentence, never a traceback:

- 422: a parameter is invalid (a date that is not ``YYYY-MM-DD``, a page size out of range);
- 404: nothing published for that date / player / run (the message says what exists);
- 503: the published file exists but cannot be parsed (``Retry-After``: publishing again repairs it);
- 500: anything unexpected: a reference id to find the traceback in the server log.

API paths answer JSON; dashboard paths answer the same message as an HTML page.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException
from swagger_ui_bundle import swagger_ui_path

import nbaprops
from nbaprops.config import Settings
from nbaprops.ops.metrics import render_metrics
from nbaprops.web import api, dashboard
from nbaprops.web.deps import WebState
from nbaprops.web.pipeline_status import RunsReader
from nbaprops.web.store import NotPublished, PublishedStore, Unreadable

log = structlog.get_logger("nbaprops.web")
STATIC = Path(__file__).parent / "static"
RETRY_UNREADABLE_S = 60


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over `settings.publish_dir` and the run history; it never opens the warehouse."""
    settings = settings or Settings()
    assert settings.publish_dir is not None
    web = WebState(settings, PublishedStore(settings.publish_dir), RunsReader(settings.run_history_url))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.runs.close()

    app = FastAPI(
        title="nbaprops",
        version=getattr(nbaprops, "__version__", "0.1.0"),
        summary="NBA player-prop predictions: published slates, results, players, performance and run history.",
        description=__doc__,
        lifespan=lifespan,
        docs_url=None,  # served below from the packaged Swagger UI: FastAPI's default loads it from a CDN
        redoc_url=None,
    )
    app.state.web = web
    app.include_router(api.router)
    app.include_router(dashboard.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    _handle_errors(app)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        """Prometheus text exposition (a plain route: a mounted app would redirect /metrics to /metrics/)."""
        return Response(render_metrics(settings), media_type=CONTENT_TYPE_LATEST)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, every asset served by this app (no network needed)."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="nbaprops API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    return app


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [_clean(e) for e in exc.errors()]
        return _error(request, 422, "; ".join(_sentence(e) for e in errors), errors=errors)

    @app.exception_handler(NotPublished)
    async def not_published(request: Request, exc: NotPublished) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(Unreadable)
    async def unreadable(request: Request, exc: Unreadable) -> Response:
        log.warning("unreadable published file", path=request.url.path, reason=str(exc))
        return _error(request, 503, str(exc), headers={"Retry-After": str(RETRY_UNREADABLE_S)})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        reference = uuid.uuid4().hex[:12]
        log.error("unexpected error", reference=reference, path=request.url.path, exc_info=exc)
        return _error(request, 500, f"internal error (reference {reference}); the server log has the details")


def _error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """JSON for the API (and any non-page path), an HTML page for the dashboard."""
    if dashboard.is_page(request):
        return dashboard.error_page(request, status, detail, headers)
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def _clean(error: Any) -> dict[str, Any]:
    """Pydantic's error without its internals (``ctx`` may hold an exception object, ``url`` is noise)."""
    return {k: v for k, v in dict(error).items() if k in ("type", "loc", "msg", "input")}


def _sentence(error: dict[str, Any]) -> str:
    """``path parameter 'day': '2025-13-01' is not a valid date (month must be in 1..12)``."""
    loc = [str(part) for part in error.get("loc", ())]
    where = {"path": "path parameter", "query": "query parameter", "header": "header", "body": "body"}.get(
        loc[0] if loc else "", "parameter"
    )
    name = next((part for part in loc[1:] if not part.isdigit()), "?")
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if "input" in error and repr(error["input"]) not in message:
        message = f"{message} (got {error['input']!r})"
    return f"{where} {name!r}: {message}"
