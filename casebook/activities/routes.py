"""HTTP routes for protected activities."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec
from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from casebook.activities import service
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import (
    Cursor,
    GroupIds,
    Input,
    LongText,
    Output,
    PageSize,
    SearchText,
    decode_cursor,
    one_page,
)

Kind = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
PublicUrl = Annotated[str, msgspec.Meta(max_length=2000)]
PersonIds = Annotated[list[uuid.UUID], msgspec.Meta(max_length=200)]
KindFilter = Annotated[str | None, QueryParameter(max_length=40)]


class ActivityInput(Input, kw_only=True):
    kind: Kind
    occurred_on: date
    title: Title
    description: LongText = ""
    public_url: PublicUrl | None = None
    group_ids: GroupIds
    person_ids: PersonIds = msgspec.field(default_factory=list)


class ActivityPatch(Input, kw_only=True):
    version: int
    kind: Kind | None = None
    occurred_on: date | None = None
    title: Title | None = None
    description: LongText | None = None
    public_url: PublicUrl | None = None
    group_ids: GroupIds | None = None
    person_ids: PersonIds | None = None


class ActivityOut(Output, kw_only=True):
    id: uuid.UUID
    kind: str
    occurred_on: date
    title: str
    description: str
    public_url: str | None
    needs_review: bool
    group_ids: list[uuid.UUID]
    person_ids: list[uuid.UUID]
    version: int

    @classmethod
    def of(cls, view: service.ActivityView) -> ActivityOut:
        a = view.activity
        return cls(
            id=a.id,
            kind=a.kind,
            occurred_on=a.occurred_on,
            title=a.title,
            description=a.description,
            public_url=a.public_url,
            needs_review=a.needs_review,
            group_ids=view.group_ids,
            person_ids=view.person_ids,
            version=a.version,
        )


class ActivityPage(Output, kw_only=True):
    items: list[ActivityOut]
    next_cursor: str | None


@get("/api/v1/activities", tags=["activities"], opt={"permission": "activity.read"})
async def list_activities(
    db: Db,
    actor: CurrentActor,
    group_id: FromQuery[uuid.UUID | None] = None,
    person_id: FromQuery[uuid.UUID | None] = None,
    kind: KindFilter = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
    q: SearchText = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> ActivityPage:
    views = await service.list_activities(
        db,
        actor,
        group_id=group_id,
        person_id=person_id,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        text=q,
        after=decode_cursor(cursor, date.fromisoformat) if cursor else None,
        limit=limit + 1,
    )
    page, next_cursor = one_page(views, limit, lambda v: (v.activity.occurred_on, v.activity.id))
    return ActivityPage(items=[ActivityOut.of(v) for v in page], next_cursor=next_cursor)


@post("/api/v1/activities", tags=["activities"], opt={"permission": "activity.write"})
async def create_activity(
    data: JSONBody[ActivityInput], db: Db, actor: CurrentActor
) -> ActivityOut:
    view = await service.create_activity(
        db,
        actor,
        kind=data.kind,
        occurred_on=data.occurred_on,
        title=data.title,
        description=data.description,
        public_url=data.public_url,
        group_ids=data.group_ids,
        person_ids=data.person_ids,
    )
    return ActivityOut.of(view)


@get(
    "/api/v1/activities/{activity_id:uuid}",
    tags=["activities"],
    opt={"permission": "activity.read"},
)
async def show_activity(
    activity_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> ActivityOut:
    return ActivityOut.of(await service.get_activity(db, actor, activity_id))


@patch(
    "/api/v1/activities/{activity_id:uuid}",
    tags=["activities"],
    opt={"permission": "activity.write"},
)
async def update_activity(
    activity_id: FromPath[uuid.UUID], data: JSONBody[ActivityPatch], db: Db, actor: CurrentActor
) -> ActivityOut:
    changes = service.ActivityChanges(
        kind=data.kind,
        occurred_on=data.occurred_on,
        title=data.title,
        description=data.description,
        public_url=data.public_url,
        group_ids=data.group_ids,
        person_ids=data.person_ids,
    )
    view = await service.update_activity(db, actor, activity_id, data.version, changes)
    return ActivityOut.of(view)


ROUTES = [list_activities, create_activity, show_activity, update_activity]
