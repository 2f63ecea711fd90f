"""Read-only transactions (`Runtime.readers`): what long readers such as pattern reports run in.
They hold up no writer and see one snapshot of the database from their first query on."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.db import transaction
from casebook.groups.models import Group
from casebook.runtime import Runtime
from tests.conftest import World


async def groups(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Group)) or 0)


async def test_a_reader_holds_up_no_writer_and_keeps_its_snapshot(
    runtime: Runtime, world: World
) -> None:
    await world.group("Before")
    async with runtime.readers() as reading, reading.begin():
        before = await groups(reading)
        # A writer that had to wait for this reader would wait the busy timeout (10 s).
        await asyncio.wait_for(world.group("During"), timeout=5)
        assert await groups(reading) == before
    async with transaction(runtime.readers) as reading:
        assert await groups(reading) == before + 1
