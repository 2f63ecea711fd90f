"""Protected-activity pages: the list with its filters, one activity, and the form that records
or edits one (with the conflict choice when someone else saved first)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.activities.service import (
    KINDS,
    ActivityView,
    create_activity,
    get_activity,
    list_activities,
    update_activity,
)
from casebook.errors import Conflict, NotFound, ValidationFailed
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import one_page
from casebook.people.service import get_person, list_people
from casebook.vocabulary import vocabularies
from casebook.web.forms import reading
from casebook.web.forms.activity import ActivityForm, parse
from casebook.web.page import AnyRequest, gettext, page_locale, render, see_other
from casebook.web.pages.groups import groups_by_id, own_groups

PAGE_SIZE = 50
# The most people an activity form offers to link (the API's limit on one activity).
PEOPLE_OFFERED = 200
FILTERS = ("group", "kind", "date_from", "date_to", "q")


@get("/activities", opt={"permission": "activity.read"})
async def activities_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    filters = {name: request.query_params.get(name, "") for name in FILTERS}
    errors: reading.Errors = {}
    group_id = reading.optional_id(filters["group"], "group", errors)
    if filters["kind"] and filters["kind"] not in vocabularies()[KINDS]:
        errors["kind"] = reading.NOT_LISTED
    date_from = reading.optional_date(filters["date_from"], "date_from", errors)
    date_to = reading.optional_date(filters["date_to"], "date_to", errors)
    text = reading.text(filters["q"], "q", errors, limit=200).strip()
    views: list[ActivityView] = []
    cursor = None
    if not errors:
        found = await list_activities(
            db,
            actor,
            group_id=group_id,
            person_id=None,
            kind=filters["kind"] or None,
            date_from=date_from,
            date_to=date_to,
            text=text or None,
            after=reading.cursor_after(request.query_params.get("cursor", ""), date.fromisoformat),
            limit=PAGE_SIZE + 1,
        )
        views, cursor = one_page(
            found, PAGE_SIZE, lambda v: (v.activity.occurred_on, v.activity.id)
        )
    return render(
        request,
        "activities/list.html",
        activities=views,
        groups=await groups_by_id(db, actor),
        filters=filters,
        errors=errors,
        next_page=reading.next_page(filters, cursor),
    )


@get("/activities/{activity_id:uuid}", opt={"permission": "activity.read"})
async def activity_page(
    request: AnyRequest, db: Db, actor: CurrentActor, activity_id: FromPath[uuid.UUID]
) -> Any:
    view = await get_activity(db, actor, activity_id)
    return render(
        request,
        "activities/show.html",
        view=view,
        activity=view.activity,
        groups=await groups_by_id(db, actor),
        people=[(await get_person(db, actor, p)).person for p in view.person_ids],
        editable=actor.can("activity.write") and _edits(actor, view),
    )


@get("/activities/new", opt={"permission": "activity.write"})
async def new_activity_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = ActivityForm(
        group_ids=[request.query_params.get("group", "")],
        person_ids=[request.query_params.get("person", "")],
    )
    return await _form(request, db, actor, entered, {})


@post("/activities/new", opt={"permission": "activity.write"})
async def create_activity_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = ActivityForm.submitted(await request.form())
    people = await _people_offered(db, actor)
    values, errors = parse(entered, actor.member_groups, people)
    if values is not None:
        try:
            view = await create_activity(
                db,
                actor,
                kind=values.kind,
                occurred_on=values.occurred_on,
                title=values.title,
                description=values.description,
                public_url=values.public_url,
                group_ids=values.group_ids,
                person_ids=values.person_ids,
            )
        except ValidationFailed as failure:
            errors = reading.service_errors(failure)
        else:
            return see_other(f"/activities/{view.activity.id}")
    return await _form(request, db, actor, entered, errors, 422)


@get("/activities/{activity_id:uuid}/edit", opt={"permission": "activity.write"})
async def edit_activity_page(
    request: AnyRequest, db: Db, actor: CurrentActor, activity_id: FromPath[uuid.UUID]
) -> Any:
    view = await _editable(db, actor, activity_id)
    return await _form(request, db, actor, ActivityForm.of(view), {}, activity_id=activity_id)


@post("/activities/{activity_id:uuid}/edit", opt={"permission": "activity.write"})
async def update_activity_page(
    request: AnyRequest, db: Db, actor: CurrentActor, activity_id: FromPath[uuid.UUID]
) -> Any:
    entered = ActivityForm.submitted(await request.form())
    values, errors = parse(entered, actor.member_groups, await _people_offered(db, actor))
    if values is None:
        await _editable(db, actor, activity_id)
        return await _form(request, db, actor, entered, errors, 422, activity_id=activity_id)
    try:
        await update_activity(
            db, actor, activity_id, reading.version(entered.version), values.changes()
        )
    except ValidationFailed as failure:
        errors = reading.service_errors(failure)
        return await _form(request, db, actor, entered, errors, 422, activity_id=activity_id)
    except Conflict:
        saved = await get_activity(db, actor, activity_id)
        differences = await _differences(request, db, actor, entered, ActivityForm.of(saved))
        entered.version = str(saved.activity.version)
        return await _form(
            request, db, actor, entered, {}, 409, activity_id=activity_id, conflict=differences
        )
    return see_other(f"/activities/{activity_id}")


async def _editable(db: AsyncSession, actor: Actor, activity_id: uuid.UUID) -> ActivityView:
    """The activity, if the actor organizes one of its groups; else the not-found page."""
    view = await get_activity(db, actor, activity_id)
    if not _edits(actor, view):
        raise NotFound("activity", activity_id)
    return view


def _edits(actor: Actor, view: ActivityView) -> bool:
    return any(actor.may_write_for(group) for group in view.group_ids)


async def _people_offered(db: AsyncSession, actor: Actor) -> dict[uuid.UUID, str]:
    """The people of the actor's groups, by id, with their aliases."""
    views = await list_people(db, actor, group_id=None, text=None, after=None, limit=PEOPLE_OFFERED)
    return {view.person.id: view.person.alias for view in views}


async def _form(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    entered: ActivityForm,
    errors: reading.Errors,
    status_code: int = 200,
    *,
    activity_id: uuid.UUID | None = None,
    conflict: list[tuple[str, str, str]] | None = None,
) -> Any:
    return render(
        request,
        "activities/form.html",
        status_code=status_code,
        form=entered,
        errors=errors,
        groups=await own_groups(db, actor),
        people=await _people_offered(db, actor),
        activity_id=activity_id,
        conflict=conflict,
    )


async def _differences(
    request: AnyRequest, db: AsyncSession, actor: Actor, yours: ActivityForm, saved: ActivityForm
) -> list[tuple[str, str, str]]:
    """(field label, typed, saved) for each field the two versions disagree on."""
    _ = gettext(request)
    groups = {i: g.name for i, g in (await groups_by_id(db, actor)).items()}
    people = await _people_offered(db, actor)
    kinds, locale = vocabularies()[KINDS], page_locale(request)
    rows = [
        (_("Kind"), kinds.label(yours.kind, locale), kinds.label(saved.kind, locale)),
        (_("Date"), yours.occurred_on, saved.occurred_on),
        (_("Title"), yours.title, saved.title),
        (_("Description"), yours.description, saved.description),
        (_("Public web address"), yours.public_url, saved.public_url),
        reading.chosen_row(_("Groups"), yours.group_ids, saved.group_ids, groups),
        reading.chosen_row(_("People"), yours.person_ids, saved.person_ids, people),
    ]
    return reading.disagreements(rows)


ROUTES = [
    activities_page,
    activity_page,
    new_activity_page,
    create_activity_page,
    edit_activity_page,
    update_activity_page,
]
