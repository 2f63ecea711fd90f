"""Per-request dependencies: a database transaction and the acting user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.errors import NotAuthenticated
from casebook.http.guard import current_actor
from casebook.runtime import Runtime


async def provide_db(state: State) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed after the handler succeeds, rolled back if it
    (or anything before the response) raises."""
    runtime: Runtime = state.runtime
    async with runtime.sessions() as session, session.begin():
        yield session


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotAuthenticated()
    return actor


def provide_runtime(state: State) -> Runtime:
    runtime: Runtime = state.runtime
    return runtime


Db = NamedDependency[AsyncSession]
CurrentActor = NamedDependency[Actor]
CurrentRuntime = NamedDependency[Runtime]
