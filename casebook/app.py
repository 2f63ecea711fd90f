"""Wires the domains into one Litestar application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from litestar.types import ControllerRouterHandler

from casebook.accounts import key_routes
from casebook.accounts import routes as accounts
from casebook.activities import routes as activities
from casebook.audit import routes as audit
from casebook.claims import routes as claims
from casebook.config import REPO_ROOT, Settings
from casebook.evidence import routes as evidence
from casebook.evidence.sweep import sweep_at_start
from casebook.groups import routes as groups
from casebook.http.dependencies import provide_actor, provide_db, provide_runtime
from casebook.http.errors import EXCEPTION_HANDLERS, audit_denial
from casebook.http.guard import access_guard
from casebook.http.rate_limit import kdf_params_limit
from casebook.http.text_guard import refuse_nul_characters
from casebook.incidents import routes as incidents
from casebook.people import routes as people
from casebook.reports import routes as reports
from casebook.runtime import Runtime
from casebook.vocabulary import routes as vocabulary
from casebook.vocabulary import vocabularies
from casebook.web import assets as web_assets
from casebook.web.pages import PAGES
from casebook.web.security_headers import add_security_headers
from casebook.web.templating import configure as configure_templates

REQUEST_MAX_BODY_BYTES = 1024 * 1024


@get("/healthz", tags=["health"], include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    health,
    *accounts.ROUTES,
    *key_routes.ROUTES,
    *groups.ROUTES,
    *people.ROUTES,
    *activities.ROUTES,
    *incidents.ROUTES,
    *vocabulary.ROUTES,
    *audit.ROUTES,
    *evidence.ROUTES,
    *reports.ROUTES,
    *claims.ROUTES,
    PAGES,
    *web_assets.ROUTES,
]


# Method, path and status only: query strings carry search text, bodies carry narratives.
REQUEST_LOG = LoggingMiddlewareConfig(
    logger_name="casebook.requests",
    request_log_fields=["method", "path"],
    response_log_fields=["status_code"],
)


def _logging_config(level: str) -> LoggingConfig:
    """Casebook's and Litestar's loggers only: the root logger belongs to whoever runs the app."""
    return LoggingConfig(
        configure_root_logger=False,
        loggers={name: _logger(level) for name in ("casebook", "litestar")},
    )


def _logger(level: str) -> dict[str, object]:
    """A dict of its own per logger: Litestar rewrites its own entry's level in place."""
    return {"level": level, "handlers": ["queue_listener"], "propagate": True}


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    runtime = Runtime.start(settings)
    vocabularies()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        sweeping = asyncio.create_task(sweep_at_start(runtime))
        try:
            yield
        finally:
            sweeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeping
            await runtime.close()

    return Litestar(
        route_handlers=ROUTE_HANDLERS,
        guards=[access_guard],
        before_request=refuse_nul_characters,
        dependencies={
            "db": Provide(provide_db),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "runtime": Provide(provide_runtime, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        after_exception=[audit_denial],
        lifespan=[lifespan],
        state=State({"runtime": runtime}),
        openapi_config=OpenAPIConfig(
            title="Casebook API",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        request_max_body_size=REQUEST_MAX_BODY_BYTES,
        before_send=[add_security_headers],
        logging_config=_logging_config(settings.log_level),
        middleware=[REQUEST_LOG.middleware, kdf_params_limit(runtime.policies.sessions)],
        template_config=TemplateConfig(
            directory=REPO_ROOT / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates,
        ),
    )
