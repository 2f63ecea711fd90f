"""HTTP routes for incidents."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

import msgspec
from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, UnsetType

from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import (
    Cursor,
    Input,
    LongText,
    Output,
    PageSize,
    SearchText,
    decode_cursor,
    one_page,
)
from casebook.incidents import service
from casebook.incidents.fields import IncidentFields, Involvement

VocabularyId = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Place = Annotated[str, msgspec.Meta(max_length=120)]
Country = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
Precision = Literal["day", "month", "year"]


class InvolvementIO(Input, kw_only=True):
    person_id: uuid.UUID
    role: VocabularyId


Tactics = Annotated[list[VocabularyId], msgspec.Meta(max_length=40)]
Agencies = Annotated[list[VocabularyId], msgspec.Meta(max_length=20)]
People = Annotated[list[InvolvementIO], msgspec.Meta(max_length=200)]
Ids = Annotated[list[uuid.UUID], msgspec.Meta(max_length=200)]


class IncidentInput(Input, kw_only=True):
    group_id: uuid.UUID
    occurred_on: date
    date_precision: Precision = "day"
    occurred_time: time | None = None
    city: Place = ""
    region: Place = ""
    country: Country = "US"
    tactics: Tactics
    agencies: Agencies = msgspec.field(default_factory=list)
    people: People = msgspec.field(default_factory=list)
    group_ids: Ids = msgspec.field(default_factory=list)
    activity_ids: Ids = msgspec.field(default_factory=list)
    narrative: LongText = ""
    source_kind: VocabularyId = "first-hand"
    verification_status: VocabularyId = "unverified"
    workflow_status: VocabularyId = "draft"

    def to_fields(self) -> IncidentFields:
        values = msgspec.structs.asdict(self)
        values["people"] = [Involvement(p.person_id, p.role) for p in self.people]
        return IncidentFields(**values)


class IncidentPatch(Input, kw_only=True):
    """Only the fields given change; `version` is the version the edit was made from."""

    version: int
    group_id: uuid.UUID | UnsetType = UNSET
    occurred_on: date | UnsetType = UNSET
    date_precision: Precision | UnsetType = UNSET
    occurred_time: time | UnsetType | None = UNSET
    city: Place | UnsetType = UNSET
    region: Place | UnsetType = UNSET
    country: Country | UnsetType = UNSET
    tactics: Tactics | UnsetType = UNSET
    agencies: Agencies | UnsetType = UNSET
    people: People | UnsetType = UNSET
    group_ids: Ids | UnsetType = UNSET
    activity_ids: Ids | UnsetType = UNSET
    narrative: LongText | UnsetType = UNSET
    source_kind: VocabularyId | UnsetType = UNSET
    verification_status: VocabularyId | UnsetType = UNSET
    workflow_status: VocabularyId | UnsetType = UNSET

    def changes(self) -> dict[str, object]:
        given = {
            name: value
            for name, value in msgspec.structs.asdict(self).items()
            if value is not UNSET and name != "version"
        }
        if "people" in given:
            given["people"] = [Involvement(p.person_id, p.role) for p in self.people or []]
        return given


class IncidentOut(Output, kw_only=True):
    id: uuid.UUID
    group_id: uuid.UUID
    occurred_on: date
    date_precision: str
    occurred_time: time | None
    city: str
    region: str
    country: str
    tactics: list[str]
    agencies: list[str]
    people: list[InvolvementIO]
    group_ids: list[uuid.UUID]
    activity_ids: list[uuid.UUID]
    narrative: str
    source_kind: str
    verification_status: str
    workflow_status: str
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, view: service.IncidentView) -> IncidentOut:
        values = dict(vars(view.fields))
        values["people"] = [
            InvolvementIO(person_id=p.person_id, role=p.role) for p in view.fields.people
        ]
        i = view.incident
        return cls(
            id=i.id, created_at=i.created_at, updated_at=i.updated_at, version=i.version, **values
        )


class IncidentPage(Output, kw_only=True):
    items: list[IncidentOut]
    next_cursor: str | None


@get("/api/v1/incidents", tags=["incidents"], opt={"permission": "incident.read"})
async def list_incidents(
    db: Db,
    actor: CurrentActor,
    group_id: FromQuery[uuid.UUID | None] = None,
    tactic: FromQuery[VocabularyId | None] = None,
    agency: FromQuery[VocabularyId | None] = None,
    person_id: FromQuery[uuid.UUID | None] = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
    region: FromQuery[Place | None] = None,
    workflow_status: FromQuery[VocabularyId | None] = None,
    verification_status: FromQuery[VocabularyId | None] = None,
    q: SearchText = None,
    limit: PageSize = 50,
    cursor: Cursor = None,
) -> IncidentPage:
    where = service.IncidentFilter(
        group_id=group_id,
        tactic=tactic,
        agency=agency,
        person_id=person_id,
        date_from=date_from,
        date_to=date_to,
        region=region,
        workflow_status=workflow_status,
        verification_status=verification_status,
        text=q or None,
    )
    after = decode_cursor(cursor, date.fromisoformat) if cursor else None
    views = await service.list_incidents(db, actor, where, after=after, limit=limit + 1)
    page, next_cursor = one_page(views, limit, lambda v: (v.incident.occurred_on, v.incident.id))
    return IncidentPage(items=[IncidentOut.of(v) for v in page], next_cursor=next_cursor)


@post("/api/v1/incidents", tags=["incidents"], opt={"permission": "incident.write"})
async def create_incident(
    data: JSONBody[IncidentInput], db: Db, actor: CurrentActor
) -> IncidentOut:
    return IncidentOut.of(await service.create_incident(db, actor, data.to_fields()))


@get(
    "/api/v1/incidents/{incident_id:uuid}", tags=["incidents"], opt={"permission": "incident.read"}
)
async def show_incident(
    incident_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor
) -> IncidentOut:
    return IncidentOut.of(await service.get_incident(db, actor, incident_id))


@patch(
    "/api/v1/incidents/{incident_id:uuid}", tags=["incidents"], opt={"permission": "incident.write"}
)
async def update_incident(
    incident_id: FromPath[uuid.UUID], data: JSONBody[IncidentPatch], db: Db, actor: CurrentActor
) -> IncidentOut:
    view = await service.update_incident(db, actor, incident_id, data.version, data.changes())
    return IncidentOut.of(view)


ROUTES = [list_incidents, create_incident, show_incident, update_incident]
