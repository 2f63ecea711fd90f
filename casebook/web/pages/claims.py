"""Claim pages for attorneys: their claims, opening one, and the claim page with its visual
timeline, chronology, element matrix, exhibits (reordered by buttons or by dragging), notes
and colleagues. Only the attorneys on a claim get anything but the not-found page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.claims import elements, exhibits, notes, service, team, views
from casebook.claims.access import load_claim
from casebook.errors import Conflict, ValidationFailed
from casebook.http.dependencies import CurrentActor, Db
from casebook.people.service import list_people
from casebook.web.claim_timeline import axis
from casebook.web.forms import reading
from casebook.web.forms.claim import (
    ElementsForm,
    ExhibitsForm,
    GatherForm,
    NewClaimForm,
    RecordsForm,
    parse_elements,
    parse_exhibits,
    parse_new_claim,
    parse_records,
)
from casebook.web.page import AnyRequest, render, see_other
from casebook.web.pages.groups import groups_by_id

# The most people the new-claim form offers as claimants.
PEOPLE_OFFERED = 500


@get("/claims", opt={"permission": "claim.read"})
async def claims_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return render(request, "claims/list.html", claims=await service.list_claims(db, actor))


@get("/claims/new", opt={"permission": "claim.write"})
async def new_claim_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return await _new_form(request, db, actor, NewClaimForm(), {})


@post("/claims/new", opt={"permission": "claim.write"})
async def create_claim_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = NewClaimForm.submitted(await request.form())
    people = await _people_offered(db, actor)
    groups = await groups_by_id(db, actor)
    parsed, errors = parse_new_claim(entered, people, groups)
    if parsed is not None:
        fields, period = parsed
        try:
            claim = await service.create_claim(db, actor, fields, period)
        except ValidationFailed as failure:
            errors = reading.service_errors(failure)
        else:
            return see_other(f"/claims/{claim.id}")
    return await _new_form(request, db, actor, entered, errors, 422)


async def _new_form(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    entered: NewClaimForm,
    errors: reading.Errors,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        "claims/new.html",
        status_code=status_code,
        form=entered,
        errors=errors,
        people=await _people_offered(db, actor),
        groups=list((await groups_by_id(db, actor)).values()),
    )


async def _people_offered(db: AsyncSession, actor: Actor) -> dict[uuid.UUID, str]:
    found = await list_people(db, actor, group_id=None, text=None, after=None, limit=PEOPLE_OFFERED)
    return {view.person.id: view.person.alias for view in found}


@get("/claims/{claim_id:uuid}", opt={"permission": "claim.read"})
async def claim_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    return await _claim(request, db, actor, await views.get_claim(db, actor, claim_id))


@post("/claims/{claim_id:uuid}/elements/{incident_id:uuid}", opt={"permission": "claim.write"})
async def elements_page(
    request: AnyRequest,
    db: Db,
    actor: CurrentActor,
    claim_id: FromPath[uuid.UUID],
    incident_id: FromPath[uuid.UUID],
) -> Any:
    entered = ElementsForm.submitted(await request.form())
    view = await _view(db, actor, claim_id)
    changes, errors = parse_elements(entered, view.activities)
    if changes is not None:
        try:
            await elements.update_elements(
                db, actor, claim_id, incident_id, reading.version(entered.version), changes
            )
        except ValidationFailed as failure:
            errors = reading.service_errors(failure, {"answers_activity_id": "answers"})
        except Conflict:
            forms = {incident_id: (entered, errors)}
            return await _claim(request, db, actor, view, 409, element_forms=forms, conflict=True)
        else:
            return see_other(f"/claims/{claim_id}#action-{incident_id}")
    forms = {incident_id: (entered, errors)}
    return await _claim(request, db, actor, view, 422, element_forms=forms)


@post("/claims/{claim_id:uuid}/exhibits", opt={"permission": "claim.write"})
async def exhibits_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    entered = ExhibitsForm.submitted(await request.form())
    offered = {a.id for a, _ in await exhibits.usable_evidence(db, actor, claim_id)}
    items, errors = parse_exhibits(entered, offered)
    if items is not None:
        try:
            await exhibits.set_exhibits(
                db, actor, claim_id, reading.version(entered.version), items
            )
        except ValidationFailed as failure:
            errors = reading.service_errors(failure)
        except Conflict:
            view = await _view(db, actor, claim_id)
            return await _claim(request, db, actor, view, 409, conflict=True)
        else:
            return see_other(f"/claims/{claim_id}#exhibits")
    view = await _view(db, actor, claim_id)
    return await _claim(request, db, actor, view, 422, exhibit_errors=errors)


@post("/claims/{claim_id:uuid}/records", opt={"permission": "claim.write"})
async def records_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    """Takes out of the claim the records whose boxes were unticked."""
    entered = RecordsForm.submitted(await request.form())
    view = await _view(db, actor, claim_id)
    kept, errors = parse_records(entered, view.incidents, view.activities)
    if kept is not None:
        fields = service.ClaimFields(incident_ids=kept[0], activity_ids=kept[1])
        try:
            await service.update_claim(
                db, actor, claim_id, reading.version(entered.version), fields
            )
        except Conflict:
            return await _claim(request, db, actor, view, 409, conflict=True)
        return see_other(f"/claims/{claim_id}#records")
    return await _claim(request, db, actor, view, 422, records_errors=errors)


@post("/claims/{claim_id:uuid}/gather", opt={"permission": "claim.write"})
async def gather_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    """Takes in the claimants' incidents and protected activities of a date range."""
    entered = GatherForm.submitted(await request.form())
    errors: reading.Errors = {}
    period = service.Period(
        reading.optional_date(entered.gather_from, "gather_from", errors),
        reading.optional_date(entered.gather_to, "gather_to", errors),
    )
    if not errors:
        try:
            version = reading.version(entered.version)
            await service.gather_records(db, actor, claim_id, version, period)
        except ValidationFailed as failure:
            errors = reading.service_errors(failure)
        except Conflict:
            view = await _view(db, actor, claim_id)
            return await _claim(request, db, actor, view, 409, conflict=True, gather=entered)
        else:
            return see_other(f"/claims/{claim_id}#records")
    view = await _view(db, actor, claim_id)
    return await _claim(request, db, actor, view, 422, gather=entered, gather_errors=errors)


@post("/claims/{claim_id:uuid}/notes", opt={"permission": "claim.write"})
async def note_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    body = reading.string((await request.form()).get("body", ""))
    errors: reading.Errors = {}
    text = reading.text(body, "body", errors, limit=20000, required=True)
    if not errors:
        await notes.add_note(db, actor, claim_id, text)
        return see_other(f"/claims/{claim_id}#notes")
    view = await _view(db, actor, claim_id)
    return await _claim(request, db, actor, view, 422, note_errors=errors, note=body)


@post("/claims/{claim_id:uuid}/attorneys", opt={"permission": "claim.write"})
async def attorney_page(
    request: AnyRequest, db: Db, actor: CurrentActor, claim_id: FromPath[uuid.UUID]
) -> Any:
    email = reading.string((await request.form()).get("email", ""))
    try:
        await team.add_attorney(db, actor, claim_id, email)
    except ValidationFailed as failure:
        view = await _view(db, actor, claim_id)
        errors = reading.service_errors(failure)
        return await _claim(request, db, actor, view, 422, team_errors=errors, email=email)
    return see_other(f"/claims/{claim_id}#attorneys")


async def _view(db: AsyncSession, actor: Actor, claim_id: uuid.UUID) -> views.ClaimView:
    return await views.claim_view(db, actor, await load_claim(db, actor, claim_id))


async def _claim(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    view: views.ClaimView,
    status_code: int = 200,
    *,
    element_forms: dict[uuid.UUID, tuple[ElementsForm, reading.Errors]] | None = None,
    **context: Any,
) -> Any:
    version = view.claim.version
    no_errors: reading.Errors = {}
    forms = {
        row.incident.id: (ElementsForm.of(row.action, version), no_errors) for row in view.matrix
    }
    for incident_id, (form, errors) in (element_forms or {}).items():
        forms[incident_id] = (_with_version(form, version), errors)
    shown = {row.attachment.id for row in view.exhibits}
    return render(
        request,
        "claims/show.html",
        status_code=status_code,
        view=view,
        claim=view.claim,
        timeline=axis(view.chronology),
        element_forms=forms,
        addable=[
            {"id": attachment.id, "attachment": attachment, "who": email}
            for attachment, email in await exhibits.usable_evidence(db, actor, view.claim.id)
            if attachment.id not in shown
        ],
        notes=await notes.list_notes(db, actor, view.claim.id),
        emails={user.id: user.email for user in view.attorneys},
        **context,
    )


def _with_version(form: ElementsForm, version: int) -> ElementsForm:
    """What the person typed, to be saved over the claim as it is now."""
    form.version = str(version)
    return form


ROUTES = [
    claims_page,
    new_claim_page,
    create_claim_page,
    claim_page,
    elements_page,
    records_page,
    gather_page,
    exhibits_page,
    note_page,
    attorney_page,
]
