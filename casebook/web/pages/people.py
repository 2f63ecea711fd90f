"""People pages: the list with its filters, a person with their timeline, and the form that
creates or edits a person (with the conflict choice when someone else saved first)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.errors import Conflict, NotFound, ValidationFailed
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import one_page
from casebook.people.service import (
    PersonView,
    create_person,
    get_person,
    list_people,
    update_person,
)
from casebook.web.forms import reading
from casebook.web.forms.person import PersonForm, parse
from casebook.web.page import AnyRequest, gettext, render, see_other
from casebook.web.pages.groups import groups_by_id, own_groups
from casebook.web.timeline import person_timeline

PAGE_SIZE = 50


@get("/people", opt={"permission": "person.read"})
async def people_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    filters = {name: request.query_params.get(name, "") for name in ("group", "q")}
    errors: reading.Errors = {}
    group_id = reading.optional_id(filters["group"], "group", errors)
    text = reading.text(filters["q"], "q", errors, limit=200).strip()
    views: list[PersonView] = []
    cursor = None
    if not errors:
        found = await list_people(
            db,
            actor,
            group_id=group_id,
            text=text or None,
            after=reading.cursor_after(request.query_params.get("cursor", ""), str),
            limit=PAGE_SIZE + 1,
        )
        views, cursor = one_page(found, PAGE_SIZE, lambda v: (v.person.alias, v.person.id))
    return render(
        request,
        "people/list.html",
        people=views,
        groups=await groups_by_id(db, actor),
        filters=filters,
        errors=errors,
        next_page=reading.next_page(filters, cursor),
    )


@get("/people/{person_id:uuid}", opt={"permission": "person.read"})
async def person_page(
    request: AnyRequest, db: Db, actor: CurrentActor, person_id: FromPath[uuid.UUID]
) -> Any:
    view = await get_person(db, actor, person_id)
    return render(
        request,
        "people/show.html",
        view=view,
        person=view.person,
        groups=await groups_by_id(db, actor),
        editable=actor.can("person.write") and _edits(actor, view),
        timeline=await person_timeline(db, actor, person_id),
    )


@get("/people/new", opt={"permission": "person.write"})
async def new_person_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    chosen = request.query_params.get("group", "")
    return await _form(request, db, actor, PersonForm(group_ids=[chosen]), {})


@post("/people/new", opt={"permission": "person.write"})
async def create_person_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = PersonForm.submitted(await request.form())
    values, errors = parse(entered, actor.member_groups)
    if values is not None:
        try:
            view = await create_person(
                db,
                actor,
                alias=values.alias,
                legal_name=values.legal_name,
                notes=values.notes,
                group_ids=values.group_ids,
            )
        except ValidationFailed as failure:
            errors = reading.service_errors(failure)
        else:
            return see_other(f"/people/{view.person.id}")
    return await _form(request, db, actor, entered, errors, status_code=422)


@get("/people/{person_id:uuid}/edit", opt={"permission": "person.write"})
async def edit_person_page(
    request: AnyRequest, db: Db, actor: CurrentActor, person_id: FromPath[uuid.UUID]
) -> Any:
    view = await _editable(db, actor, person_id)
    return await _form(request, db, actor, PersonForm.of(view), {}, person_id=person_id)


@post("/people/{person_id:uuid}/edit", opt={"permission": "person.write"})
async def update_person_page(
    request: AnyRequest, db: Db, actor: CurrentActor, person_id: FromPath[uuid.UUID]
) -> Any:
    entered = PersonForm.submitted(await request.form())
    values, errors = parse(entered, actor.member_groups)
    if values is None:
        await _editable(db, actor, person_id)
        return await _form(request, db, actor, entered, errors, 422, person_id=person_id)
    try:
        await update_person(
            db, actor, person_id, reading.version(entered.version), values.changes()
        )
    except ValidationFailed as failure:
        errors = reading.service_errors(failure)
        return await _form(request, db, actor, entered, errors, 422, person_id=person_id)
    except Conflict:
        saved = await get_person(db, actor, person_id)
        names = {i: g.name for i, g in (await groups_by_id(db, actor)).items()}
        differences = _differences(request, entered, PersonForm.of(saved), names)
        entered.version = str(saved.person.version)
        return await _form(
            request, db, actor, entered, {}, 409, person_id=person_id, conflict=differences
        )
    return see_other(f"/people/{person_id}")


async def _editable(db: AsyncSession, actor: Actor, person_id: uuid.UUID) -> PersonView:
    """The person, if the actor organizes one of their groups; else the not-found page."""
    view = await get_person(db, actor, person_id)
    if not _edits(actor, view):
        raise NotFound("person", person_id)
    return view


def _edits(actor: Actor, view: PersonView) -> bool:
    return any(actor.may_write_for(group) for group in view.group_ids)


async def _form(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    entered: PersonForm,
    errors: reading.Errors,
    status_code: int = 200,
    *,
    person_id: uuid.UUID | None = None,
    conflict: list[tuple[str, str, str]] | None = None,
) -> Any:
    groups = await own_groups(db, actor)
    return render(
        request,
        "people/form.html",
        status_code=status_code,
        form=entered,
        errors=errors,
        groups=groups,
        person_id=person_id,
        conflict=conflict,
    )


def _differences(
    request: AnyRequest, yours: PersonForm, saved: PersonForm, groups: dict[uuid.UUID, str]
) -> list[tuple[str, str, str]]:
    """(field label, typed, saved) for each field the two versions disagree on."""
    _ = gettext(request)

    rows = [
        (_("Alias"), yours.alias, saved.alias),
        (_("Legal name"), yours.legal_name, saved.legal_name),
        (_("Notes"), yours.notes, saved.notes),
        reading.chosen_row(_("Groups"), yours.group_ids, saved.group_ids, groups),
    ]
    return reading.disagreements(rows)


ROUTES = [
    people_page,
    person_page,
    new_person_page,
    create_person_page,
    edit_person_page,
    update_person_page,
]
