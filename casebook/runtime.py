"""What a running Casebook holds once: settings, policies, the database, the evidence blob
store and derived secrets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from casebook.access.policy import Policies, load_policies
from casebook.accounts.passwords import PasswordHasher
from casebook.config import Settings
from casebook.db import create_engine, create_sessionmaker, read_only
from casebook.evidence.blobs import BlobStore, blob_store_for


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    policies: Policies
    hasher: PasswordHasher
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]
    """Sessions for transactions that only read (casebook.db.read_only)."""
    secret: bytes
    blobs: BlobStore

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        policies = load_policies(settings.policy_dir)
        engine = create_engine(settings.database_url)
        return cls(
            settings=settings,
            policies=policies,
            hasher=PasswordHasher(policies.passwords),
            engine=engine,
            sessions=create_sessionmaker(engine),
            readers=create_sessionmaker(read_only(engine)),
            secret=settings.secret_key(),
            blobs=blob_store_for(settings),
        )

    async def close(self) -> None:
        await self.blobs.close()
        await self.engine.dispose()
