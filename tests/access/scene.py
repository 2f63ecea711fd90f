"""A populated world for access tests, built straight in the database and built fast.

Every account shares one password hash, computed once per test run (argon2id with the policy's
parameters costs about a third of a second per hash), so a world of a dozen accounts costs a few
milliseconds instead of seconds.

The world: groups A and B; an organizer of each; an attorney granted by A, one never granted, one
whose grant from A was revoked; a researcher; an admin; a person, an incident and a protected
activity kept by A; the granted attorney's claim over them; plus spare accounts, a spare grant
and a spare API token that routes which change state can act on without disturbing the actors.
The actors, the spare member and the spare attorney have account keys (stored straight, as a
client would have made them)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.api_tokens import issue_token
from casebook.accounts.models import AccountKeys, Invitation, User
from casebook.accounts.tokens import digest, new_secret
from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.claims.models import (
    Claim,
    ClaimAction,
    claim_activities,
    claim_attorneys,
    claim_people,
)
from casebook.crypto.kdf import KdfParams
from casebook.crypto.keys import create_bundle
from casebook.db import transaction, utcnow
from casebook.encoding import b64encode
from casebook.groups.models import Grant, Group, Membership
from casebook.incidents.models import (
    Incident,
    incident_activities,
    incident_agencies,
    incident_groups,
    incident_people,
    incident_tactics,
)
from casebook.people.models import Person, person_groups
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, Account

ORGANIZER_OWN = "organizer-own_group"
ORGANIZER_OTHER = "organizer-other_group"
ATTORNEY_GRANTED = "attorney-granted"
ATTORNEY_NOT_GRANTED = "attorney-not_granted"
ATTORNEY_REVOKED = "attorney-revoked"
RESEARCHER = "researcher"
ADMIN = "admin"
ANONYMOUS = "anonymous"

ACTORS = (
    ORGANIZER_OWN,
    ORGANIZER_OTHER,
    ATTORNEY_GRANTED,
    ATTORNEY_NOT_GRANTED,
    ATTORNEY_REVOKED,
    RESEARCHER,
    ADMIN,
    ANONYMOUS,
)

NARRATIVE = "Agents in an unmarked van photographed the vigil from across the street."
LEGAL_NAME = "Guadalupe Itzel Ramirez-Ocampo"

_password_hash: dict[str, str] = {}


async def shared_password_hash(runtime: Runtime) -> str:
    """PASSWORD hashed with the policy's parameters, once per test run."""
    if "value" not in _password_hash:
        _password_hash["value"] = await runtime.hasher.hash(PASSWORD)
    return _password_hash["value"]


async def quick_account(
    runtime: Runtime,
    role: str,
    *,
    groups: dict[uuid.UUID, str] | None = None,
    email: str | None = None,
) -> Account:
    """An account whose password is PASSWORD, with memberships and one API token."""
    password_hash = await shared_password_hash(runtime)
    async with transaction(runtime.sessions) as session:
        user = User(
            email=email or f"{role}-{uuid.uuid4().hex[:10]}@example.org",
            display_name=f"A {role}",
            role=role,
            password_hash=password_hash,
        )
        session.add(user)
        await session.flush()
        for group_id, group_role in (groups or {}).items():
            session.add(Membership(group_id=group_id, user_id=user.id, role=group_role))
        _, token = await issue_token(session, user, "tests", runtime.policies.sessions)
    return Account(user, token)


async def new_group(runtime: Runtime, name: str) -> Group:
    async with transaction(runtime.sessions) as session:
        group = Group(name=f"{name} {uuid.uuid4().hex[:6]}", city="Seattle", region="Washington")
        session.add(group)
    return group


async def new_grant(
    runtime: Runtime, group: Group, attorney: Account, by: Account, *, revoked: bool = False
) -> Grant:
    async with transaction(runtime.sessions) as session:
        grant = Grant(group_id=group.id, attorney_id=attorney.id, granted_by=by.id)
        if revoked:
            grant.revoked_at = utcnow()
            grant.revoked_by = by.id
        session.add(grant)
    return grant


async def enrol_keys(runtime: Runtime, account: Account) -> dict[str, object]:
    """Account keys as a client would make them (random wrapping keys: no Argon2 needed for
    material the server only stores), written straight to the database. The account keeps
    PASSWORD as its login secret. Returns the stored parameters and bundle as JSON."""
    params = KdfParams.generate()
    _, wrapped = create_bundle(str(account.id), os.urandom(32), os.urandom(32))
    bundle = wrapped.to_json()
    identity = bundle["identity"]
    async with transaction(runtime.sessions) as session:
        session.add(
            AccountKeys(
                user_id=account.id,
                opslimit=params.opslimit,
                memlimit=params.memlimit,
                salt=b64encode(params.salt),
                bundle_version=wrapped.bundle_version,
                wrapped_bundle=wrapped.to_bytes().decode(),
                box_pk=identity["box_pk"],
                sign_pk=identity["sign_pk"],
                signature=identity["signature"],
            )
        )
    return {"kdf": params.to_json(), "bundle": bundle}


@dataclass
class Scene:
    runtime: Runtime
    group_a: Group
    group_b: Group
    accounts: dict[str, Account]
    spare_member: Account
    spare_attorney: Account
    spare_grant: Grant
    spare_token_id: uuid.UUID
    login: Account
    person_id: uuid.UUID
    incident_id: uuid.UUID
    activity_id: uuid.UUID
    claim_id: uuid.UUID
    extra: dict[str, object] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        return {} if actor == ANONYMOUS else self.accounts[actor].headers

    @property
    def ids_of_a(self) -> list[str]:
        """Ids that name something of group A: swapping them for unknown ids must not change
        how a refusal reads."""
        return [
            str(i) for i in (self.group_a.id, self.person_id, self.incident_id, self.activity_id)
        ]

    async def invitation_token(self, role: str = "researcher") -> str:
        token = new_secret("cbi")
        async with transaction(self.runtime.sessions) as session:
            session.add(
                Invitation(
                    token_hash=digest(token),
                    email=f"invited-{uuid.uuid4().hex[:10]}@example.org",
                    role=role,
                    created_by=self.accounts[ADMIN].id,
                    expires_at=utcnow() + timedelta(days=1),
                )
            )
        return token

    async def version_of(self, model: type, record_id: uuid.UUID) -> int:
        async with transaction(self.runtime.sessions) as session:
            record = await session.get(model, record_id, populate_existing=True)
            assert record is not None
            return int(record.version)


async def build_scene(runtime: Runtime) -> Scene:
    group_a = await new_group(runtime, "Group A")
    group_b = await new_group(runtime, "Group B")
    organizer_a = await quick_account(runtime, "organizer", groups={group_a.id: "coordinator"})
    organizer_b = await quick_account(runtime, "organizer", groups={group_b.id: "coordinator"})
    accounts = {
        ORGANIZER_OWN: organizer_a,
        ORGANIZER_OTHER: organizer_b,
        ATTORNEY_GRANTED: await quick_account(runtime, "attorney"),
        ATTORNEY_NOT_GRANTED: await quick_account(runtime, "attorney"),
        ATTORNEY_REVOKED: await quick_account(runtime, "attorney"),
        RESEARCHER: await quick_account(runtime, "researcher"),
        ADMIN: await quick_account(runtime, "admin"),
    }
    await new_grant(runtime, group_a, accounts[ATTORNEY_GRANTED], organizer_a)
    await new_grant(runtime, group_a, accounts[ATTORNEY_REVOKED], organizer_a, revoked=True)
    spare_member = await quick_account(runtime, "organizer", groups={group_a.id: "member"})
    spare_attorney = await quick_account(runtime, "attorney")
    spare_grant = await new_grant(
        runtime, group_a, await quick_account(runtime, "attorney"), organizer_a
    )
    login = await quick_account(runtime, "organizer")
    for account in (*accounts.values(), spare_member, spare_attorney):
        await enrol_keys(runtime, account)
    async with transaction(runtime.sessions) as session:
        spare_token, _ = await issue_token(
            session, organizer_a.user, "spare", runtime.policies.sessions
        )
        person = Person(alias="Lupe", legal_name=LEGAL_NAME, notes="", created_by=organizer_a.id)
        activity = ProtectedActivity(
            kind="protest",
            occurred_on=date(2024, 3, 1),
            title="Vigil outside the processing center",
            description="",
            created_by=organizer_a.id,
        )
        incident = Incident(
            group_id=group_a.id,
            occurred_on=date(2024, 3, 14),
            narrative=NARRATIVE,
            source_kind="first-hand",
            verification_status="unverified",
            workflow_status="draft",
            created_by=organizer_a.id,
        )
        session.add_all([person, activity, incident])
        await session.flush()
        links = [
            (person_groups, {"person_id": person.id, "group_id": group_a.id}),
            (activity_groups, {"activity_id": activity.id, "group_id": group_a.id}),
            (activity_people, {"activity_id": activity.id, "person_id": person.id}),
            (incident_groups, {"incident_id": incident.id, "group_id": group_a.id}),
            (incident_tactics, {"incident_id": incident.id, "tactic_id": "physical-following"}),
            (incident_agencies, {"incident_id": incident.id, "agency_id": "ice-ero"}),
            (
                incident_people,
                {"incident_id": incident.id, "person_id": person.id, "role": "target"},
            ),
            (incident_activities, {"incident_id": incident.id, "activity_id": activity.id}),
        ]
        for table, row in links:
            await session.execute(insert(table), [row])
        claim = await _claim(
            session,
            attorneys=[accounts[ATTORNEY_GRANTED].id, spare_grant.attorney_id],
            person=person,
            activity=activity,
            incident=incident,
        )
    return Scene(
        runtime=runtime,
        group_a=group_a,
        group_b=group_b,
        accounts=accounts,
        spare_member=spare_member,
        spare_attorney=spare_attorney,
        spare_grant=spare_grant,
        spare_token_id=spare_token.id,
        login=login,
        person_id=person.id,
        incident_id=incident.id,
        activity_id=activity.id,
        claim_id=claim.id,
    )


async def _claim(
    session: AsyncSession,
    *,
    attorneys: list[uuid.UUID],
    person: Person,
    activity: ProtectedActivity,
    incident: Incident,
) -> Claim:
    """The granted attorney's claim over A's records, with a colleague (the spare grant's
    attorney) on it too."""
    claim = Claim(title="Lupe v. ICE", created_by=attorneys[0])
    session.add(claim)
    await session.flush()
    session.add(ClaimAction(claim_id=claim.id, incident_id=incident.id))
    for table, row in [
        *[(claim_attorneys, {"claim_id": claim.id, "user_id": a}) for a in attorneys],
        (claim_people, {"claim_id": claim.id, "person_id": person.id}),
        (claim_activities, {"claim_id": claim.id, "activity_id": activity.id}),
    ]:
        await session.execute(insert(table), [row])
    return claim
