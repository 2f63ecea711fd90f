"""A group's vault: created and extended by the group's coordinators, read by the group's members
and the attorneys it granted. The server stores the signed log entries and published generations
as the client made them and keeps `vault_members` in step with the log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.models import User
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import FieldError, NotFound, Stale, ValidationFailed
from casebook.evidence import generations
from casebook.evidence.access import coordinates
from casebook.evidence.generations import GenerationRefused, Published
from casebook.evidence.log_checks import LogRefused, LogState, replay
from casebook.evidence.models import Vault, VaultGeneration, VaultLogEntry, VaultMember
from casebook.groups.models import Group


@dataclass(frozen=True)
class VaultView:
    vault_id: uuid.UUID
    group_id: uuid.UUID
    log: list[Any]
    generations: list[Any]


async def read_vault(session: AsyncSession, actor: Actor, group_id: uuid.UUID) -> VaultView:
    vault = None
    if group_id in actor.readable_groups:
        vault = await session.scalar(select(Vault).where(Vault.group_id == group_id))
    if vault is None:
        raise NotFound("vault", group_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="vault.read",
        target_type="vault",
        target_id=vault.id,
    )
    return await _view(session, vault)


async def create_vault(
    session: AsyncSession,
    actor: Actor,
    group_id: uuid.UUID,
    vault_id: uuid.UUID,
    genesis: Any,
    generation: Any,
) -> VaultView:
    if not coordinates(actor, group_id):
        raise NotFound("group", group_id)
    # Locking the group makes two coordinators creating its vault at once queue.
    await session.scalar(select(Group.id).where(Group.id == group_id).with_for_update())
    if await session.scalar(select(Vault.id).where(Vault.group_id == group_id)) is not None:
        raise Stale("vault", current_seq=await _head_seq(session, group_id))
    if await session.get(Vault, vault_id) is not None:
        raise ValidationFailed.single("vault_id", "is already in use: choose a new random id")
    state = _replayed(str(group_id), [], [genesis], "genesis")
    published = _parsed([generation], str(vault_id), "generation")
    _check_generations(published, state, {}, "generation")
    await _require_accounts(session, state, "genesis")
    vault = Vault(id=vault_id, group_id=group_id)
    session.add(vault)
    await session.flush()
    await _store(session, vault, state, 0, published)
    await record(
        session,
        actor_id=actor.user_id,
        action="vault.create",
        target_type="vault",
        target_id=vault_id,
        details={"group_id": str(group_id)},
    )
    return await _view(session, vault)


async def append(
    session: AsyncSession,
    actor: Actor,
    group_id: uuid.UUID,
    entries: Sequence[Any],
    published_generations: Sequence[Any],
) -> VaultView:
    """Append entries atomically: the whole log is replayed with them, and the generations
    they introduce (or the current one, sealed to more readers) are stored with them."""
    vault = None
    if coordinates(actor, group_id):
        vault = await session.scalar(
            select(Vault).where(Vault.group_id == group_id).with_for_update()
        )
    if vault is None:
        raise NotFound("vault", group_id)
    stored = await _log(session, vault.id)
    first_seq = _first_seq(entries)
    if first_seq is not None and first_seq != len(stored):
        raise Stale("vault log", current_seq=len(stored) - 1)
    state = _replayed(str(group_id), stored, entries, "entries")
    published = _parsed(published_generations, str(vault.id), "generations")
    stored_generations = _parsed(await _generations(session, vault.id), str(vault.id), "stored")
    current = {p.number: p for p in stored_generations}
    _check_generations(published, state, current, "generations")
    await _require_accounts(session, state, "entries")
    await _store(session, vault, state, len(stored), published)
    await record(
        session,
        actor_id=actor.user_id,
        action="vault.append",
        target_type="vault",
        target_id=vault.id,
        details={
            "kinds": [entry.kind for entry in state.entries[len(stored) :]],
            "generations": [str(p.number) for p in published],
        },
    )
    return await _view(session, vault)


def _first_seq(entries: Sequence[Any]) -> int | None:
    """The seq the first new entry claims, if it is well formed enough to claim one."""
    first = entries[0] if entries else None
    entry = first.get("entry") if isinstance(first, dict) else None
    seq = entry.get("seq") if isinstance(entry, dict) else None
    return seq if type(seq) is int else None


def _replayed(group_id: str, stored: list[Any], new: Sequence[Any], field: str) -> LogState:
    if not new:
        raise ValidationFailed.single(field, "append at least one entry")
    try:
        return replay(group_id, [*stored, *new])
    except LogRefused as refused:
        index = refused.seq - len(stored)
        where = field if field == "genesis" else f"{field}[{max(index, 0)}]"
        raise ValidationFailed.single(where, refused.message) from refused


def _parsed(values: Sequence[Any], vault_id: str, field: str) -> list[Published]:
    published = []
    for index, value in enumerate(values):
        try:
            published.append(generations.parse(value, vault_id))
        except GenerationRefused as refused:
            raise ValidationFailed.single(_at(field, index), str(refused)) from refused
    return published


def _check_generations(
    published: list[Published], state: LogState, stored: dict[int, Published], field: str
) -> None:
    """Each generation the new entries introduce is published, with its logged key; besides
    those, only the current generation may be published again (sealed to more readers)."""
    stored_current = max(stored, default=0)
    introduced = {n for n in state.generation_keys if n > stored_current}
    numbers = [p.number for p in published]
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed.single(field, "publish each generation once")
    missing = sorted(introduced - set(numbers))
    if missing:
        raise ValidationFailed.single(field, f"publish generation {missing[0]} with its entry")
    for index, generation in enumerate(published):
        try:
            if generation.number in introduced:
                generations.check_new(generation, state)
            elif generation.number == stored_current == state.generation:
                generations.check_republished(generation, stored[stored_current], state)
            else:
                raise GenerationRefused("only the current or a newly logged generation")
        except GenerationRefused as refused:
            raise ValidationFailed.single(_at(field, index), str(refused)) from refused


def _at(field: str, index: int) -> str:
    return field if field in ("generation", "genesis") else f"{field}[{index}]"


async def _require_accounts(session: AsyncSession, state: LogState, field: str) -> None:
    named = {uuid.UUID(user_id) for user_id in state.readers.keys() | state.writers.keys()}
    found = set(await session.scalars(select(User.id).where(User.id.in_(named))))
    if named - found:
        raise ValidationFailed([FieldError(field, "names a member who has no Casebook account")])


async def _store(
    session: AsyncSession,
    vault: Vault,
    state: LogState,
    stored_count: int,
    published: list[Published],
) -> None:
    session.add_all(
        VaultLogEntry(
            vault_id=vault.id,
            seq=entry.seq,
            kind=entry.kind,
            signed_entry=entry.text,
            entry_hash=entry.hash,
        )
        for entry in state.entries[stored_count:]
    )
    for generation in published:
        await session.merge(
            VaultGeneration(
                vault_id=vault.id,
                generation=generation.number,
                published=generation.text,
                updated_at=utcnow(),
            )
        )
    await session.execute(delete(VaultMember).where(VaultMember.vault_id == vault.id))
    members = [(user_id, "reader") for user_id in state.readers] + [
        (user_id, "writer") for user_id in state.writers
    ]
    await session.execute(
        insert(VaultMember),
        [{"vault_id": vault.id, "user_id": uuid.UUID(u), "role": role} for u, role in members],
    )


async def _head_seq(session: AsyncSession, group_id: uuid.UUID) -> int:
    seq = await session.scalar(
        select(VaultLogEntry.seq)
        .join(Vault, Vault.id == VaultLogEntry.vault_id)
        .where(Vault.group_id == group_id)
        .order_by(VaultLogEntry.seq.desc())
        .limit(1)
    )
    return seq or 0


async def _log(session: AsyncSession, vault_id: uuid.UUID) -> list[Any]:
    texts = await session.scalars(
        select(VaultLogEntry.signed_entry)
        .where(VaultLogEntry.vault_id == vault_id)
        .order_by(VaultLogEntry.seq)
    )
    return [json.loads(text) for text in texts]


async def _generations(session: AsyncSession, vault_id: uuid.UUID) -> list[Any]:
    texts = await session.scalars(
        select(VaultGeneration.published)
        .where(VaultGeneration.vault_id == vault_id)
        .order_by(VaultGeneration.generation)
    )
    return [json.loads(text) for text in texts]


async def _view(session: AsyncSession, vault: Vault) -> VaultView:
    return VaultView(
        vault_id=vault.id,
        group_id=vault.group_id,
        log=await _log(session, vault.id),
        generations=await _generations(session, vault.id),
    )
