"""HTTP API of claims. Everything under /api/v1/claims answers 404 to anyone not on the claim."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import get, patch, post, put
from litestar.params import FromPath, JSONBody

from casebook.claims import elements, exhibits, notes, service, team, views
from casebook.claims.chronology import Entry
from casebook.claims.models import Claim, ClaimNote
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import Email, Input, LongText, Output

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
LabelStyle = Annotated[str, msgspec.Meta(max_length=10)]
BatesPrefix = Annotated[str, msgspec.Meta(max_length=20)]
Ids = Annotated[list[uuid.UUID], msgspec.Meta(max_length=2000)]
ClaimantIds = Annotated[list[uuid.UUID], msgspec.Meta(max_length=200)]
Items = Annotated[list[Annotated[str, msgspec.Meta(max_length=2000)]], msgspec.Meta(max_length=50)]
Source = Annotated[str, msgspec.Meta(max_length=500)]


class ClaimInput(Input, kw_only=True):
    title: Title
    person_ids: ClaimantIds = msgspec.field(default_factory=list)
    group_ids: ClaimantIds = msgspec.field(default_factory=list)
    incident_ids: Ids = msgspec.field(default_factory=list)
    activity_ids: Ids = msgspec.field(default_factory=list)
    gather_from: date | None = None
    gather_to: date | None = None
    gather: bool = False
    label_style: LabelStyle = "letters"
    bates_prefix: BatesPrefix = ""
    bates_start: int = 1


class ClaimPatch(Input, kw_only=True):
    version: int
    title: Title | None = None
    person_ids: ClaimantIds | None = None
    group_ids: ClaimantIds | None = None
    incident_ids: Ids | None = None
    activity_ids: Ids | None = None
    label_style: LabelStyle | None = None
    bates_prefix: BatesPrefix | None = None
    bates_start: int | None = None


class GatherInput(Input, kw_only=True):
    version: int
    gather_from: date | None = None
    gather_to: date | None = None


class QuoteIO(Input, kw_only=True):
    quote: LongText
    source: Source


class ElementsPatch(Input, kw_only=True):
    version: int
    answers_activity_id: uuid.UUID | None = None
    answers_latest: bool = False
    severity: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    animus: Annotated[list[QuoteIO], msgspec.Meta(max_length=50)] | None = None
    departures: Items | None = None
    comparators: Items | None = None
    lawful_basis: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    lawful_basis_notes: LongText | None = None


class ExhibitIO(Input, kw_only=True):
    attachment_id: uuid.UUID
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ExhibitsInput(Input, kw_only=True):
    version: int
    exhibits: Annotated[list[ExhibitIO], msgspec.Meta(max_length=exhibits.MAX_EXHIBITS)]


class NoteInput(Input, kw_only=True):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class AttorneyInput(Input, kw_only=True):
    email: Email


class Named(Output, kw_only=True):
    id: uuid.UUID
    name: str


class ChronologyOut(Output, kw_only=True):
    kind: str
    id: uuid.UUID
    date: date
    date_precision: str
    gap_days: int | None
    gap_approximate: bool
    after_activity_id: uuid.UUID | None

    @classmethod
    def of(cls, entry: Entry) -> ChronologyOut:
        return cls(
            kind=entry.kind,
            id=entry.item.id,
            date=entry.item.on,
            date_precision=entry.item.precision,
            gap_days=entry.gap_days,
            gap_approximate=entry.approximate,
            after_activity_id=None if entry.after is None else entry.after.id,
        )


class ActivityOut(Output, kw_only=True):
    id: uuid.UUID
    kind: str
    occurred_on: date
    title: str
    public_url: str | None


class ElementsOut(Output, kw_only=True):
    incident_id: uuid.UUID
    occurred_on: date
    date_precision: str
    city: str
    region: str
    tactics: list[str]
    narrative: str
    answers_activity_id: uuid.UUID | None
    answers_chosen: bool
    gap_days: int | None
    severity: str
    animus: list[dict[str, str]]
    departures: list[str]
    comparators: list[str]
    lawful_basis: str
    lawful_basis_notes: str

    @classmethod
    def of(cls, row: views.MatrixRow) -> ElementsOut:
        action, incident = row.action, row.incident
        return cls(
            incident_id=incident.id,
            occurred_on=incident.occurred_on,
            date_precision=incident.date_precision,
            city=incident.city,
            region=incident.region,
            tactics=row.tactics,
            narrative=incident.narrative,
            answers_activity_id=None if row.answers is None else row.answers.id,
            answers_chosen=row.answers_chosen,
            gap_days=row.gap_days,
            severity=action.severity,
            animus=action.animus,
            departures=action.departures,
            comparators=action.comparators,
            lawful_basis=action.lawful_basis,
            lawful_basis_notes=action.lawful_basis_notes,
        )


class ExhibitOut(Output, kw_only=True):
    label: str
    position: int
    attachment_id: uuid.UUID
    incident_id: uuid.UUID
    description: str
    uploader_id: uuid.UUID
    uploader_email: str | None
    uploaded_at: datetime | None

    @classmethod
    def of(cls, row: views.ExhibitRow) -> ExhibitOut:
        return cls(
            label=row.label,
            position=row.exhibit.position,
            attachment_id=row.attachment.id,
            incident_id=row.attachment.incident_id,
            description=row.exhibit.description,
            uploader_id=row.attachment.uploader_id,
            uploader_email=row.uploader_email,
            uploaded_at=row.attachment.completed_at,
        )


class ClaimSummary(Output, kw_only=True):
    id: uuid.UUID
    title: str
    updated_at: datetime
    version: int


class ClaimOut(Output, kw_only=True):
    id: uuid.UUID
    title: str
    version: int
    created_at: datetime
    updated_at: datetime
    label_style: str
    bates_prefix: str
    bates_start: int
    attorneys: list[Named]
    people: list[Named]
    groups: list[Named]
    activities: list[ActivityOut]
    chronology: list[ChronologyOut]
    elements: list[ElementsOut]
    exhibits: list[ExhibitOut]

    @classmethod
    def of(cls, view: views.ClaimView) -> ClaimOut:
        claim = view.claim
        return cls(
            id=claim.id,
            title=claim.title,
            version=claim.version,
            created_at=claim.created_at,
            updated_at=claim.updated_at,
            label_style=claim.label_style,
            bates_prefix=claim.bates_prefix,
            bates_start=claim.bates_start,
            attorneys=[Named(id=u.id, name=u.email) for u in view.attorneys],
            people=[Named(id=p.id, name=p.alias) for p in view.people],
            groups=[Named(id=g.id, name=g.name) for g in view.groups],
            activities=[
                ActivityOut(
                    id=a.id,
                    kind=a.kind,
                    occurred_on=a.occurred_on,
                    title=a.title,
                    public_url=a.public_url,
                )
                for a in sorted(view.activities.values(), key=lambda a: (a.occurred_on, a.title))
            ],
            chronology=[ChronologyOut.of(entry) for entry in view.chronology],
            elements=[ElementsOut.of(row) for row in view.matrix],
            exhibits=[ExhibitOut.of(row) for row in view.exhibits],
        )


class ClaimPage(Output, kw_only=True):
    items: list[ClaimSummary]


class GatherOut(Output, kw_only=True):
    incidents_added: int
    activities_added: int
    claim: ClaimOut


class NoteOut(Output, kw_only=True):
    id: uuid.UUID
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class NotePage(Output, kw_only=True):
    items: list[NoteOut]


READ = {"permission": "claim.read"}
WRITE = {"permission": "claim.write"}
CLAIM = "/api/v1/claims/{claim_id:uuid}"


async def _out(db: Db, actor: CurrentActor, claim: Claim) -> ClaimOut:
    """The claim as a service call just left it."""
    return ClaimOut.of(await views.claim_view(db, actor, claim))


@get("/api/v1/claims", tags=["claims"], opt=READ)
async def list_claims(db: Db, actor: CurrentActor) -> ClaimPage:
    claims = await service.list_claims(db, actor)
    return ClaimPage(
        items=[
            ClaimSummary(id=c.id, title=c.title, updated_at=c.updated_at, version=c.version)
            for c in claims
        ]
    )


@post("/api/v1/claims", tags=["claims"], opt=WRITE)
async def create_claim(data: JSONBody[ClaimInput], db: Db, actor: CurrentActor) -> ClaimOut:
    fields = _fields(data)
    period = service.Period(data.gather_from, data.gather_to)
    gather = period if data.gather or period.since or period.until else None
    claim = await service.create_claim(db, actor, fields, gather)
    return await _out(db, actor, claim)


def _fields(data: ClaimInput | ClaimPatch) -> service.ClaimFields:
    return service.ClaimFields(
        title=data.title,
        label_style=data.label_style,
        bates_prefix=data.bates_prefix,
        bates_start=data.bates_start,
        person_ids=data.person_ids,
        group_ids=data.group_ids,
        incident_ids=data.incident_ids,
        activity_ids=data.activity_ids,
    )


@get(CLAIM, tags=["claims"], opt=READ)
async def show_claim(claim_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> ClaimOut:
    return ClaimOut.of(await views.get_claim(db, actor, claim_id))


@patch(CLAIM, tags=["claims"], opt=WRITE)
async def update_claim(
    claim_id: FromPath[uuid.UUID], data: JSONBody[ClaimPatch], db: Db, actor: CurrentActor
) -> ClaimOut:
    claim = await service.update_claim(db, actor, claim_id, data.version, _fields(data))
    return await _out(db, actor, claim)


@post(f"{CLAIM}/gather", tags=["claims"], opt=WRITE)
async def gather_records(
    claim_id: FromPath[uuid.UUID], data: JSONBody[GatherInput], db: Db, actor: CurrentActor
) -> GatherOut:
    period = service.Period(data.gather_from, data.gather_to)
    claim, incidents, activities = await service.gather_records(
        db, actor, claim_id, data.version, period
    )
    return GatherOut(
        incidents_added=incidents,
        activities_added=activities,
        claim=await _out(db, actor, claim),
    )


@patch(f"{CLAIM}/elements/{{incident_id:uuid}}", tags=["claims"], opt=WRITE)
async def update_elements(
    claim_id: FromPath[uuid.UUID],
    incident_id: FromPath[uuid.UUID],
    data: JSONBody[ElementsPatch],
    db: Db,
    actor: CurrentActor,
) -> ClaimOut:
    changes = elements.ElementChanges(
        answers_activity_id=data.answers_activity_id,
        answers_latest=data.answers_latest,
        severity=data.severity,
        animus=None
        if data.animus is None
        else [elements.Quote(q.quote, q.source) for q in data.animus],
        departures=data.departures,
        comparators=data.comparators,
        lawful_basis=data.lawful_basis,
        lawful_basis_notes=data.lawful_basis_notes,
    )
    claim = await elements.update_elements(db, actor, claim_id, incident_id, data.version, changes)
    return await _out(db, actor, claim)


@put(f"{CLAIM}/exhibits", tags=["claims"], opt=WRITE)
async def set_exhibits(
    claim_id: FromPath[uuid.UUID], data: JSONBody[ExhibitsInput], db: Db, actor: CurrentActor
) -> ClaimOut:
    items = [exhibits.ExhibitItem(e.attachment_id, e.description) for e in data.exhibits]
    claim = await exhibits.set_exhibits(db, actor, claim_id, data.version, items)
    return await _out(db, actor, claim)


@get(f"{CLAIM}/notes", tags=["claims"], opt=READ)
async def list_notes(claim_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> NotePage:
    found = await notes.list_notes(db, actor, claim_id)
    return NotePage(items=[_note(n) for n in found])


@post(f"{CLAIM}/notes", tags=["claims"], opt=WRITE)
async def add_note(
    claim_id: FromPath[uuid.UUID], data: JSONBody[NoteInput], db: Db, actor: CurrentActor
) -> NoteOut:
    return _note(await notes.add_note(db, actor, claim_id, data.body))


def _note(note: ClaimNote) -> NoteOut:
    return NoteOut(id=note.id, author_id=note.author_id, body=note.body, created_at=note.created_at)


@post(f"{CLAIM}/attorneys", tags=["claims"], opt=WRITE)
async def add_attorney(
    claim_id: FromPath[uuid.UUID], data: JSONBody[AttorneyInput], db: Db, actor: CurrentActor
) -> ClaimOut:
    claim = await team.add_attorney(db, actor, claim_id, data.email)
    return await _out(db, actor, claim)


@post(f"{CLAIM}/leave", tags=["claims"], opt=WRITE, status_code=204)
async def leave_claim(claim_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> None:
    await team.leave_claim(db, actor, claim_id)


ROUTES = [
    list_claims,
    create_claim,
    show_claim,
    update_claim,
    gather_records,
    update_elements,
    set_exhibits,
    list_notes,
    add_note,
    add_attorney,
    leave_claim,
]
