"""Administration of groups: create a group, and add or remove the organizers who belong to
it. Which attorneys may read a group's records is on the grants page (casebook.web.pages.grants),
which the group's own organizers use too."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.params import FromPath

from casebook.accounts.service import list_users
from casebook.errors import ValidationFailed
from casebook.groups.models import GROUP_ROLES
from casebook.groups.service import add_member, create_group, get_group, list_groups, members
from casebook.groups.service import remove_member as remove_membership
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.forms.admin import GroupForm, MemberForm
from casebook.web.forms.reading import service_errors
from casebook.web.page import AnyRequest, render, see_other

MANAGE = {"permission": "group.manage"}


@get("/admin/groups", opt=MANAGE)
async def groups_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return await _groups(request, db, actor, GroupForm())


@post("/admin/groups", opt=MANAGE)
async def new_group(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    form = GroupForm.read(await request.form())
    if form.errors:
        return await _groups(request, db, actor, form, status_code=422)
    try:
        group = await create_group(db, actor, name=form.name, city=form.city, region=form.region)
    except ValidationFailed as failure:
        form.errors.update(service_errors(failure))
        return await _groups(request, db, actor, form, status_code=422)
    return see_other(f"/admin/groups/{group.id}")


async def _groups(
    request: AnyRequest, db: Db, actor: CurrentActor, form: GroupForm, status_code: int = 200
) -> Any:
    return render(
        request,
        "admin/groups.html",
        status_code=status_code,
        groups=await list_groups(db, actor),
        form=form,
        errors=form.errors,
    )


@get("/admin/groups/{group_id:uuid}", opt=MANAGE)
async def group_page(
    request: AnyRequest, db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID]
) -> Any:
    return await _group(request, db, actor, group_id, MemberForm())


@post("/admin/groups/{group_id:uuid}/members", opt=MANAGE)
async def new_member(
    request: AnyRequest, db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID]
) -> Any:
    form = MemberForm.read(await request.form())
    if form.user is not None and not form.errors:
        try:
            await add_member(db, actor, group_id, form.user, form.role)
        except ValidationFailed as failure:
            form.errors.update(service_errors(failure))
        else:
            return see_other(f"/admin/groups/{group_id}?added={form.user}")
    return await _group(request, db, actor, group_id, form, status_code=422)


@post("/admin/groups/{group_id:uuid}/members/{user_id:uuid}/remove", opt=MANAGE)
async def remove_member(
    db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID], user_id: FromPath[uuid.UUID]
) -> Any:
    await remove_membership(db, actor, group_id, user_id)
    return see_other(f"/admin/groups/{group_id}?removed=1")


async def _group(
    request: AnyRequest,
    db: Db,
    actor: CurrentActor,
    group_id: uuid.UUID,
    form: MemberForm,
    status_code: int = 200,
) -> Any:
    group = await get_group(db, actor, group_id)
    rows = await members(db, actor, group_id)
    member_ids = {user.id for user, _ in rows}
    candidates = [
        user
        for user in await list_users(db)
        if user.role == "organizer" and user.disabled_at is None and user.id not in member_ids
    ]
    return render(
        request,
        "admin/group.html",
        status_code=status_code,
        group=group,
        members=rows,
        candidates=candidates,
        group_roles=GROUP_ROLES,
        added=request.query_params.get("added"),
        removed=bool(request.query_params.get("removed")),
        form=form,
        errors=form.errors,
    )


ROUTES = [groups_page, new_group, group_page, new_member, remove_member]
