"""The incident pages: the filtered list, one incident, and the form that logs or edits one
(built for a phone). An edit that lost a race comes back as a choice, with nothing lost."""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.activities.models import ProtectedActivity
from casebook.activities.service import get_activity, list_activities
from casebook.errors import Conflict, NotFound, ValidationFailed
from casebook.evidence.attachments import list_for_incident
from casebook.groups.service import list_groups
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import one_page
from casebook.incidents.fields import IncidentFields
from casebook.incidents.service import (
    IncidentView,
    create_incident,
    get_incident,
    list_incidents,
    update_incident,
)
from casebook.people.service import get_person, list_people
from casebook.web.forms import reading
from casebook.web.forms.incident import (
    FILTER_LABELS,
    LABELS,
    FilterForm,
    IncidentForm,
    changes,
    differing,
    parse,
    parse_filter,
    service_errors,
)
from casebook.web.page import AnyRequest, gettext, render, see_other

PAGE_SIZE = 25
# How many of the newest protected activities the form offers to link.
ACTIVITY_CHOICES = 50
# How many people the form's person lists offer.
PEOPLE_CHOICES = 1000

READ = {"permission": "incident.read"}
WRITE = {"permission": "incident.write"}


@dataclass
class Names:
    """What the ids an incident refers to are called, for the person reading it."""

    groups: dict[uuid.UUID, str] = field(default_factory=dict)
    people: dict[uuid.UUID, str] = field(default_factory=dict)
    activities: dict[uuid.UUID, ProtectedActivity] = field(default_factory=dict)


@get("/incidents", opt=READ)
async def incident_list(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = FilterForm.submitted(request.query_params)
    where, errors = parse_filter(entered)
    views: list[IncidentView] = []
    next_url = None
    if where is not None:
        after = reading.cursor_after(request.query_params.get("cursor", ""), date.fromisoformat)
        found = await list_incidents(db, actor, where, after=after, limit=PAGE_SIZE + 1)
        views, cursor = one_page(
            found, PAGE_SIZE, lambda v: (v.incident.occurred_on, v.incident.id)
        )
        next_page = reading.next_page(entered.used(), cursor)
        if next_page is not None:
            next_url = "/incidents" + next_page
    return render(
        request,
        "incidents/list.html",
        status_code=422 if errors else 200,
        views=views,
        next_url=next_url,
        filters=entered,
        errors=errors,
        labels=_translated(request, FILTER_LABELS),
        groups=await list_groups(db, actor),
    )


@get("/incidents/{incident_id:uuid}", opt=READ)
async def incident_detail(
    request: AnyRequest, db: Db, actor: CurrentActor, incident_id: FromPath[uuid.UUID]
) -> Any:
    view = await get_incident(db, actor, incident_id)
    attachment_count = None
    if actor.can("evidence.read"):
        attachment_count = len(await list_for_incident(db, actor, incident_id))
    return render(
        request,
        "incidents/detail.html",
        incident=view.incident,
        fields=view.fields,
        names=await _names_of(db, actor, view.fields),
        may_edit=actor.can("incident.write") and actor.may_write_for(view.incident.group_id),
        attachment_count=attachment_count,
        labels=_translated(request, LABELS),
    )


async def _names_of(db: AsyncSession, actor: Actor, fields: IncidentFields) -> Names:
    """Names of what one incident refers to; what the actor may not see stays unnamed."""
    names = Names(groups={g.id: g.name for g in await list_groups(db, actor)})
    for involvement in fields.people:
        with suppress(NotFound):
            person = await get_person(db, actor, involvement.person_id)
            names.people[involvement.person_id] = person.person.alias
    for activity_id in fields.activity_ids:
        with suppress(NotFound):
            names.activities[activity_id] = (await get_activity(db, actor, activity_id)).activity
    return names


@get("/incidents/new", opt=WRITE)
async def new_incident(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    own = [g.id for g in await list_groups(db, actor) if actor.may_write_for(g.id)]
    chosen = request.query_params.get("group", "")
    entered = IncidentForm(group_id=str(own[0]) if len(own) == 1 else chosen)
    return await _form_page(request, db, actor, entered)


@post("/incidents/new", opt=WRITE)
async def save_new_incident(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    entered = IncidentForm.submitted(await request.form())
    values, errors = parse(entered)
    if values is not None:
        try:
            view = await create_incident(db, actor, values)
        except ValidationFailed as failure:
            errors = service_errors(failure)
        else:
            return see_other(f"/incidents/{view.incident.id}")
    return await _form_page(request, db, actor, entered, errors=errors, status_code=422)


@get("/incidents/{incident_id:uuid}/edit", opt=WRITE)
async def edit_incident(
    request: AnyRequest, db: Db, actor: CurrentActor, incident_id: FromPath[uuid.UUID]
) -> Any:
    view = await _editable(db, actor, incident_id)
    return await _form_page(request, db, actor, IncidentForm.of(view), incident_id=incident_id)


@post("/incidents/{incident_id:uuid}/edit", opt=WRITE)
async def save_incident(
    request: AnyRequest, db: Db, actor: CurrentActor, incident_id: FromPath[uuid.UUID]
) -> Any:
    await _editable(db, actor, incident_id)
    entered = IncidentForm.submitted(await request.form())
    values, errors = parse(entered)
    if values is None:
        return await _form_page(
            request, db, actor, entered, errors=errors, status_code=422, incident_id=incident_id
        )
    try:
        await update_incident(
            db, actor, incident_id, reading.version(entered.version), changes(values)
        )
    except ValidationFailed as failure:
        return await _form_page(
            request,
            db,
            actor,
            entered,
            errors=service_errors(failure),
            status_code=422,
            incident_id=incident_id,
        )
    except Conflict:
        return await _conflict_page(request, db, actor, entered, values, incident_id)
    return see_other(f"/incidents/{incident_id}")


async def _editable(db: AsyncSession, actor: Actor, incident_id: uuid.UUID) -> IncidentView:
    """The incident if the actor may edit it; one they may only read is not found either."""
    view = await get_incident(db, actor, incident_id)
    if not actor.may_write_for(view.incident.group_id):
        raise NotFound("incident", incident_id)
    return view


async def _conflict_page(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    entered: IncidentForm,
    yours: IncidentFields,
    incident_id: uuid.UUID,
) -> Any:
    """The form as typed, over the saved version: saving it again keeps what was typed."""
    saved = await get_incident(db, actor, incident_id)
    entered.version = str(saved.incident.version)
    return await _form_page(
        request,
        db,
        actor,
        entered,
        status_code=409,
        incident_id=incident_id,
        conflict={
            "fields": differing(yours, saved.fields),
            "yours": yours,
            "saved": saved.fields,
        },
    )


async def _form_page(
    request: AnyRequest,
    db: AsyncSession,
    actor: Actor,
    entered: IncidentForm,
    *,
    errors: reading.Errors | None = None,
    status_code: int = 200,
    incident_id: uuid.UUID | None = None,
    conflict: dict[str, Any] | None = None,
) -> Any:
    groups = await list_groups(db, actor)
    people = await list_people(
        db, actor, group_id=None, text=None, after=None, limit=PEOPLE_CHOICES
    )
    activities = await _activity_choices(db, actor, entered.activity_ids)
    return render(
        request,
        "incidents/form.html",
        status_code=status_code,
        entered=entered,
        errors=errors or {},
        labels=_translated(request, LABELS),
        incident_id=incident_id,
        conflict=conflict,
        own_groups=[g for g in groups if actor.may_write_for(g.id)],
        people=[(p.person.id, p.person.alias) for p in people],
        activities=activities,
        names=Names(
            groups={g.id: g.name for g in groups},
            people={p.person.id: p.person.alias for p in people},
            activities={a.id: a for a in activities},
        ),
    )


async def _activity_choices(
    db: AsyncSession, actor: Actor, ticked: list[str]
) -> list[ProtectedActivity]:
    """The newest protected activities of the actor's groups, and any older ones already
    ticked, so that saving the form never unlinks one silently."""
    views = await list_activities(
        db,
        actor,
        group_id=None,
        person_id=None,
        kind=None,
        date_from=None,
        date_to=None,
        text=None,
        after=None,
        limit=ACTIVITY_CHOICES,
    )
    offered = [v.activity for v in views]
    errors: reading.Errors = {}
    for value in ticked:
        activity_id = reading.optional_id(value, "activity_ids", errors)
        if activity_id is not None and all(a.id != activity_id for a in offered):
            with suppress(NotFound):
                offered.append((await get_activity(db, actor, activity_id)).activity)
    return offered


def _translated(request: AnyRequest, labels: dict[str, str]) -> dict[str, str]:
    _ = gettext(request)
    return {name: _(label) for name, label in labels.items()}


ROUTES = [
    incident_list,
    incident_detail,
    new_incident,
    save_new_incident,
    edit_incident,
    save_incident,
]
