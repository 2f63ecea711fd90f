"""HTTP routes for groups, memberships and attorney grants."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from litestar import delete, get, post, put
from litestar.params import FromPath, JSONBody

from casebook.groups import service
from casebook.groups.models import Grant, Group
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import Email, Input, Output, ShortText


class GroupInput(Input, kw_only=True):
    name: ShortText
    city: ShortText
    region: ShortText


class GroupOut(Output, kw_only=True):
    id: uuid.UUID
    name: str
    city: str
    region: str

    @classmethod
    def of(cls, group: Group) -> GroupOut:
        return cls(id=group.id, name=group.name, city=group.city, region=group.region)


class MemberInput(Input, kw_only=True):
    role: Literal["coordinator", "member"] = "member"


class MemberOut(Output, kw_only=True):
    user_id: FromPath[uuid.UUID]
    display_name: str
    role: str


class GrantInput(Input, kw_only=True):
    attorney_email: Email


class GrantOut(Output, kw_only=True):
    id: uuid.UUID
    group_id: FromPath[uuid.UUID]
    attorney_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, grant: Grant) -> GrantOut:
        return cls(
            id=grant.id,
            group_id=grant.group_id,
            attorney_id=grant.attorney_id,
            created_at=grant.created_at,
            revoked_at=grant.revoked_at,
        )


@get("/api/v1/groups", tags=["groups"], opt={"permission": "group.read"})
async def list_groups(db: Db, actor: CurrentActor) -> list[GroupOut]:
    return [GroupOut.of(g) for g in await service.list_groups(db, actor)]


@post("/api/v1/groups", tags=["groups"], opt={"permission": "group.manage"})
async def create_group(data: JSONBody[GroupInput], db: Db, actor: CurrentActor) -> GroupOut:
    group = await service.create_group(
        db, actor, name=data.name, city=data.city, region=data.region
    )
    return GroupOut.of(group)


@get("/api/v1/groups/{group_id:uuid}", tags=["groups"], opt={"permission": "group.read"})
async def show_group(group_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> GroupOut:
    return GroupOut.of(await service.get_group(db, actor, group_id))


@get("/api/v1/groups/{group_id:uuid}/members", tags=["groups"], opt={"permission": "group.read"})
async def list_members(
    group_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> list[MemberOut]:
    rows = await service.members(db, actor, group_id)
    return [MemberOut(user_id=u.id, display_name=u.display_name, role=role) for u, role in rows]


@put(
    "/api/v1/groups/{group_id:uuid}/members/{user_id:uuid}",
    tags=["groups"],
    opt={"permission": "group.manage"},
)
async def set_member(
    group_id: FromPath[uuid.UUID],
    user_id: FromPath[uuid.UUID],
    data: JSONBody[MemberInput],
    db: Db,
    actor: CurrentActor,
) -> MemberOut:
    membership = await service.add_member(db, actor, group_id, user_id, data.role)
    rows = await service.members(db, actor, group_id)
    name = next(u.display_name for u, _ in rows if u.id == user_id)
    return MemberOut(user_id=user_id, display_name=name, role=membership.role)


@delete(
    "/api/v1/groups/{group_id:uuid}/members/{user_id:uuid}",
    tags=["groups"],
    opt={"permission": "group.manage"},
    status_code=204,
)
async def remove_member(
    group_id: FromPath[uuid.UUID], user_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> None:
    await service.remove_member(db, actor, group_id, user_id)


@get("/api/v1/groups/{group_id:uuid}/grants", tags=["grants"], opt={"permission": "grant.manage"})
async def list_grants(group_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> list[GrantOut]:
    return [GrantOut.of(g) for g in await service.list_grants(db, actor, group_id)]


@post("/api/v1/groups/{group_id:uuid}/grants", tags=["grants"], opt={"permission": "grant.manage"})
async def create_grant(
    group_id: FromPath[uuid.UUID], data: JSONBody[GrantInput], db: Db, actor: CurrentActor
) -> GrantOut:
    return GrantOut.of(await service.grant_access(db, actor, group_id, data.attorney_email))


@post("/api/v1/grants/{grant_id:uuid}/revoke", tags=["grants"], opt={"permission": "grant.manage"})
async def revoke_grant(grant_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> GrantOut:
    return GrantOut.of(await service.revoke_grant(db, actor, grant_id))


ROUTES = [
    list_groups,
    create_group,
    show_group,
    list_members,
    set_member,
    remove_member,
    list_grants,
    create_grant,
    revoke_grant,
]
