"""Group pages: the groups one may read, and a group's timeline with the ways into its people,
incidents and attorney access. Also the group look-ups the other record pages share."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.groups.models import Group
from casebook.groups.service import get_group, list_groups
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.page import AnyRequest, render
from casebook.web.timeline import group_timeline


@get("/groups", opt={"permission": "group.read"})
async def groups_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return render(request, "groups/list.html", groups=await list_groups(db, actor))


@get("/groups/{group_id:uuid}", opt={"permission": "group.read"})
async def group_page(
    request: AnyRequest, db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID]
) -> Any:
    group = await get_group(db, actor, group_id)
    reads_records = actor.can("activity.read") and actor.can("incident.read")
    return render(
        request,
        "groups/show.html",
        group=group,
        organizes=actor.may_write_for(group_id),
        manages_grants=actor.can("grant.manage")
        and (actor.may_write_for(group_id) or actor.can("group.manage")),
        timeline=await group_timeline(db, actor, group_id) if reads_records else None,
    )


async def groups_by_id(db: AsyncSession, actor: Actor) -> dict[uuid.UUID, Group]:
    """The groups the actor may read, to name the groups a record belongs to."""
    return {group.id: group for group in await list_groups(db, actor)}


async def own_groups(db: AsyncSession, actor: Actor) -> list[Group]:
    """The groups the actor organizes: those a record they save may belong to."""
    return [group for group in await list_groups(db, actor) if actor.may_write_for(group.id)]


ROUTES = [groups_page, group_page]
