"""Deterministic demo data: a small world (groups, people, protected activities) and a stream of
incidents, the same for the same seed, turned into rows for SQLAlchemy Core inserts.

Both the demo seeder (async, a few hundred incidents) and the bulk loader (sync, millions) use
`generate_incidents` and `incident_rows`, so the two never drift apart.

Incidents cluster after protected activity: most follow an activity of their group by days or
weeks, aimed at the people who took part, and most of those name the activity they are
suspected to answer. The rest are spread evenly over the five years."""

from __future__ import annotations

import bisect
import itertools
import operator
import random
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar, cast

from sqlalchemy import Table

from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.demo import content
from casebook.groups.models import Group
from casebook.incidents.models import (
    Incident,
    incident_activities,
    incident_agencies,
    incident_groups,
    incident_people,
    incident_tactics,
    link_list,
)
from casebook.people.models import Person, person_groups
from casebook.vocabulary import vocabularies

LATEST_END = date(2026, 10, 31)
YEARS = 5
PEOPLE_PER_GROUP = 10
SHARED_PEOPLE = 6
ACTIVITIES_PER_GROUP = 20
FOLLOWS_ACTIVITY = 0.7
NAMES_ACTIVITY = 0.8

T = TypeVar("T")


def end_date() -> date:
    """The newest day demo data may fall on: fixed, so the data does not change from day to
    day, but never in the future."""
    return min(date.today(), LATEST_END)


def rng_for(seed: int, stream: str) -> random.Random:
    """One independent random stream per purpose, so that adding accounts does not change the
    incidents. Demo data, not secrets: `random` is the right tool."""
    return random.Random(f"casebook-demo:{seed}:{stream}")  # noqa: S311


def new_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Weighted(Generic[T]):
    """Weighted choice by bisecting cumulative weights: fast enough for millions of draws."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items = [(item, weight) for item, weight in pairs if weight > 0]
        if not items:
            raise ValueError("nothing to choose from")
        self.items = [item for item, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]
        self.last = len(self.items) - 1

    def pick(self, rng: random.Random) -> T:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[index if index < self.last else self.last]


# --- the world: groups, people, protected activities ------------------------------------------


@dataclass(frozen=True)
class DemoGroup:
    id: uuid.UUID
    sketch: content.GroupSketch
    created_at: datetime

    @property
    def name(self) -> str:
        return self.sketch.name


@dataclass(frozen=True)
class DemoPerson:
    id: uuid.UUID
    alias: str
    legal_name: str | None
    notes: str
    group_ids: tuple[uuid.UUID, ...]
    created_at: datetime


@dataclass(frozen=True)
class DemoActivity:
    id: uuid.UUID
    kind: str
    occurred_on: date
    title: str
    reference: str
    description: str
    public_url: str | None
    needs_review: bool
    group_ids: tuple[uuid.UUID, ...]
    person_ids: tuple[uuid.UUID, ...]
    created_at: datetime


@dataclass(frozen=True)
class DemoWorld:
    seed: int
    start: date
    end: date
    groups: tuple[DemoGroup, ...]
    people: tuple[DemoPerson, ...]
    activities: tuple[DemoActivity, ...]

    def members_of(self, group_id: uuid.UUID) -> list[DemoPerson]:
        return [p for p in self.people if group_id in p.group_ids]

    def activities_of(self, group_id: uuid.UUID) -> list[DemoActivity]:
        return [a for a in self.activities if group_id in a.group_ids]


def at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 21), rng.randrange(0, 60)), UTC)


def build_world(seed: int, end: date | None = None) -> DemoWorld:
    rng = rng_for(seed, "world")
    end = end or end_date()
    start = end - timedelta(days=round(365.25 * YEARS))
    groups = tuple(
        DemoGroup(new_id(rng), sketch, at(start - timedelta(days=60 + 10 * i), rng))
        for i, sketch in enumerate(content.GROUPS)
    )
    people = _people(rng, groups, start)
    activities = _activities(rng, groups, people, start, end)
    return DemoWorld(seed, start, end, groups, people, activities)


def _people(rng: random.Random, groups: Sequence[DemoGroup], start: date) -> tuple[DemoPerson, ...]:
    used: set[str] = set()
    drafts: list[tuple[uuid.UUID, str, str | None, str, list[uuid.UUID]]] = []
    for group in groups:
        for _ in range(PEOPLE_PER_GROUP):
            origin = rng.choice(group.sketch.origins)
            alias, legal_name = _name(rng, origin, used)
            notes = rng.choice(content.PERSON_NOTES)
            drafts.append((new_id(rng), alias, legal_name, notes, [group.id]))
    # A few people organize with a second group in the same state.
    for draft in rng.sample(drafts, SHARED_PEOPLE):
        home = next(g for g in groups if g.id == draft[4][0])
        partners = [
            g for g in groups if g.sketch.region == home.sketch.region and g.id != home.id
        ] or [g for g in groups if g.id != home.id]
        draft[4].append(rng.choice(partners).id)
    return tuple(
        DemoPerson(
            person_id,
            alias,
            legal_name,
            notes,
            tuple(group_ids),
            at(start + timedelta(days=rng.randrange(90)), rng),
        )
        for person_id, alias, legal_name, notes, group_ids in drafts
    )


def _name(rng: random.Random, origin: str, used: set[str]) -> tuple[str, str | None]:
    for _ in range(1000):
        given = rng.choice(content.GIVEN_NAMES[origin])
        surname = rng.choice(content.SURNAMES[origin])
        if origin in ("mexican", "central_american") and rng.random() < 0.5:
            surname = f"{surname} {rng.choice(content.SURNAMES[origin])}"
        nickname = rng.random() < 0.15
        alias = rng.choice(content.NICKNAMES) if nickname else f"{given} {surname[0]}."
        if alias in used:
            continue
        used.add(alias)
        legal_name = f"{given} {surname}" if rng.random() < 0.6 else None
        return alias, legal_name
    raise RuntimeError("ran out of fictional names")


def _activities(
    rng: random.Random,
    groups: Sequence[DemoGroup],
    people: Sequence[DemoPerson],
    start: date,
    end: date,
) -> tuple[DemoActivity, ...]:
    known_kinds = vocabularies()["activity_kinds"]
    kinds = _Weighted(
        (kind, weight)
        for kind, weight in content.ACTIVITY_KIND_WEIGHTS.items()
        if kind in known_kinds
    )
    span = (end - start).days - 7
    activities = []
    for group in groups:
        members = [p.id for p in people if group.id in p.group_ids]
        partners = [g.id for g in groups if g.id != group.id]
        for number in range(ACTIVITIES_PER_GROUP):
            kind: str = kinds.pick(rng)
            title_template, description_template, reference_template = rng.choice(
                content.ACTIVITY_TEMPLATES[kind]
            )
            values = _place_values(rng, group.sketch)
            title = title_template.format(**values)
            occurred_on = start + timedelta(days=rng.randrange(span))
            group_ids = [group.id]
            if rng.random() < 0.12:
                group_ids.append(rng.choice(partners))
            public_url = None
            if rng.random() < 0.4:
                public_url = (
                    f"https://example.org/{group.sketch.slug}/{occurred_on:%Y/%m}/"
                    f"{kind}-{number + 1}"
                )
            activities.append(
                DemoActivity(
                    id=new_id(rng),
                    kind=kind,
                    occurred_on=occurred_on,
                    title=title,
                    reference=reference_template.format(**values),
                    description=description_template.format(**values),
                    public_url=public_url,
                    needs_review=bool(known_kinds.terms[kind].attributes.get("review", False)),
                    group_ids=tuple(group_ids),
                    person_ids=tuple(rng.sample(members, rng.randint(1, 3))),
                    created_at=at(occurred_on + timedelta(days=rng.randint(0, 3)), rng),
                )
            )
    return tuple(sorted(activities, key=lambda a: (a.occurred_on, a.id)))


def _place_values(rng: random.Random, sketch: content.GroupSketch) -> dict[str, object]:
    return {
        "det": sketch.detention,
        "fed": sketch.federal,
        "council": sketch.council,
        "leg": sketch.legislature,
        "gathering": sketch.gathering,
        "hood": rng.choice(sketch.neighborhoods),
        "city": sketch.city,
        "n": rng.choice((30, 40, 60, 80, 120, 150, 200, 300)),
    }


# --- incidents ----------------------------------------------------------------------------------


@dataclass(slots=True)
class DemoIncident:
    id: uuid.UUID
    group_id: uuid.UUID
    occurred_on: date
    date_precision: str
    occurred_time: time | None
    city: str
    region: str
    narrative: str
    source_kind: str
    verification_status: str
    workflow_status: str
    created_at: datetime
    tactics: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    people: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    group_ids: list[uuid.UUID] = field(default_factory=list)
    activity_ids: list[uuid.UUID] = field(default_factory=list)
    country: str = "US"


@dataclass(frozen=True)
class _GroupPlan:
    group: DemoGroup
    members: list[uuid.UUID]
    activities: list[DemoActivity]
    pick_activity: _Weighted[DemoActivity] | None
    # Per activity: the members of this group who took part in it.
    participants: dict[uuid.UUID, list[uuid.UUID]]


def _choice(rng: random.Random, items: Sequence[T]) -> T:
    """Like rng.choice, several times faster (rng.choice draws bits until they fit)."""
    return items[int(rng.random() * len(items))]


class _IncidentMaker:
    """Makes one incident per call. Written for speed: the bulk loader calls it millions of
    times."""

    def __init__(self, world: DemoWorld, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.last_day = world.end - timedelta(days=1)
        self.span = (self.last_day - world.start).days + 1
        self.latest_created = datetime.combine(world.end, time(0), UTC)
        self.days = [timedelta(days=n) for n in range(max(self.span, 200))]
        vocab = vocabularies()
        tactics = vocab["tactics"]
        self.tactic_labels = {t.id: t.label("en").lower() for t in tactics.terms.values()}
        category = {t.id: str(t.attributes.get("category", "")) for t in tactics.terms.values()}
        by_stage: dict[str, list[str]] = {}
        for term in tactics.terms.values():
            stage = str(term.attributes.get("stage", "surveillance"))
            by_stage.setdefault(stage, []).append(term.id)
        self.by_stage = by_stage
        self.pick_stage = _Weighted(
            (stage, weight) for stage, weight in content.STAGE_WEIGHTS.items() if stage in by_stage
        )
        agencies = vocab["agencies"]
        self.pick_agency: dict[str, _Weighted[str]] = {}
        for tactic_id in tactics.ids():
            options = content.AGENCIES_BY_TACTIC.get(
                tactic_id, content.AGENCIES_BY_CATEGORY.get(category[tactic_id], ())
            )
            known = [(a, w) for a, w in options if a in agencies]
            self.pick_agency[tactic_id] = _Weighted(known or [("unknown", 1)])
        self.pick_source = _Weighted(content.SOURCE_KINDS)
        self.pick_verification = _Weighted(content.VERIFICATION_STATUSES)
        self.pick_recent_workflow = _Weighted(content.RECENT_WORKFLOW_STATUSES)
        self.pick_older_workflow = _Weighted(content.OLDER_WORKFLOW_STATUSES)
        self.alias = {p.id: p.alias for p in world.people}
        self.plans: dict[uuid.UUID, _GroupPlan] = {}
        for group in world.groups:
            members = [p.id for p in world.members_of(group.id)]
            activities = [
                a for a in world.activities_of(group.id) if a.occurred_on <= self.last_day
            ]
            self.plans[group.id] = _GroupPlan(
                group=group,
                members=members,
                activities=activities,
                pick_activity=_Weighted(
                    (a, content.ACTIVITY_SALIENCE.get(a.kind, 1)) for a in activities
                )
                if activities
                else None,
                participants={a.id: [p for p in a.person_ids if p in members] for a in activities},
            )
        self.pick_group = _Weighted((g.id, g.sketch.weight) for g in world.groups)

    def make(self) -> DemoIncident:
        rng = self.rng
        random = rng.random
        plan = self.plans[self.pick_group.pick(rng)]
        group, sketch = plan.group, plan.group.sketch
        activity: DemoActivity | None = None
        gap = 0
        if plan.pick_activity is not None and random() < FOLLOWS_ACTIVITY:
            activity = plan.pick_activity.pick(rng)
            gap = self._gap(activity.occurred_on)
            true_day = activity.occurred_on + self.days[gap]
        else:
            true_day = self.world.start + self.days[int(random() * self.span)]
        linked = activity is not None and random() < NAMES_ACTIVITY

        draw = random()
        if linked:
            precision = "day" if draw < 0.95 else "month"
        else:
            precision = "day" if draw < 0.84 else "month" if draw < 0.95 else "year"
        occurred_on = true_day
        if precision == "month":
            occurred_on = true_day.replace(day=1)
        elif precision == "year":
            occurred_on = true_day.replace(month=1, day=1)
        occurred_time = None
        if precision == "day" and random() < 0.45:
            occurred_time = time(6 + int(random() * 17), 5 * int(random() * 12))

        tactics = self._tactics(activity is not None and gap <= 1)
        people = self._people(plan, activity, tactics[0])
        agencies = self._agencies(tactics)
        group_ids = [group.id]
        if activity is not None and len(activity.group_ids) > 1 and random() < 0.5:
            group_ids.extend(g for g in activity.group_ids if g != group.id)
        activity_ids: list[uuid.UUID] = []
        if linked and activity is not None:
            activity_ids.append(activity.id)
            if random() < 0.1:
                earlier = self._earlier_activity(plan, activity)
                if earlier is not None:
                    activity_ids.append(earlier.id)

        narrative = self._narrative(
            sketch, tactics[0], people, activity if linked else None, gap, precision
        )
        source_kind = (
            "government-record"
            if tactics[0] in content.RECORD_TACTICS and random() < 0.6
            else self.pick_source.pick(rng)
        )
        age = (self.world.end - true_day).days
        workflow = (self.pick_older_workflow if age > 365 else self.pick_recent_workflow).pick(rng)
        first_hour = max(8, occurred_time.hour + 1) if occurred_time else 8
        created_at = min(
            datetime.combine(
                true_day + self.days[_choice(rng, (0, 0, 1, 1, 2, 3, 5, 8, 14))],
                time(first_hour + int(random() * (24 - first_hour))),
                UTC,
            ),
            self.latest_created,
        )
        return DemoIncident(
            id=new_id(rng),
            group_id=group.id,
            occurred_on=occurred_on,
            date_precision=precision,
            occurred_time=occurred_time,
            city=_choice(rng, sketch.nearby),
            region=sketch.region,
            narrative=narrative,
            source_kind=source_kind,
            verification_status=self.pick_verification.pick(rng),
            workflow_status=workflow,
            created_at=created_at,
            tactics=tactics,
            agencies=agencies,
            people=people,
            group_ids=group_ids,
            activity_ids=activity_ids,
        )

    def _gap(self, activity_on: date) -> int:
        """Days from the activity to the incident: mostly within weeks, a tail of months."""
        rng = self.rng
        gap = int(rng.expovariate(0.1)) if rng.random() < 0.85 else int(rng.random() * 181)
        room = (self.last_day - activity_on).days
        return gap if gap <= room else int(rng.random() * (room + 1))

    def _tactics(self, right_after: bool) -> list[str]:
        rng = self.rng
        stage = self.pick_stage.pick(rng)
        pool = self.by_stage[stage]
        first = _choice(rng, pool)
        at_event = "arrest-at-protest-or-press-event"
        if first == at_event and not right_after:
            first = _choice(rng, [t for t in pool if t != at_event] or [first])
        elif stage == "arrest" and right_after and at_event in pool and rng.random() < 0.5:
            first = at_event
        tactics = [first]
        draw = rng.random()
        extra = 0 if draw < 0.45 else 1 if draw < 0.8 else 2
        companions = content.COMPANION_STAGES.get(stage, (stage,))
        for _ in range(extra):
            tactic = _choice(rng, self.by_stage.get(_choice(rng, companions)) or pool)
            if tactic not in tactics and tactic != at_event:
                tactics.append(tactic)
        return tactics

    def _agencies(self, tactics: list[str]) -> list[str]:
        rng = self.rng
        agencies = [self.pick_agency[tactics[0]].pick(rng)]
        draw = rng.random()
        extra = 0 if draw < 0.7 else 1 if draw < 0.95 else 2
        for _ in range(extra):
            agency = self.pick_agency[_choice(rng, tactics)].pick(rng)
            if agency not in agencies and "unknown" not in (agency, agencies[0]):
                agencies.append(agency)
        return agencies

    def _people(
        self, plan: _GroupPlan, activity: DemoActivity | None, first_tactic: str
    ) -> list[tuple[uuid.UUID, str]]:
        rng = self.rng
        members = plan.members
        if not members or (first_tactic in content.GROUP_TACTICS and rng.random() < 0.6):
            return []
        candidates = plan.participants[activity.id] if activity is not None else members
        target = _choice(rng, candidates or members)
        people = [(target, "target")]
        draw = rng.random()
        others = 0 if draw < 0.55 else 1 if draw < 0.85 else 2
        for _ in range(others):
            other = _choice(rng, members)
            if all(other != p for p, _ in people):
                people.append((other, _choice(rng, content.INVOLVEMENTS)))
        return people

    def _earlier_activity(self, plan: _GroupPlan, activity: DemoActivity) -> DemoActivity | None:
        window = activity.occurred_on - timedelta(days=120)
        earlier = [
            a
            for a in plan.activities
            if window <= a.occurred_on <= activity.occurred_on and a.id != activity.id
        ]
        return _choice(self.rng, earlier) if earlier else None

    def _narrative(
        self,
        sketch: content.GroupSketch,
        tactic: str,
        people: list[tuple[uuid.UUID, str]],
        activity: DemoActivity | None,
        gap: int,
        precision: str,
    ) -> str:
        rng = self.rng
        who = self.alias[people[0][0]] if people else _choice(rng, content.UNNAMED_TARGETS)
        vehicle = _choice(rng, content.VEHICLES)
        values = {
            "who": who,
            "Who": who[0].upper() + who[1:],
            "vehicle": vehicle,
            "Vehicle": vehicle[0].upper() + vehicle[1:],
            "place": _choice(rng, content.PLACES),
            "city": sketch.city,
            "group": sketch.name,
            "event": activity.reference if activity else "a recent protest",
            "port": sketch.port,
            "n": 2 + int(rng.random() * 8),
            "tactic": self.tactic_labels.get(tactic, tactic),
        }
        templates = content.NARRATIVES.get(tactic, (content.GENERIC_NARRATIVE,))
        sentences = [_choice(rng, templates).format_map(values)]
        if activity is not None:
            if precision != "day":
                sentences.append(f"It followed {activity.reference}.")
            elif gap == 0:
                sentences.append(f"It happened the same day as {activity.reference}.")
            elif gap == 1:
                sentences.append(f"It happened the day after {activity.reference}.")
            else:
                sentences.append(f"It happened {gap} days after {activity.reference}.")
        if rng.random() < 0.4:
            sentences.append(_choice(rng, content.CLOSING_SENTENCES).format_map(values))
        return " ".join(sentences)


def generate_incidents(world: DemoWorld, count: int) -> Iterator[DemoIncident]:
    """`count` incidents for `world`, the same ones for the same seed."""
    maker = _IncidentMaker(world, rng_for(world.seed, "incidents"))
    for _ in range(count):
        yield maker.make()


# --- rows for SQLAlchemy Core inserts -----------------------------------------------------------


@dataclass(frozen=True)
class RowSet:
    """Rows for one table: values in the order of `columns`, which follows the table's own
    column order (what a compiled Core insert expects)."""

    table: Table
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]

    def as_dicts(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _table(model: type[object]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


GROUPS = _table(Group)
PEOPLE = _table(Person)
ACTIVITIES = _table(ProtectedActivity)
INCIDENTS = _table(Incident)


def _row_set(table: Table, rows: list[dict[str, object]]) -> RowSet:
    """Columns left out of the rows (none today) keep their defaults."""
    given = rows[0].keys() if rows else ()
    columns = tuple(c.name for c in table.columns if c.name in given)
    if len(columns) < 2:
        return RowSet(table, columns, [tuple(row[c] for c in columns) for row in rows])
    values = operator.itemgetter(*columns)
    return RowSet(table, columns, [values(row) for row in rows])


def world_rows(world: DemoWorld) -> list[RowSet]:
    """Rows for the world's tables, parents before children."""
    return [
        _row_set(
            GROUPS,
            [
                {
                    "id": g.id,
                    "name": g.sketch.name,
                    "city": g.sketch.city,
                    "region": g.sketch.region,
                    "created_at": g.created_at,
                }
                for g in world.groups
            ],
        ),
        _row_set(
            PEOPLE,
            [
                {
                    "id": p.id,
                    "alias": p.alias,
                    "legal_name": p.legal_name,
                    "notes": p.notes,
                    "created_by": None,
                    "created_at": p.created_at,
                    "updated_at": p.created_at,
                    "version": 1,
                }
                for p in world.people
            ],
        ),
        _row_set(
            person_groups,
            [{"person_id": p.id, "group_id": g} for p in world.people for g in p.group_ids],
        ),
        _row_set(
            ACTIVITIES,
            [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "occurred_on": a.occurred_on,
                    "title": a.title,
                    "description": a.description,
                    "public_url": a.public_url,
                    "needs_review": a.needs_review,
                    "created_by": None,
                    "created_at": a.created_at,
                    "updated_at": a.created_at,
                    "version": 1,
                }
                for a in world.activities
            ],
        ),
        _row_set(
            activity_groups,
            [{"activity_id": a.id, "group_id": g} for a in world.activities for g in a.group_ids],
        ),
        _row_set(
            activity_people,
            [{"activity_id": a.id, "person_id": p} for a in world.activities for p in a.person_ids],
        ),
    ]


def incident_rows(
    incidents: Iterable[DemoIncident], created_by: Mapping[uuid.UUID, uuid.UUID] | None = None
) -> list[RowSet]:
    """Rows for the incident table and its link tables, parents first; `created_by` maps a
    group to the account the group's incidents are attributed to."""
    authors = created_by or {}
    main: list[dict[str, object]] = []
    tactics: list[tuple[object, ...]] = []
    agencies: list[tuple[object, ...]] = []
    people: list[tuple[object, ...]] = []
    groups: list[tuple[object, ...]] = []
    activities: list[tuple[object, ...]] = []
    for i in incidents:
        iid = i.id
        main.append(
            {
                "id": iid,
                "group_id": i.group_id,
                "occurred_on": i.occurred_on,
                "date_precision": i.date_precision,
                "occurred_time": i.occurred_time,
                "city": i.city,
                "region": i.region,
                "country": i.country,
                "narrative": i.narrative,
                "source_kind": i.source_kind,
                "verification_status": i.verification_status,
                "workflow_status": i.workflow_status,
                "created_by": authors.get(i.group_id),
                "created_at": i.created_at,
                "updated_at": i.created_at,
                "version": 1,
                # Whoever inserts links writes the lists (Incident.linked_*).
                "linked_tactics": link_list(i.tactics),
                "linked_agencies": link_list(i.agencies),
                "linked_people": link_list(p for p, _ in i.people),
                "linked_groups": link_list(i.group_ids),
            }
        )
        tactics.extend((iid, t) for t in i.tactics)
        agencies.extend((iid, a) for a in i.agencies)
        people.extend((iid, p, r) for p, r in i.people)
        groups.extend((iid, g) for g in i.group_ids)
        activities.extend((iid, a) for a in i.activity_ids)
    return [
        _row_set(INCIDENTS, main),
        _link_set(incident_tactics, tactics),
        _link_set(incident_agencies, agencies),
        _link_set(incident_people, people),
        _link_set(incident_groups, groups),
        _link_set(incident_activities, activities),
    ]


def _link_set(table: Table, rows: list[tuple[object, ...]]) -> RowSet:
    return RowSet(table, tuple(c.name for c in table.columns), rows)
