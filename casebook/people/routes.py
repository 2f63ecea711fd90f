"""HTTP routes for people."""

from __future__ import annotations

import uuid

from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import (
    Cursor,
    GroupIds,
    Input,
    LongText,
    OptionalText,
    Output,
    PageSize,
    SearchText,
    ShortText,
    decode_cursor,
    one_page,
)
from casebook.people import service


class PersonInput(Input, kw_only=True):
    alias: ShortText
    legal_name: OptionalText | None = None
    notes: LongText = ""
    group_ids: GroupIds


class PersonPatch(Input, kw_only=True):
    version: int
    alias: ShortText | None = None
    legal_name: OptionalText | None = None
    notes: LongText | None = None
    group_ids: GroupIds | None = None


class PersonOut(Output, kw_only=True):
    id: uuid.UUID
    alias: str
    legal_name: str | None
    notes: str
    group_ids: list[uuid.UUID]
    version: int

    @classmethod
    def of(cls, view: service.PersonView) -> PersonOut:
        p = view.person
        return cls(
            id=p.id,
            alias=p.alias,
            legal_name=p.legal_name,
            notes=p.notes,
            group_ids=view.group_ids,
            version=p.version,
        )


class PersonPage(Output, kw_only=True):
    items: list[PersonOut]
    next_cursor: str | None


@get("/api/v1/people", tags=["people"], opt={"permission": "person.read"})
async def list_people(
    db: Db,
    actor: CurrentActor,
    group_id: FromQuery[uuid.UUID | None] = None,
    q: SearchText = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> PersonPage:
    after = decode_cursor(cursor, str) if cursor else None
    views = await service.list_people(
        db,
        actor,
        group_id=group_id,
        text=q,
        after=after,
        limit=limit + 1,
    )
    page, next_cursor = one_page(views, limit, lambda v: (v.person.alias, v.person.id))
    return PersonPage(items=[PersonOut.of(v) for v in page], next_cursor=next_cursor)


@post("/api/v1/people", tags=["people"], opt={"permission": "person.write"})
async def create_person(data: JSONBody[PersonInput], db: Db, actor: CurrentActor) -> PersonOut:
    view = await service.create_person(
        db,
        actor,
        alias=data.alias,
        legal_name=data.legal_name,
        notes=data.notes,
        group_ids=data.group_ids,
    )
    return PersonOut.of(view)


@get("/api/v1/people/{person_id:uuid}", tags=["people"], opt={"permission": "person.read"})
async def show_person(person_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> PersonOut:
    return PersonOut.of(await service.get_person(db, actor, person_id))


@patch("/api/v1/people/{person_id:uuid}", tags=["people"], opt={"permission": "person.write"})
async def update_person(
    person_id: FromPath[uuid.UUID], data: JSONBody[PersonPatch], db: Db, actor: CurrentActor
) -> PersonOut:
    changes = service.PersonChanges(
        alias=data.alias, legal_name=data.legal_name, notes=data.notes, group_ids=data.group_ids
    )
    return PersonOut.of(await service.update_person(db, actor, person_id, data.version, changes))


ROUTES = [list_people, create_person, show_person, update_person]
