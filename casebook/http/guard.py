"""Deny by default: each route names the permission it needs, or is on the public list."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from casebook.access.actor import Actor, load_actor
from casebook.access.permissions import PERMISSIONS
from casebook.access.public import PUBLIC_PATHS
from casebook.db import transaction
from casebook.errors import NotFound
from casebook.http.authentication import authenticate
from casebook.runtime import Runtime


def required_permission(handler: BaseRouteHandler) -> str | None:
    permission = handler.opt.get("permission")
    return permission if isinstance(permission, str) else None


def is_public(route_path: str, handler: BaseRouteHandler) -> bool:
    return required_permission(handler) is None and route_path in PUBLIC_PATHS


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    permission = required_permission(handler)
    if permission is None:
        if is_public(connection.scope.get("path_template", ""), handler):
            return
        raise NotFound("route")
    runtime: Runtime = connection.app.state.runtime
    async with transaction(runtime.sessions) as session:
        user = await authenticate(session, runtime, connection)
        actor = await load_actor(session, user, runtime.policies)
    connection.state.actor = actor
    if permission not in PERMISSIONS or not actor.can(permission):
        raise NotFound("route")


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    actor = connection.state.get("actor")
    return actor if isinstance(actor, Actor) else None
