"""Every route of the app, for every role and ownership case: who gets an answer, who gets nothing.

The routes come from `app.routes`, not from a hand-written list, so a new route shows up here as
a test that fails until the expectation table below says who may call it (and, for unsafe
methods, what body to send). Expected outcomes:

- OK: a 2xx answer; for list routes, the answer includes group A's record.
- HIDDEN: a 2xx list answer that does not mention group A's record anywhere.
- NOT_FOUND: 404 with the generic body: the route or record might as well not exist.
- UNAUTHENTICATED: 401 (anonymous callers of every non-public route).
- INVALID: 422 that reads exactly like the answer for ids that exist nowhere, so it does not tell
  the caller that group A (or its records) exist.
- LOGIN: a page (casebook/web/pages) asked for without a session: 303 to the login page.

Pages answer like the API but in HTML: OK is a 2xx page or, after a form is handled, a 303 to
another page; NOT_FOUND is the not-found page. Their forms are sent form-encoded.

The world (tests/access/scene.py) is rebuilt for each route, so state one actor changes (a revoked
grant, a removed member) cannot leak into another route's cases."""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casebook.accounts.models import AccountKeys, User
from casebook.activities.models import ProtectedActivity
from casebook.app import create_app
from casebook.claims.models import Claim
from casebook.config import REPO_ROOT, Settings
from casebook.crypto.kdf import KdfParams
from casebook.db import transaction
from casebook.encoding import b64encode
from casebook.incidents.models import Incident
from casebook.people.models import Person
from casebook.runtime import Runtime
from tests.access.scene import (
    ACTORS,
    ADMIN,
    ANONYMOUS,
    ATTORNEY_GRANTED,
    ATTORNEY_NOT_GRANTED,
    ATTORNEY_REVOKED,
    ORGANIZER_OTHER,
    ORGANIZER_OWN,
    RESEARCHER,
    Scene,
    build_scene,
    enrol_keys,
)
from tests.conftest import BASE_URL, PASSWORD
from tests.databases import DatabaseFactory
from tests.evidence import matrix as evidence

OK = "ok"
HIDDEN = "ok, without group A's record"
NOT_FOUND = "404"
UNAUTHENTICATED = "401"
INVALID = "422, same as for unknown ids"
LOGIN = "303 to the login page"

SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
READERS_OF_A = frozenset({ORGANIZER_OWN, ATTORNEY_GRANTED})
OUTSIDERS_OF_A = frozenset({ORGANIZER_OTHER, ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED})
ORGANIZERS = frozenset({ORGANIZER_OWN, ORGANIZER_OTHER})
ATTORNEYS = frozenset({ATTORNEY_GRANTED, ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED})
REPORTERS = READERS_OF_A | OUTSIDERS_OF_A | {RESEARCHER}

RouteKey = tuple[str, str]  # (method, path as declared, e.g. "/api/v1/people/{person_id:uuid}")
Expectation = dict[str, str]


def expect(
    *,
    ok: frozenset[str] | set[str] = frozenset(),
    hidden: frozenset[str] | set[str] = frozenset(),
    invalid: frozenset[str] | set[str] = frozenset(),
) -> Expectation:
    """A route that needs a permission: the named outcomes, 404 for every other signed-in
    actor, 401 for anonymous callers."""
    outcome = dict.fromkeys(SIGNED_IN, NOT_FOUND)
    outcome.update(dict.fromkeys(ok, OK))
    outcome.update(dict.fromkeys(hidden, HIDDEN))
    outcome.update(dict.fromkeys(invalid, INVALID))
    outcome[ANONYMOUS] = UNAUTHENTICATED
    return outcome


def page(
    *,
    ok: frozenset[str] | set[str] = frozenset(),
    hidden: frozenset[str] | set[str] = frozenset(),
    invalid: frozenset[str] | set[str] = frozenset(),
) -> Expectation:
    """A page that needs a permission: like `expect`, but anonymous visitors are sent to log in."""
    return {**expect(ok=ok, hidden=hidden, invalid=invalid), ANONYMOUS: LOGIN}


def everyone(outcome: str) -> Expectation:
    return dict.fromkeys(ACTORS, outcome)


PEOPLE = "/api/v1/people"
PERSON = "/api/v1/people/{person_id:uuid}"
INCIDENTS = "/api/v1/incidents"
INCIDENT = "/api/v1/incidents/{incident_id:uuid}"
ACTIVITIES = "/api/v1/activities"
ACTIVITY = "/api/v1/activities/{activity_id:uuid}"
GROUP = "/api/v1/groups/{group_id:uuid}"
MEMBER = "/api/v1/groups/{group_id:uuid}/members/{user_id:uuid}"
GRANTS = "/api/v1/groups/{group_id:uuid}/grants"
VAULT = "/api/v1/groups/{group_id:uuid}/vault"
ATTACHMENTS = "/api/v1/incidents/{incident_id:uuid}/attachments"
ATTACHMENT = "/api/v1/attachments/{attachment_id:uuid}"
REPORT = "/api/v1/reports/patterns"
CLAIMS = "/api/v1/claims"
CLAIM = "/api/v1/claims/{claim_id:uuid}"
# Aggregate routes: a researcher may get an answer, as long as it names nothing of group A.
AGGREGATES = frozenset({("POST", REPORT), ("POST", "/reports")})

EXPECTED: dict[RouteKey, Expectation] = {
    # Public: anyone, signed in or not (an Authorization header must not get in the way).
    ("GET", "/healthz"): everyone(OK),
    ("GET", "/login"): everyone(OK),
    # The evidence page: an HTML shell; its data comes from the API, signed in, by its script.
    ("GET", "/incidents/{incident_id:uuid}/evidence"): everyone(OK),
    ("POST", "/api/v1/auth/session"): everyone(OK),
    ("POST", "/api/v1/auth/tokens"): everyone(OK),
    # Login parameters: the same shape for every email, known or not.
    ("POST", "/api/v1/auth/kdf-params"): everyone(OK),
    # Lost password: an API token for the recovery credential (derived from the recovery code).
    ("POST", "/api/v1/auth/recovery-tokens"): everyone(OK),
    ("POST", "/api/v1/invitations/accept"): everyone(OK),
    ("GET", "/schema"): everyone(OK),
    ("GET", "/schema/openapi.json"): everyone(OK),
    # The OpenAPI plugin's catch-all for renderers this app does not enable (swagger, redoc,
    # yaml): nothing there, so 404 for everyone, anonymous callers included.
    ("GET", "/schema/{path:str}"): everyone(NOT_FOUND),
    # The browser client's scripts: libsodium from node_modules and Casebook's crypto modules.
    ("GET", "/static/vendor/libsodium-sumo.js"): everyone(OK),
    ("GET", "/static/vendor/libsodium-wrappers-sumo.js"): everyone(OK),
    ("GET", "/static/js/crypto/{module:str}"): everyone(OK),
    ("GET", "/static/js/{script:str}"): everyone(OK),
    ("GET", "/static/css/{stylesheet_name:str}"): everyone(OK),
    # Pages: the dashboard and one's own account.
    ("GET", "/"): page(ok=SIGNED_IN),
    ("POST", "/logout"): page(ok=SIGNED_IN),
    ("GET", "/account"): page(ok=SIGNED_IN),
    ("POST", "/account"): page(ok=SIGNED_IN),
    ("GET", "/account/keys"): page(ok=SIGNED_IN),
    # Pages of records: read by the group and the attorneys it granted, written by the group's
    # organizers; an organizer's "new" form is theirs whatever group A is.
    ("GET", "/incidents"): page(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("GET", "/incidents/new"): page(ok=ORGANIZERS),
    ("POST", "/incidents/new"): page(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", "/incidents/{incident_id:uuid}"): page(ok=READERS_OF_A),
    ("GET", "/incidents/{incident_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("POST", "/incidents/{incident_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("GET", "/people"): page(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("GET", "/people/new"): page(ok=ORGANIZERS),
    ("POST", "/people/new"): page(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", "/people/{person_id:uuid}"): page(ok=READERS_OF_A),
    ("GET", "/people/{person_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("POST", "/people/{person_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("GET", "/activities"): page(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("GET", "/activities/new"): page(ok=ORGANIZERS),
    ("POST", "/activities/new"): page(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", "/activities/{activity_id:uuid}"): page(ok=READERS_OF_A),
    ("GET", "/activities/{activity_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("POST", "/activities/{activity_id:uuid}/edit"): page(ok={ORGANIZER_OWN}),
    ("GET", "/groups"): page(ok=READERS_OF_A | {ADMIN}, hidden=OUTSIDERS_OF_A),
    ("GET", "/groups/{group_id:uuid}"): page(ok=READERS_OF_A | {ADMIN}),
    # Pattern reports: exact over one's own scope; researchers get releases that name no
    # record (tests/reports checks that no id at all is in them).
    ("GET", "/reports"): page(ok=REPORTERS),
    ("POST", "/reports"): page(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A | {RESEARCHER}),
    ("GET", "/groups/{group_id:uuid}/grants"): page(ok={ORGANIZER_OWN, ADMIN}),
    ("POST", "/groups/{group_id:uuid}/grants"): page(ok={ORGANIZER_OWN, ADMIN}),
    ("POST", "/groups/{group_id:uuid}/grants/{grant_id:uuid}/revoke"): page(
        ok={ORGANIZER_OWN, ADMIN}
    ),
    # Administration pages: admins only.
    ("GET", "/admin"): page(ok={ADMIN}),
    ("GET", "/admin/users"): page(ok={ADMIN}),
    ("POST", "/admin/users/{user_id:uuid}/disable"): page(ok={ADMIN}),
    ("GET", "/admin/invitations"): page(ok={ADMIN}),
    ("POST", "/admin/invitations"): page(ok={ADMIN}),
    ("GET", "/admin/groups"): page(ok={ADMIN}),
    ("POST", "/admin/groups"): page(ok={ADMIN}),
    ("GET", "/admin/groups/{group_id:uuid}"): page(ok={ADMIN}),
    ("POST", "/admin/groups/{group_id:uuid}/members"): page(ok={ADMIN}),
    ("POST", "/admin/groups/{group_id:uuid}/members/{user_id:uuid}/remove"): page(ok={ADMIN}),
    ("GET", "/admin/audit"): page(ok={ADMIN}),
    # One's own account.
    ("DELETE", "/api/v1/auth/session"): expect(ok=SIGNED_IN),
    ("GET", "/api/v1/auth/tokens"): expect(ok=SIGNED_IN),
    # token_id is a spare token of the organizer of A: nobody else may revoke it, not even an
    # admin.
    ("DELETE", "/api/v1/auth/tokens/{token_id:uuid}"): expect(ok={ORGANIZER_OWN}),
    ("GET", "/api/v1/me"): expect(ok=SIGNED_IN),
    # One's own account keys (every actor of the scene has enrolled; PUT is a password change).
    ("GET", "/api/v1/me/keys"): expect(ok=SIGNED_IN),
    ("PUT", "/api/v1/me/keys"): expect(ok=SIGNED_IN),
    # Public identities (user_id: the spare member of A): for those who seal vault keys of A.
    ("GET", "/api/v1/users/{user_id:uuid}/identity"): expect(
        ok={ORGANIZER_OWN, ATTORNEY_GRANTED, ADMIN}
    ),
    ("GET", "/api/v1/vocabularies"): expect(ok=SIGNED_IN),
    ("GET", "/api/v1/vocabularies/{name:str}"): expect(ok=SIGNED_IN),
    # Administration.
    ("GET", "/api/v1/invitations"): expect(ok={ADMIN}),
    ("POST", "/api/v1/invitations"): expect(ok={ADMIN}),
    ("GET", "/api/v1/users"): expect(ok={ADMIN}),
    ("POST", "/api/v1/users/{user_id:uuid}/disable"): expect(ok={ADMIN}),
    ("POST", "/api/v1/groups"): expect(ok={ADMIN}),
    ("GET", "/api/v1/audit"): expect(ok={ADMIN}),
    ("GET", "/api/v1/audit/verify"): expect(ok={ADMIN}),
    ("PUT", MEMBER): expect(ok={ADMIN}),
    ("DELETE", MEMBER): expect(ok={ADMIN}),
    # Groups: readable by members, granted attorneys and admins.
    ("GET", "/api/v1/groups"): expect(ok=READERS_OF_A | {ADMIN}, hidden=OUTSIDERS_OF_A),
    ("GET", GROUP): expect(ok=READERS_OF_A | {ADMIN}),
    ("GET", GROUP + "/members"): expect(ok=READERS_OF_A | {ADMIN}),
    # Grants: the group's own organizers and admins.
    ("GET", GRANTS): expect(ok={ORGANIZER_OWN, ADMIN}),
    ("POST", GRANTS): expect(ok={ORGANIZER_OWN, ADMIN}),
    ("POST", "/api/v1/grants/{grant_id:uuid}/revoke"): expect(ok={ORGANIZER_OWN, ADMIN}),
    # Records: read by the group and attorneys it granted, written by the group only; never
    # by researchers or admins.
    ("GET", PEOPLE): expect(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("POST", PEOPLE): expect(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", PERSON): expect(ok=READERS_OF_A),
    ("PATCH", PERSON): expect(ok={ORGANIZER_OWN}),
    ("GET", INCIDENTS): expect(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("POST", INCIDENTS): expect(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", INCIDENT): expect(ok=READERS_OF_A),
    ("PATCH", INCIDENT): expect(ok={ORGANIZER_OWN}),
    ("GET", ACTIVITIES): expect(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A),
    ("POST", ACTIVITIES): expect(ok={ORGANIZER_OWN}, invalid={ORGANIZER_OTHER}),
    ("GET", ACTIVITY): expect(ok=READERS_OF_A),
    ("PATCH", ACTIVITY): expect(ok={ORGANIZER_OWN}),
    ("POST", REPORT): expect(ok=READERS_OF_A, hidden=OUTSIDERS_OF_A | {RESEARCHER}),
    ("GET", "/api/v1/reports/releases"): expect(ok=REPORTERS),
    # Evidence (tests/evidence/matrix.py): A's vault is read by A and the attorneys it granted
    # and kept by its coordinator; attachments are uploaded by writers (the organizer of A, who
    # started the pending one), listed to whoever reads the incident and opened by readers
    # (the organizer of A and the granted attorney). Never by researchers or admins.
    ("GET", VAULT): expect(ok=READERS_OF_A),
    ("POST", VAULT): expect(ok={ORGANIZER_OWN}),
    ("POST", VAULT + "/log"): expect(ok={ORGANIZER_OWN}),
    ("GET", ATTACHMENTS): expect(ok=READERS_OF_A),
    ("POST", ATTACHMENTS): expect(ok={ORGANIZER_OWN}),
    ("GET", ATTACHMENT): expect(ok=READERS_OF_A),
    ("GET", ATTACHMENT + "/content"): expect(ok=READERS_OF_A),
    ("PUT", ATTACHMENT + "/content"): expect(ok={ORGANIZER_OWN}),
    ("POST", ATTACHMENT + "/complete"): expect(ok={ORGANIZER_OWN}),
    # Claims: the granted attorney's own matter (with a colleague on it). Nobody else learns
    # it exists: not the group's organizers, not other attorneys, not admins.
    ("GET", "/claims"): page(
        ok={ATTORNEY_GRANTED}, hidden={ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED}
    ),
    ("GET", "/claims/new"): page(ok=ATTORNEYS),
    ("POST", "/claims/new"): page(
        ok={ATTORNEY_GRANTED}, invalid={ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED}
    ),
    ("GET", "/claims/{claim_id:uuid}"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/elements/{incident_id:uuid}"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/exhibits"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/records"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/gather"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/notes"): page(ok={ATTORNEY_GRANTED}),
    ("POST", "/claims/{claim_id:uuid}/attorneys"): page(ok={ATTORNEY_GRANTED}),
    ("GET", CLAIMS): expect(ok={ATTORNEY_GRANTED}, hidden={ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED}),
    ("POST", CLAIMS): expect(
        ok={ATTORNEY_GRANTED}, invalid={ATTORNEY_NOT_GRANTED, ATTORNEY_REVOKED}
    ),
    ("GET", CLAIM): expect(ok={ATTORNEY_GRANTED}),
    ("PATCH", CLAIM): expect(ok={ATTORNEY_GRANTED}),
    ("POST", CLAIM + "/gather"): expect(ok={ATTORNEY_GRANTED}),
    ("PATCH", CLAIM + "/elements/{incident_id:uuid}"): expect(ok={ATTORNEY_GRANTED}),
    ("PUT", CLAIM + "/exhibits"): expect(ok={ATTORNEY_GRANTED}),
    ("GET", CLAIM + "/notes"): expect(ok={ATTORNEY_GRANTED}),
    ("POST", CLAIM + "/notes"): expect(ok={ATTORNEY_GRANTED}),
    ("POST", CLAIM + "/attorneys"): expect(ok={ATTORNEY_GRANTED}),
    ("POST", CLAIM + "/leave"): expect(ok={ATTORNEY_GRANTED}),
}

# For list routes: which record of group A an OK answer includes and a HIDDEN one must not.
LISTED_RECORD: dict[RouteKey, Callable[[Scene], object]] = {
    ("GET", "/incidents"): lambda s: s.incident_id,
    ("GET", "/people"): lambda s: s.person_id,
    ("GET", "/activities"): lambda s: s.activity_id,
    ("GET", "/groups"): lambda s: s.group_a.id,
    ("GET", "/api/v1/groups"): lambda s: s.group_a.id,
    ("GET", PEOPLE): lambda s: s.person_id,
    ("GET", INCIDENTS): lambda s: s.incident_id,
    ("GET", ACTIVITIES): lambda s: s.activity_id,
    ("GET", ATTACHMENTS): lambda s: s.extra["complete_attachment"],
    ("POST", REPORT): lambda s: s.group_a.id,
    ("POST", "/reports"): lambda s: s.group_a.id,
    ("GET", CLAIMS): lambda s: s.claim_id,
    ("GET", "/claims"): lambda s: s.claim_id,
}

# Routes whose expected outcome is known to fail: {route: "BUG: ..."}; each becomes a strict
# xfail so that the fix is noticed.
KNOWN_BUGS: dict[RouteKey, str] = {}

Body = dict[str, Any] | None
BodyFactory = Callable[[Scene], Awaitable[Body]]


async def _credentials(scene: Scene) -> Body:
    return {"email": scene.login.user.email, "password": PASSWORD}


async def _accept(scene: Scene) -> Body:
    token = await scene.invitation_token()
    return {"token": token, "display_name": "Newcomer", "password": "river otter lantern 42"}


async def _invitation(scene: Scene) -> Body:
    return {"email": f"new-{uuid.uuid4().hex[:10]}@example.org", "role": "researcher"}


async def _nothing(scene: Scene) -> Body:
    return None


async def _language(scene: Scene) -> Body:
    return {"locale": "es"}


async def _report(scene: Scene) -> Body:
    return {"format": "json"}


async def _incident_form(scene: Scene) -> Body:
    """The incident form as a browser sends it: every field, lists as repeated fields."""
    return {
        "group_id": str(scene.group_a.id),
        "occurred_on": "2024-04-02",
        "date_precision": "day",
        "country": "US",
        "tactics": ["stakeout"],
        "person_id": [str(scene.person_id)],
        "person_role": ["target"],
        "activity_ids": [str(scene.activity_id)],
        "source_kind": "first-hand",
        "verification_status": "unverified",
        "workflow_status": "draft",
    }


async def _incident_edit_form(scene: Scene) -> Body:
    version = await scene.version_of(Incident, scene.incident_id)
    return {**(await _incident_form(scene)), "version": str(version), "city": "Yakima"}


async def _person_form(scene: Scene) -> Body:
    return {"alias": "Marisol", "legal_name": "", "group_ids": [str(scene.group_a.id)]}


async def _person_edit_form(scene: Scene) -> Body:
    version = await scene.version_of(Person, scene.person_id)
    return {**(await _person_form(scene)), "version": str(version), "notes": "Moved."}


async def _activity_form(scene: Scene) -> Body:
    return {
        "kind": "press",
        "occurred_on": "2024-02-01",
        "title": "Press conference",
        "group_ids": [str(scene.group_a.id)],
        "person_ids": [str(scene.person_id)],
    }


async def _activity_edit_form(scene: Scene) -> Body:
    version = await scene.version_of(ProtectedActivity, scene.activity_id)
    return {**(await _activity_form(scene)), "version": str(version), "title": "Renamed"}


async def _new_member(scene: Scene) -> Body:
    return {"user_id": str(scene.accounts[ORGANIZER_OTHER].id), "role": "member"}


async def _group(scene: Scene) -> Body:
    return {"name": f"Group {uuid.uuid4().hex[:8]}", "city": "Tucson", "region": "Arizona"}


async def _member(scene: Scene) -> Body:
    return {"role": "member"}


async def _grant(scene: Scene) -> Body:
    return {"attorney_email": scene.spare_attorney.user.email}


async def _person(scene: Scene) -> Body:
    return {
        "alias": "Marisol",
        "legal_name": "Marisol Ortega",
        "group_ids": [str(scene.group_a.id)],
    }


async def _person_patch(scene: Scene) -> Body:
    return {"version": await scene.version_of(Person, scene.person_id), "notes": "Moved."}


async def _incident(scene: Scene) -> Body:
    return {
        "group_id": str(scene.group_a.id),
        "occurred_on": "2024-04-02",
        "tactics": ["stakeout"],
        "people": [{"person_id": str(scene.person_id), "role": "target"}],
        "activity_ids": [str(scene.activity_id)],
    }


async def _incident_patch(scene: Scene) -> Body:
    return {"version": await scene.version_of(Incident, scene.incident_id), "city": "Yakima"}


async def _activity(scene: Scene) -> Body:
    return {
        "kind": "press",
        "occurred_on": "2024-02-01",
        "title": "Press conference",
        "group_ids": [str(scene.group_a.id)],
        "person_ids": [str(scene.person_id)],
    }


async def _activity_patch(scene: Scene) -> Body:
    return {
        "version": await scene.version_of(ProtectedActivity, scene.activity_id),
        "title": "Renamed",
    }


async def _claim(scene: Scene) -> Body:
    return {
        "title": "Lupe v. ICE, second claim",
        "person_ids": [str(scene.person_id)],
        "incident_ids": [str(scene.incident_id)],
        "activity_ids": [str(scene.activity_id)],
    }


async def _claim_version(scene: Scene) -> dict[str, Any]:
    return {"version": await scene.version_of(Claim, scene.claim_id)}


async def _claim_patch(scene: Scene) -> Body:
    return {**(await _claim_version(scene)), "title": "Lupe v. ICE (amended)"}


async def _elements(scene: Scene) -> Body:
    return {**(await _claim_version(scene)), "severity": "serious"}


async def _exhibits(scene: Scene) -> Body:
    return {**(await _claim_version(scene)), "exhibits": []}


async def _claim_form(scene: Scene) -> Body:
    return {"title": "Lupe v. ICE, second claim", "person_ids": [str(scene.person_id)]}


async def _elements_form(scene: Scene) -> Body:
    return {
        **(await _claim_version(scene)),
        "answers": "",
        "severity": "serious",
        "animus": "You talk, you go -- agent at the vigil",
        "departures": "",
        "comparators": "",
        "lawful_basis": "unknown",
        "lawful_basis_notes": "",
    }


async def _records_form(scene: Scene) -> Body:
    return {**(await _claim_version(scene)), "activity_ids": [str(scene.activity_id)]}


async def _exhibits_form(scene: Scene) -> Body:
    return {**(await _claim_version(scene)), "action": "save"}


async def _note(scene: Scene) -> Body:
    return {"body": "Ask for the body-camera footage."}


async def _colleague(scene: Scene) -> Body:
    async with transaction(scene.runtime.sessions) as session:
        attorney = await session.get(User, scene.spare_grant.attorney_id)
        assert attorney is not None
        return {"email": attorney.email}


async def _email(scene: Scene) -> Body:
    return {"email": scene.login.user.email}


async def _recovery_credential(scene: Scene) -> Body:
    """The login account, given keys and a recovery credential the first time."""
    if "recovery_credential" not in scene.extra:
        credential = b64encode(os.urandom(32))
        await enrol_keys(scene.runtime, scene.login)
        async with transaction(scene.runtime.sessions) as session:
            keys = await session.get(AccountKeys, scene.login.id)
            assert keys is not None
            keys.recovery_hash = await scene.runtime.hasher.hash(credential)
        scene.extra["recovery_credential"] = credential
    return {
        "email": scene.login.user.email,
        "recovery_credential": scene.extra["recovery_credential"],
    }


async def _password_change(scene: Scene, actor: str) -> Body:
    """A password change of the actor's own keys: the version read, the same identity and
    bundle, new parameters, a new login credential and the current one (the scene's
    accounts still log in with PASSWORD)."""
    account = scene.accounts[ORGANIZER_OWN if actor == ANONYMOUS else actor]
    async with transaction(scene.runtime.sessions) as session:
        keys = await session.get(AccountKeys, account.id)
        assert keys is not None, f"{actor} has no account keys in the scene"
        bundle, version = json.loads(keys.wrapped_bundle), keys.version
    return {
        "kdf": KdfParams.generate().to_json(),
        "bundle": bundle,
        "login_credential": b64encode(os.urandom(32)),
        "current_credential": PASSWORD,
        "version": version,
    }


ActorBodyFactory = Callable[[Scene, str], Awaitable[Body]]

# Routes whose sample body depends on who sends it (one's own keys).
ACTOR_BODIES: dict[RouteKey, ActorBodyFactory] = {
    ("PUT", "/api/v1/me/keys"): _password_change,
}

# Every POST, PUT and PATCH route needs an entry (None: the route takes no body).
BODIES: dict[RouteKey, BodyFactory] = {
    ("POST", "/logout"): _nothing,
    ("POST", "/account"): _language,
    ("POST", "/reports"): _report,
    ("POST", REPORT): _report,
    ("POST", "/incidents/new"): _incident_form,
    ("POST", "/incidents/{incident_id:uuid}/edit"): _incident_edit_form,
    ("POST", "/people/new"): _person_form,
    ("POST", "/people/{person_id:uuid}/edit"): _person_edit_form,
    ("POST", "/activities/new"): _activity_form,
    ("POST", "/activities/{activity_id:uuid}/edit"): _activity_edit_form,
    ("POST", "/groups/{group_id:uuid}/grants"): _grant,
    ("POST", "/groups/{group_id:uuid}/grants/{grant_id:uuid}/revoke"): _nothing,
    ("POST", "/admin/users/{user_id:uuid}/disable"): _nothing,
    ("POST", "/admin/invitations"): _invitation,
    ("POST", "/admin/groups"): _group,
    ("POST", "/admin/groups/{group_id:uuid}/members"): _new_member,
    ("POST", "/admin/groups/{group_id:uuid}/members/{user_id:uuid}/remove"): _nothing,
    ("POST", "/api/v1/auth/session"): _credentials,
    ("POST", "/api/v1/auth/kdf-params"): _email,
    ("POST", "/api/v1/auth/tokens"): _credentials,
    ("POST", "/api/v1/auth/recovery-tokens"): _recovery_credential,
    ("POST", "/api/v1/invitations/accept"): _accept,
    ("POST", "/api/v1/invitations"): _invitation,
    ("POST", "/api/v1/users/{user_id:uuid}/disable"): _nothing,
    ("POST", "/api/v1/groups"): _group,
    ("PUT", MEMBER): _member,
    ("POST", GRANTS): _grant,
    ("POST", "/api/v1/grants/{grant_id:uuid}/revoke"): _nothing,
    ("POST", PEOPLE): _person,
    ("PATCH", PERSON): _person_patch,
    ("POST", INCIDENTS): _incident,
    ("PATCH", INCIDENT): _incident_patch,
    ("POST", ACTIVITIES): _activity,
    ("PATCH", ACTIVITY): _activity_patch,
    ("POST", VAULT): evidence.vault_body,
    ("POST", VAULT + "/log"): evidence.log_body,
    ("POST", ATTACHMENTS): evidence.start_body,
    ("PUT", ATTACHMENT + "/content"): evidence.upload_body,
    ("POST", ATTACHMENT + "/complete"): evidence.complete_body,
    ("POST", CLAIMS): _claim,
    ("PATCH", CLAIM): _claim_patch,
    ("POST", CLAIM + "/gather"): _claim_version,
    ("PATCH", CLAIM + "/elements/{incident_id:uuid}"): _elements,
    ("PUT", CLAIM + "/exhibits"): _exhibits,
    ("POST", CLAIM + "/notes"): _note,
    ("POST", CLAIM + "/attorneys"): _colleague,
    ("POST", CLAIM + "/leave"): _nothing,
    ("POST", "/claims/new"): _claim_form,
    ("POST", "/claims/{claim_id:uuid}/elements/{incident_id:uuid}"): _elements_form,
    ("POST", "/claims/{claim_id:uuid}/exhibits"): _exhibits_form,
    ("POST", "/claims/{claim_id:uuid}/records"): _records_form,
    ("POST", "/claims/{claim_id:uuid}/gather"): _claim_version,
    ("POST", "/claims/{claim_id:uuid}/notes"): _note,
    ("POST", "/claims/{claim_id:uuid}/attorneys"): _colleague,
}

# What each path parameter is filled with: always something of group A (or the spare accounts,
# grant and token that belong to it).
PATH_VALUES: dict[str, Callable[[Scene], object]] = {
    "group_id": lambda s: s.group_a.id,
    "person_id": lambda s: s.person_id,
    "incident_id": lambda s: s.incident_id,
    "activity_id": lambda s: s.activity_id,
    "grant_id": lambda s: s.spare_grant.id,
    "token_id": lambda s: s.spare_token_id,
    "module": lambda s: "attachment.js",
    "script": lambda s: "evidence-page.js",
    "user_id": lambda s: s.spare_member.id,  # an organizer and member of A
    "name": lambda s: "tactics",
    "path": lambda s: "swagger",
    "attachment_id": lambda s: s.extra["attachment_id"],
    "stylesheet_name": lambda s: "casebook.css",
    "claim_id": lambda s: s.claim_id,
}

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


def _is_framework_options(handler: Any) -> bool:
    """Litestar adds an OPTIONS handler to every path; tests/access/test_route_permissions.py
    checks that those are refused like the route itself."""
    return handler.http_methods == {"OPTIONS"} and handler.fn.__name__ == "options_handler"


def app_routes(app: Litestar) -> list[RouteKey]:
    keys = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if _is_framework_options(handler):
                continue
            keys.update((method, route.path) for method in handler.http_methods)
    return sorted(keys, key=lambda key: (key[1], key[0]))


def _collection_app() -> Litestar:
    """An app built only to list its routes: it never opens a database connection."""
    directory = Path(tempfile.gettempdir())
    return create_app(
        Settings(
            data_dir=directory,
            database_url="sqlite+aiosqlite:///:memory:",
            policy_dir=REPO_ROOT / "policies",
            secret_key_hex="11" * 32,
        )
    )


def page_routes(app: Litestar) -> frozenset[RouteKey]:
    return frozenset(
        (method, route.path)
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.opt.get("page")
        for method in handler.http_methods
    )


COLLECTION_APP = _collection_app()
ROUTES = app_routes(COLLECTION_APP)
PAGES = page_routes(COLLECTION_APP)


def _route_param(key: RouteKey) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key])] if key in KNOWN_BUGS else []
    return pytest.param(key, id=f"{key[0]} {key[1]}", marks=marks)


def test_the_tables_cover_every_route_and_only_routes() -> None:
    """A route the table does not know, or a table row for a route that is gone, fails here."""
    routes = set(ROUTES)
    unknown = sorted(routes - set(EXPECTED))
    assert not unknown, f"routes without an expected outcome per role: {unknown}"
    stale = sorted(set(EXPECTED) - routes)
    assert not stale, f"expectations for routes the app no longer has: {stale}"
    bodiless = sorted(
        k
        for k in routes
        if k[0] in UNSAFE - {"DELETE"} and k not in BODIES and k not in ACTOR_BODIES
    )
    assert not bodiless, f"unsafe routes without a sample body: {bodiless}"
    unfilled = sorted(
        {name for _, path in routes for name in PARAMETER.findall(path)} - set(PATH_VALUES)
    )
    assert not unfilled, f"path parameters with no sample value: {unfilled}"
    assert not set(KNOWN_BUGS) - routes, "KNOWN_BUGS names a route the app does not have"


def _about_group_a(key: RouteKey) -> bool:
    """The route names something of group A: in its path, its body or its list."""
    named_in_path = any(
        f"{{{name}:" in key[1]
        for name in ("group_id", "person_id", "incident_id", "activity_id", "grant_id")
    )
    creates_in_a = key[0] == "POST" and key[1] in (PEOPLE, INCIDENTS, ACTIVITIES)
    return named_in_path or creates_in_a or key in LISTED_RECORD


def test_the_matrix_says_what_the_threat_model_says() -> None:
    """The table itself, checked against DESIGN.md's rules, so that it cannot drift into
    allowing what the design forbids."""
    for key, outcomes in EXPECTED.items():
        if outcomes[ANONYMOUS] not in (UNAUTHENTICATED, LOGIN):
            assert set(outcomes.values()) <= {OK, NOT_FOUND}, key  # public: same for all
            continue
        if any(p in key[1] for p in ("/people", "/incidents", "/activities")):
            assert outcomes[RESEARCHER] == NOT_FOUND, key
            assert outcomes[ADMIN] == NOT_FOUND, key
        if _about_group_a(key):
            for outsider in OUTSIDERS_OF_A:
                assert outcomes[outsider] in (NOT_FOUND, HIDDEN, INVALID), (key, outsider)
            if key in AGGREGATES:
                assert outcomes[RESEARCHER] in (NOT_FOUND, HIDDEN), key
                continue
            if key[0] in UNSAFE and not key[1].startswith((CLAIMS, "/claims")):  # their matter
                assert outcomes[ATTORNEY_GRANTED] == NOT_FOUND, key
            assert outcomes[RESEARCHER] == NOT_FOUND, key


@pytest.fixture(scope="module", params=[_route_param(key) for key in ROUTES])
def route(request: pytest.FixtureRequest) -> RouteKey:
    key: RouteKey = request.param
    return key


@pytest.fixture(scope="module")
async def matrix_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Runtime, AsyncTestClient[Litestar]]]:
    """One database and app for the whole matrix (a PostgreSQL database costs a second or two
    to create); each route gets a world of its own inside it."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=databases.fresh(),
        policy_dir=REPO_ROOT / "policies",
        secret_key_hex="11" * 32,
    )
    runtime = Runtime.start(settings)
    try:
        async with AsyncTestClient(create_app(settings), base_url=BASE_URL) as client:
            yield runtime, client
    finally:
        await runtime.close()


@pytest.fixture(scope="module")
async def scene(
    route: RouteKey, matrix_app: tuple[Runtime, AsyncTestClient[Litestar]]
) -> tuple[Scene, AsyncTestClient[Litestar]]:
    """A fresh world for each route (module scope + the route parameter: pytest runs all of
    one route's cases together), so that what one route's cases change (a revoked grant, a
    removed member) cannot reach another route's."""
    runtime, client = matrix_app
    world = await build_scene(runtime)
    await evidence.add_evidence(world, route)
    return world, client


def _url(path: str, scene: Scene) -> str:
    return PARAMETER.sub(lambda m: str(PATH_VALUES[m.group(1)](scene)), path)


def _normalized(text: str, ids: list[str]) -> str:
    for value in ids:
        text = text.replace(value, "<id>")
    return text


@pytest.mark.parametrize("actor", ACTORS)
async def test_route_access(
    route: RouteKey, actor: str, scene: tuple[Scene, AsyncTestClient[Litestar]]
) -> None:
    world, client = scene
    method, path = route
    if route not in EXPECTED:
        pytest.fail(f"{method} {path} is not in EXPECTED: say who may call it")
    if method in UNSAFE - {"DELETE"} and route not in BODIES and route not in ACTOR_BODIES:
        pytest.fail(f"{method} {path} is not in BODIES: give a valid sample body")
    expected = EXPECTED[route][actor]
    if route in ACTOR_BODIES:
        body = await ACTOR_BODIES[route](world, actor)
    else:
        body = await BODIES[route](world) if route in BODIES else None
    url = _url(path, world)
    headers = world.headers(actor)
    response = await _send(client, route, url, body, headers)
    what = f"{method} {url} as {actor}: {response.status_code} {response.text[:300]}"

    if route in PAGES and expected in (NOT_FOUND, LOGIN):
        _check_refused_page(response, expected, what)
    elif expected in (OK, HIDDEN):
        handled_form = route in PAGES and response.status_code == 303
        assert handled_form or 200 <= response.status_code < 300, f"expected {expected}; {what}"
        if handled_form:
            assert not response.headers["location"].startswith("/login?next="), what
        if route in LISTED_RECORD:
            record_id = str(LISTED_RECORD[route](world))
            if expected == OK:
                assert record_id in response.text, f"group A's record is missing; {what}"
            else:
                assert record_id not in response.text, f"group A's record leaked; {what}"
    elif expected == NOT_FOUND:
        assert response.status_code == 404, f"expected 404; {what}"
        assert response.json() == {"status_code": 404, "detail": "Not found."}, what
    elif expected == UNAUTHENTICATED:
        assert response.status_code == 401, f"expected 401; {what}"
        assert response.headers.get("www-authenticate") == "Bearer", what
    elif expected == INVALID:
        assert response.status_code == 422, f"expected 422; {what}"
        # The same request naming ids that exist nowhere must be refused in the same words.
        unknown = {value: str(uuid.uuid4()) for value in world.ids_of_a}
        text = json.dumps(body)
        for value, replacement in unknown.items():
            text = text.replace(value, replacement)
        control = await _send(client, route, url, json.loads(text), headers)
        assert control.status_code == 422, control.text
        assert _normalized(response.text, world.ids_of_a) == _normalized(
            control.text, list(unknown.values())
        ), f"the refusal tells A's ids from unknown ones; {what} / {control.text}"
    else:  # pragma: no cover - the table only uses the outcomes above
        pytest.fail(f"unknown outcome {expected!r}")


async def _send(
    client: AsyncTestClient[Litestar],
    route: RouteKey,
    url: str,
    body: Body,
    headers: dict[str, str],
) -> Any:
    """The request as its callers send it: JSON to the API, a form to a page."""
    client.cookies.clear()  # a login route's session cookie must not speak for later cases
    if route in PAGES:
        return await client.request(
            route[0],
            url,
            data=body,
            headers={**headers, "Accept": "text/html"},
            follow_redirects=False,
        )
    return await client.request(route[0], url, json=body, headers=headers)


def _check_refused_page(response: Any, expected: str, what: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 303, f"expected the login page; {what}"
        assert response.headers["location"].startswith("/login?next="), what
    else:
        assert response.status_code == 404, f"expected the not-found page; {what}"
        assert "text/html" in response.headers["content-type"], what
        assert "<h1>Not found</h1>" in response.text, what


async def test_any_organizer_of_the_group_grants_attorneys_access(client, runtime) -> None:
    """Issue 2: "a grant made by an organizer of that group or an admin" -- a member, not only
    the coordinator."""
    world = await build_scene(runtime)
    response = await client.post(
        f"/api/v1/groups/{world.group_a.id}/grants",
        json={"attorney_email": world.spare_attorney.user.email},
        headers=world.spare_member.headers,  # an organizer with group role "member"
    )
    assert response.status_code == 201, response.text


async def test_listing_members_uses_no_deprecated_sqlalchemy_api(runtime) -> None:
    from casebook.access.actor import load_actor
    from casebook.db import transaction
    from casebook.groups.service import members

    world = await build_scene(runtime)
    async with transaction(runtime.sessions) as session:
        admin = world.accounts[ADMIN]
        actor = await load_actor(session, admin.user, runtime.policies)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            rows = await members(session, actor, world.group_a.id)
    assert {user.id for user, _ in rows} == {
        world.accounts[ORGANIZER_OWN].id,
        world.spare_member.id,
    }
