"""Which attorneys may read a group's records: the grants of one group, a form to grant an
attorney access by the email of their account, and a button to revoke each active grant. The
group's own organizers use this page, and admins; the groups service turns everyone else away
with a not-found."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.params import FromPath

from casebook.errors import NotFound, ValidationFailed
from casebook.groups.service import (
    attorneys_of,
    get_group,
    grant_access,
    list_grants,
    revoke_grant,
)
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.forms.admin import GrantForm
from casebook.web.forms.reading import service_errors
from casebook.web.page import AnyRequest, render, see_other

MANAGE = {"permission": "grant.manage"}


@get("/groups/{group_id:uuid}/grants", opt=MANAGE)
async def grants_page(
    request: AnyRequest, db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID]
) -> Any:
    return await _grants(request, db, actor, group_id, GrantForm())


@post("/groups/{group_id:uuid}/grants", opt=MANAGE)
async def new_grant(
    request: AnyRequest, db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID]
) -> Any:
    form = GrantForm.read(await request.form())
    if not form.errors:
        try:
            await grant_access(db, actor, group_id, form.attorney_email)
        except ValidationFailed as failure:
            form.errors.update(service_errors(failure))
        else:
            return see_other(f"/groups/{group_id}/grants?granted=1")
    return await _grants(request, db, actor, group_id, form, status_code=422)


@post("/groups/{group_id:uuid}/grants/{grant_id:uuid}/revoke", opt=MANAGE)
async def revoke(
    db: Db, actor: CurrentActor, group_id: FromPath[uuid.UUID], grant_id: FromPath[uuid.UUID]
) -> Any:
    if grant_id not in {grant.id for grant in await list_grants(db, actor, group_id)}:
        raise NotFound("grant", grant_id)
    await revoke_grant(db, actor, grant_id)
    return see_other(f"/groups/{group_id}/grants?revoked=1")


async def _grants(
    request: AnyRequest,
    db: Db,
    actor: CurrentActor,
    group_id: uuid.UUID,
    form: GrantForm,
    status_code: int = 200,
) -> Any:
    grants = await list_grants(db, actor, group_id)
    return render(
        request,
        "grants/list.html",
        status_code=status_code,
        group=await get_group(db, actor, group_id),
        active=[grant for grant in grants if grant.revoked_at is None],
        revoked=[grant for grant in grants if grant.revoked_at is not None],
        attorneys=await attorneys_of(db, grants),
        granted=bool(request.query_params.get("granted")),
        revoked_now=bool(request.query_params.get("revoked")),
        form=form,
        errors=form.errors,
    )


ROUTES = [grants_page, new_grant, revoke]
