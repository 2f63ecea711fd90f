"""HTTP routes for logging in and out, API tokens, invitations and accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts import api_tokens, service
from casebook.accounts.credentials import RECOVERY, check_credentials
from casebook.accounts.models import Invitation, User
from casebook.accounts.sessions import (
    SESSION_COOKIE,
    close_session,
    csrf_token,
    open_session,
    session_cookie,
)
from casebook.audit.log import record
from casebook.http.authentication import client_address
from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.http.schemas import Email, Input, Output, ShortText
from casebook.runtime import Runtime

Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
Role = Literal["organizer", "attorney", "researcher", "admin"]


class LoginInput(Input, kw_only=True):
    email: Email
    password: Password


Label = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class TokenInput(LoginInput, kw_only=True):
    label: Label = "casebook CLI"


class RecoveryTokenInput(Input, kw_only=True):
    email: Email
    recovery_credential: Password
    label: Label = "casebook CLI"


class AccountOut(Output, kw_only=True):
    id: uuid.UUID
    email: str
    display_name: str
    role: str
    locale: str
    disabled: bool

    @classmethod
    def of(cls, user: User) -> AccountOut:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            locale=user.locale,
            disabled=user.disabled_at is not None,
        )


class SessionOut(Output, kw_only=True):
    account: AccountOut
    csrf_token: str


class TokenOut(Output, kw_only=True):
    id: uuid.UUID
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None


class NewTokenOut(TokenOut, kw_only=True):
    token: str


class InvitationInput(Input, kw_only=True):
    email: Email
    role: Role
    group_id: uuid.UUID | None = None
    group_role: Literal["coordinator", "member"] | None = None


class InvitationOut(Output, kw_only=True):
    id: uuid.UUID
    email: str
    role: str
    group_id: uuid.UUID | None
    group_role: str | None
    expires_at: datetime
    accepted: bool

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            email=invitation.email,
            role=invitation.role,
            group_id=invitation.group_id,
            group_role=invitation.group_role,
            expires_at=invitation.expires_at,
            accepted=invitation.accepted_at is not None,
        )


class NewInvitationOut(InvitationOut, kw_only=True):
    token: str


class AcceptInput(Input, kw_only=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    display_name: ShortText
    password: Password


@post("/api/v1/auth/session", tags=["auth"], summary="Log in with a browser session cookie")
async def log_in(
    request: Request[Any, Any, Any],
    data: JSONBody[LoginInput],
    db: Db,
    runtime: CurrentRuntime,
) -> Response[SessionOut]:
    user = await check_credentials(runtime, data.email, data.password, client_address(request))
    token = await open_session(db, user, runtime.policies.sessions)
    await record(db, actor_id=user.id, action="auth.login", details={"via": "session"})
    max_age = int(runtime.policies.sessions.absolute_timeout.total_seconds())
    body = SessionOut(account=AccountOut.of(user), csrf_token=csrf_token(runtime.secret, token))
    return Response(body, cookies=[session_cookie(token, max_age=max_age)])


@delete(
    "/api/v1/auth/session",
    tags=["auth"],
    summary="Log out: the session ends on the server",
    opt={"permission": "account.self"},
    status_code=204,
    response_cookies=[session_cookie("", max_age=0)],
)
async def log_out(request: Request[Any, Any, Any], db: Db, actor: CurrentActor) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await close_session(db, token)
    await record(db, actor_id=actor.user_id, action="auth.logout")


@post("/api/v1/auth/tokens", tags=["auth"], summary="Create an API token for the CLI")
async def create_token(
    request: Request[Any, Any, Any],
    data: JSONBody[TokenInput],
    db: Db,
    runtime: CurrentRuntime,
) -> NewTokenOut:
    user = await check_credentials(runtime, data.email, data.password, client_address(request))
    return await _issue(db, runtime, user, data.label, via="api_token")


@post(
    "/api/v1/auth/recovery-tokens",
    tags=["auth"],
    summary="Create an API token with the recovery credential (derived from the recovery code)",
)
async def create_recovery_token(
    request: Request[Any, Any, Any],
    data: JSONBody[RecoveryTokenInput],
    db: Db,
    runtime: CurrentRuntime,
) -> NewTokenOut:
    """For a lost password: the token lets the client fetch the key bundle, open it with the
    recovery key and set a new password (PUT /api/v1/me/keys with the recovery credential as
    current_credential). A wrong code, an unknown email and an account without a recovery
    code get the same answer, and count against the same throttle as logins."""
    user = await check_credentials(
        runtime, data.email, data.recovery_credential, client_address(request), kinds=RECOVERY
    )
    return await _issue(db, runtime, user, data.label, via="recovery_token")


async def _issue(
    db: AsyncSession, runtime: Runtime, user: User, label: str, *, via: str
) -> NewTokenOut:
    token, secret = await api_tokens.issue_token(db, user, label, runtime.policies.sessions)
    await record(
        db,
        actor_id=user.id,
        action="auth.login",
        target_type="api_token",
        target_id=token.id,
        details={"via": via},
    )
    return NewTokenOut(
        id=token.id,
        label=token.label,
        created_at=token.created_at,
        expires_at=token.expires_at,
        token=secret,
    )


@get("/api/v1/auth/tokens", tags=["auth"], opt={"permission": "account.self"})
async def list_tokens(db: Db, actor: CurrentActor) -> list[TokenOut]:
    tokens = await api_tokens.list_tokens(db, actor.user_id)
    return [
        TokenOut(
            id=t.id,
            label=t.label,
            created_at=t.created_at,
            expires_at=t.expires_at,
            last_used_at=t.last_used_at,
        )
        for t in tokens
    ]


@delete(
    "/api/v1/auth/tokens/{token_id:uuid}",
    tags=["auth"],
    opt={"permission": "account.self"},
    status_code=204,
)
async def revoke_token(token_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> None:
    await api_tokens.revoke_token(db, actor.user_id, token_id)
    await record(
        db,
        actor_id=actor.user_id,
        action="api_token.revoke",
        target_type="api_token",
        target_id=token_id,
    )


@get("/api/v1/me", tags=["auth"], opt={"permission": "account.self"})
async def me(db: Db, actor: CurrentActor) -> AccountOut:
    user = await db.get_one(User, actor.user_id)
    return AccountOut.of(user)


@post("/api/v1/invitations", tags=["accounts"], opt={"permission": "user.manage"})
async def create_invitation(
    data: JSONBody[InvitationInput], db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> NewInvitationOut:
    invitation, token = await service.invite(
        db,
        runtime,
        actor,
        email=data.email,
        role=data.role,
        group_id=data.group_id,
        group_role=data.group_role,
    )
    return NewInvitationOut(**msgspec.structs.asdict(InvitationOut.of(invitation)), token=token)


@get("/api/v1/invitations", tags=["accounts"], opt={"permission": "user.manage"})
async def list_invitations(db: Db) -> list[InvitationOut]:
    return [InvitationOut.of(i) for i in await service.list_invitations(db)]


@post("/api/v1/invitations/accept", tags=["accounts"], summary="Accept an invitation")
async def accept_invitation(
    data: JSONBody[AcceptInput], db: Db, runtime: CurrentRuntime
) -> AccountOut:
    user = await service.accept_invitation(
        db, runtime, token=data.token, display_name=data.display_name, password=data.password
    )
    return AccountOut.of(user)


@get("/api/v1/users", tags=["accounts"], opt={"permission": "user.manage"})
async def list_users(db: Db) -> list[AccountOut]:
    return [AccountOut.of(u) for u in await service.list_users(db)]


@post("/api/v1/users/{user_id:uuid}/disable", tags=["accounts"], opt={"permission": "user.manage"})
async def disable_user(user_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> AccountOut:
    return AccountOut.of(await service.disable_user(db, actor, user_id))


ROUTES = [
    log_in,
    log_out,
    create_token,
    create_recovery_token,
    list_tokens,
    revoke_token,
    me,
    create_invitation,
    list_invitations,
    accept_invitation,
    list_users,
    disable_user,
]
