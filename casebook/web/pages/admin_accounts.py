"""Administration of accounts: the list of accounts (disable one) and the invitations (invite
someone; the invitation's token is shown once, on the page that answers the form)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from litestar import get, post
from litestar.params import FromPath

from casebook.accounts.models import ROLES, Invitation
from casebook.accounts.service import disable_user, invite, list_invitations, list_users
from casebook.db import utcnow
from casebook.errors import ValidationFailed
from casebook.groups.models import GROUP_ROLES
from casebook.groups.service import list_groups
from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.web.forms.admin import InvitationForm
from casebook.web.forms.reading import Errors, service_errors
from casebook.web.page import AnyRequest, render, see_other

MANAGE = {"permission": "user.manage"}


def invitation_status(invitation: Invitation, now: datetime) -> str:
    """Where an invitation stands: "used", "revoked", "expired" or "open"."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= now else "open"


@get("/admin/users", opt=MANAGE)
async def users_page(request: AnyRequest, db: Db) -> Any:
    return await _users(request, db, errors={})


@post("/admin/users/{user_id:uuid}/disable", opt=MANAGE)
async def disable_account(
    request: AnyRequest, db: Db, actor: CurrentActor, user_id: FromPath[uuid.UUID]
) -> Any:
    try:
        await disable_user(db, actor, user_id)
    except ValidationFailed as failure:
        return await _users(request, db, errors=service_errors(failure), status_code=422)
    return see_other(f"/admin/users?disabled={user_id}")


async def _users(request: AnyRequest, db: Db, *, errors: Errors, status_code: int = 200) -> Any:
    return render(
        request,
        "admin/users.html",
        status_code=status_code,
        users=await list_users(db),
        disabled=request.query_params.get("disabled"),
        errors=errors,
    )


@get("/admin/invitations", opt=MANAGE)
async def invitations_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return await _invitations(request, db, actor, InvitationForm())


@post("/admin/invitations", opt=MANAGE)
async def create_invitation(
    request: AnyRequest, db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> Any:
    form = InvitationForm.read(await request.form())
    if form.errors:
        return await _invitations(request, db, actor, form, status_code=422)
    try:
        invitation, token = await invite(
            db,
            runtime,
            actor,
            email=form.email,
            role=form.role,
            group_id=form.group,
            group_role=form.chosen_group_role,
        )
    except ValidationFailed as failure:
        form.errors.update(service_errors(failure))
        return await _invitations(request, db, actor, form, status_code=422)
    response = render(
        request,
        "admin/invitation_created.html",
        invitation=invitation,
        group_names=await _group_names(db, actor),
        token=token,
        server=str(request.base_url).rstrip("/"),
    )
    # The token opens an account: no browser or proxy may keep a copy of this page.
    response.headers["Cache-Control"] = "no-store"
    return response


async def _invitations(
    request: AnyRequest, db: Db, actor: CurrentActor, form: InvitationForm, status_code: int = 200
) -> Any:
    now = utcnow()
    groups = await list_groups(db, actor)
    return render(
        request,
        "admin/invitations.html",
        status_code=status_code,
        invitations=[(i, invitation_status(i, now)) for i in await list_invitations(db)],
        group_names={group.id: group.name for group in groups},
        groups=groups,
        roles=ROLES,
        group_roles=GROUP_ROLES,
        form=form,
        errors=form.errors,
    )


async def _group_names(db: Db, actor: CurrentActor) -> dict[uuid.UUID, str]:
    return {group.id: group.name for group in await list_groups(db, actor)}


ROUTES = [users_page, disable_account, invitations_page, create_invitation]
