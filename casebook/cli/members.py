"""The people a vault is shared with, as the command line names them: a user id (or your own
email address), their verified public identity, and the names their group shows."""

from __future__ import annotations

import uuid

import click

from casebook.cli.api_client import Api, ApiError
from casebook.cli.output import printable
from casebook.crypto.errors import CryptoFormatError
from casebook.crypto.fingerprints import identity_safety_number
from casebook.crypto.keys import PublicIdentity

MEMBER_HELP = "a user id (`casebook vault members GROUP_ID` lists them), or your own email address"


def user_id_of(api: Api, who: str) -> str:
    """The user id `who` names: a user id as given; an email address only when it is yours
    (the server does not tell others' email addresses)."""
    try:
        return str(uuid.UUID(who))
    except ValueError:
        pass
    me = api.get("/api/v1/me")
    if who.strip().lower() != str(me["email"]).lower():
        raise click.UsageError(
            f"{who!r} is not a user id. Name others by their user id: `casebook vault members "
            "GROUP_ID` lists the members of a group with their ids."
        )
    return str(me["id"])


def identity_of(api: Api, user_id: str) -> PublicIdentity:
    """The user's public identity as the server serves it, checked to be signed by its own
    signing key and to be theirs. Pinning it is up to the membership log."""
    try:
        served = api.get(f"/api/v1/users/{user_id}/identity")
    except ApiError as error:
        if error.status != 404:
            raise
        raise click.ClickException(
            f"User {user_id} has no keys yet, or is not someone you share a group with: they "
            "get keys the first time they run `casebook login`."
        ) from error
    try:
        identity = PublicIdentity.from_json(served)
        identity.verify()
    except CryptoFormatError as error:
        raise click.ClickException(
            f"Refusing the keys served for user {user_id}: {error}"
        ) from error
    if identity.user_id != user_id:
        raise click.ClickException(
            f"The server answered with the keys of {identity.user_id} when asked for "
            f"{user_id}: refusing them."
        )
    return identity


def names(api: Api, group_id: str) -> dict[str, str]:
    """user id -> display name of the group's members (empty if you may not list them)."""
    try:
        members = api.get(f"/api/v1/groups/{group_id}/members")
    except ApiError as error:
        if error.status not in (403, 404):
            raise
        return {}
    return {str(m["user_id"]): printable(str(m["display_name"])) for m in members}


def granted_attorneys(api: Api, group_id: str) -> list[str]:
    """User ids of the attorneys the group granted access now (empty if you may not see
    its grants)."""
    try:
        grants = api.get(f"/api/v1/groups/{group_id}/grants")
    except ApiError as error:
        if error.status not in (403, 404):
            raise
        return []
    return [str(g["attorney_id"]) for g in grants if g["revoked_at"] is None]


def described(identity: PublicIdentity, known: dict[str, str]) -> str:
    """`Name (user id)  safety number`, for people to compare out of band."""
    name = known.get(identity.user_id)
    who = identity.user_id if name is None else f"{name} ({identity.user_id})"
    return f"{who}\n    safety number: {identity_safety_number(identity)}"
