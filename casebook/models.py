"""Every mapped class, imported once so that the metadata is complete (Alembic, tests)."""

from casebook.accounts.models import ApiToken, Invitation, LoginFailure, LoginSession, User
from casebook.activities.models import ProtectedActivity
from casebook.audit.models import AuditEvent
from casebook.claims.models import Claim, ClaimAction, ClaimExhibit, ClaimNote
from casebook.db import Base
from casebook.evidence.models import (
    Attachment,
    Vault,
    VaultGeneration,
    VaultLogEntry,
    VaultMember,
)
from casebook.groups.models import Grant, Group, Membership
from casebook.incidents.models import Incident
from casebook.people.models import Person
from casebook.reports.models import Release

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Claim",
    "ClaimAction",
    "ClaimExhibit",
    "ClaimNote",
    "Grant",
    "Group",
    "Incident",
    "Invitation",
    "LoginFailure",
    "LoginSession",
    "Membership",
    "Person",
    "ProtectedActivity",
    "Release",
    "User",
    "Vault",
    "VaultGeneration",
    "VaultLogEntry",
    "VaultMember",
]
