"""Fictional material the demo data is assembled from: groups, names, places and sentences.

Every group, person and event here is invented. Cities, states and public places are real so
that the data reads plausibly; no real organization or person is named."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupSketch:
    slug: str
    name: str
    city: str
    region: str
    nearby: tuple[str, ...]
    detention: str
    federal: str
    council: str
    legislature: str
    gathering: str
    neighborhoods: tuple[str, ...]
    port: str
    origins: tuple[str, ...]
    weight: int


GROUPS: tuple[GroupSketch, ...] = (
    GroupSketch(
        slug="seattle",
        name="Salish Sea Migrant Defense Network",
        city="Seattle",
        region="Washington",
        nearby=("Seattle", "Seattle", "Burien", "White Center", "Everett", "SeaTac"),
        detention="the Tacoma detention center",
        federal="the federal building in downtown Seattle",
        council="the Seattle City Council",
        legislature="the Washington Legislature in Olympia",
        gathering="Westlake Park",
        neighborhoods=("Beacon Hill", "South Park", "Rainier Valley", "White Center", "Delridge"),
        port="Sea-Tac airport",
        origins=("mexican", "central_american", "somali", "filipino", "ukrainian"),
        weight=24,
    ),
    GroupSketch(
        slug="tacoma",
        name="Tideflats Detention Watch",
        city="Tacoma",
        region="Washington",
        nearby=("Tacoma", "Tacoma", "Lakewood", "Puyallup", "Fife"),
        detention="the Tacoma detention center",
        federal="the immigration court in Tacoma",
        council="the Tacoma City Council",
        legislature="the Washington Legislature in Olympia",
        gathering="Wright Park",
        neighborhoods=("the Eastside", "Hilltop", "South Tacoma", "Lincoln District"),
        port="the Blaine border crossing",
        origins=("mexican", "central_american", "haitian", "punjabi"),
        weight=26,
    ),
    GroupSketch(
        slug="portland",
        name="Camas Lily Solidarity Collective",
        city="Portland",
        region="Oregon",
        nearby=("Portland", "Portland", "Gresham", "Beaverton", "Hillsboro"),
        detention="the Portland ICE field office",
        federal="the federal courthouse in Portland",
        council="the Portland City Council",
        legislature="the Oregon Legislature in Salem",
        gathering="the South Park Blocks",
        neighborhoods=("Cully", "Lents", "Rockwood", "Aloha", "Parkrose"),
        port="Portland airport",
        origins=("mexican", "central_american", "ukrainian", "haitian"),
        weight=20,
    ),
    GroupSketch(
        slug="yakima",
        name="Comité de Defensa del Valle",
        city="Yakima",
        region="Washington",
        nearby=("Yakima", "Yakima", "Wapato", "Sunnyside", "Toppenish", "Granger"),
        detention="the Yakima County jail",
        federal="the federal courthouse in Yakima",
        council="the Yakima City Council",
        legislature="the Washington Legislature in Olympia",
        gathering="Miller Park",
        neighborhoods=("the east side of Yakima", "Wapato", "Sunnyside", "Union Gap"),
        port="the Blaine border crossing",
        origins=("mexican", "mexican", "central_american"),
        weight=16,
    ),
    GroupSketch(
        slug="boise",
        name="Snake River Neighbors Collective",
        city="Boise",
        region="Idaho",
        nearby=("Boise", "Boise", "Nampa", "Caldwell", "Meridian"),
        detention="the Canyon County jail",
        federal="the federal courthouse in Boise",
        council="the Boise City Council",
        legislature="the Idaho Legislature",
        gathering="the Capitol steps in Boise",
        neighborhoods=("the Vista neighborhood", "north Nampa", "Caldwell", "Garden City"),
        port="Boise airport",
        origins=("mexican", "central_american", "somali", "ukrainian"),
        weight=14,
    ),
)

# Given names and surnames by community, combined at random: the people are invented.
GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "mexican": (
        "Rosa",
        "Guadalupe",
        "Jesús",
        "Alejandra",
        "Martín",
        "Araceli",
        "Rogelio",
        "Maribel",
        "Esteban",
        "Yesenia",
        "Octavio",
        "Leticia",
        "Ramiro",
        "Noemí",
        "Fidel",
        "Itzel",
    ),
    "central_american": (
        "Keila",
        "Wilmer",
        "Yessica",
        "Brayan",
        "Dinora",
        "Elmer",
        "Marisol",
        "Santos",
        "Lesbia",
        "Osmín",
        "Xiomara",
        "Nery",
    ),
    "somali": ("Hodan", "Abdirahman", "Fadumo", "Mahad", "Ubah", "Liban"),
    "filipino": ("Marites", "Jojo", "Rowena", "Arnel", "Lorna", "Ramon"),
    "ukrainian": ("Oksana", "Taras", "Halyna", "Bohdan", "Iryna", "Mykola"),
    "haitian": ("Wideline", "Jean-Robert", "Fabienne", "Wilner", "Nadège", "Ricardo"),
    "punjabi": ("Harpreet", "Gurdeep", "Manjit", "Simran", "Jaswinder", "Navdeep"),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    "mexican": (
        "Castañeda",
        "Villaseñor",
        "Ochoa",
        "Zamudio",
        "Barajas",
        "Quintero",
        "Salcedo",
        "Cervantes",
        "Montaño",
        "Arreola",
        "Huerta",
        "Padilla",
    ),
    "central_american": (
        "Argueta",
        "Chávez",
        "Orellana",
        "Portillo",
        "Maldonado",
        "Ixcot",
        "Tzul",
        "Bonilla",
    ),
    "somali": ("Warsame", "Farah", "Jama", "Abdi", "Nuur", "Egal"),
    "filipino": ("Dimaculangan", "Bautista", "Macaraeg", "Villanueva", "Pascual", "Tolentino"),
    "ukrainian": ("Kovalchuk", "Melnyk", "Savchenko", "Hrytsenko", "Boiko", "Tkachuk"),
    "haitian": ("Désir", "Joseph", "Pierre-Louis", "Étienne", "Valcourt", "Saint-Fleur"),
    "punjabi": ("Sandhu", "Gill", "Dhaliwal", "Grewal", "Sidhu", "Bains"),
}

NICKNAMES: tuple[str, ...] = (
    "Tía Lupe",
    "Don Chuy",
    "La Maestra",
    "Beto",
    "Chayo",
    "Pancho",
    "Tita",
    "Nena",
    "El Profe",
    "Güera",
    "Flaco",
    "Mija",
)

PERSON_NOTES: tuple[str, ...] = (
    "",
    "",
    "Rapid-response volunteer.",
    "Spokesperson at press events.",
    "Leads the know-your-rights trainings.",
    "Has a pending asylum case.",
    "DACA recipient.",
    "Was detained earlier and released on bond.",
    "Runs the group's social-media accounts.",
    "Coordinates rides to immigration court.",
    "Speaks Spanish and an Indigenous language; interprets at meetings.",
    "Visits people held in detention every week.",
)

# Protected activity per kind: (title, short description, how a narrative refers to it).
# {det}, {fed}, {council}, {leg}, {gathering}, {hood}, {city}, {n} are filled from the group.
ACTIVITY_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "protest": (
        (
            "Rally outside {det}",
            "About {n} people rallied against detention conditions.",
            "the rally outside {det}",
        ),
        (
            "March from {gathering} to {fed}",
            "A march of about {n} people with speeches at the end.",
            "the march to {fed}",
        ),
        (
            "Vigil for detained neighbors at {det}",
            "A candlelight vigil with families of detained people.",
            "the vigil at {det}",
        ),
        (
            "Picket at {fed}",
            "A lunchtime picket against courthouse arrests.",
            "the picket at {fed}",
        ),
    ),
    "press": (
        (
            "Press conference on courthouse arrests",
            "Organizers and families spoke to reporters.",
            "the press conference on courthouse arrests",
        ),
        (
            "Interview with a Spanish-language radio station",
            "An organizer described recent arrests in {city}.",
            "the radio interview about arrests in {city}",
        ),
        (
            "Quoted in a local newspaper about raids in {hood}",
            "An organizer was named and photographed in the story.",
            "the newspaper story about raids in {hood}",
        ),
    ),
    "petition-or-testimony": (
        (
            "Testimony before {council}",
            "Members testified in favor of a sanctuary ordinance.",
            "the testimony before {council}",
        ),
        (
            "Petition delivered to {council}",
            "A petition with about {n} signatures against 287(g) cooperation.",
            "the petition delivered to {council}",
        ),
        (
            "Testimony before {leg}",
            "Members testified for a bill limiting data sharing with ICE.",
            "the testimony before {leg}",
        ),
    ),
    "litigation-or-foia": (
        (
            "FOIA request for ICE records on surveillance of organizers",
            "A public-records request naming the group.",
            "the FOIA request about surveillance of organizers",
        ),
        (
            "Lawsuit over detention conditions at {det}",
            "Members joined a lawsuit as named plaintiffs.",
            "the lawsuit over conditions at {det}",
        ),
        (
            "Public-records request to the county about jail data sharing",
            "A request for the county's agreements with ICE.",
            "the records request about jail data sharing",
        ),
    ),
    "organizing": (
        (
            "Know-your-rights training in {hood}",
            "About {n} neighbors attended a training.",
            "the know-your-rights training in {hood}",
        ),
        (
            "Community assembly on rapid response in {hood}",
            "Neighbors planned a rapid-response phone tree.",
            "the community assembly in {hood}",
        ),
        (
            "Founding meeting of a tenants' and workers' committee",
            "Workers and tenants met to organize.",
            "the founding meeting of the tenants' and workers' committee",
        ),
    ),
    "detainee-protest": (
        (
            "Hunger strike at {det}",
            "People held in detention refused meals to protest conditions.",
            "the hunger strike at {det}",
        ),
        (
            "Work stoppage by people held at {det}",
            "Detained people stopped work for $1-a-day wages.",
            "the work stoppage at {det}",
        ),
    ),
    "sanctuary": (
        (
            "Sanctuary offered at a church in {hood}",
            "A congregation offered sanctuary to a member facing removal.",
            "the announcement of sanctuary at a church in {hood}",
        ),
    ),
    "documenting-enforcement": (
        (
            "Rapid-response team filmed an arrest in {hood}",
            "Volunteers filmed agents from the sidewalk.",
            "the filming of an arrest in {hood}",
        ),
        (
            "Court-watch shift at {fed}",
            "Volunteers watched hearings and the hallways.",
            "the court-watch shift at {fed}",
        ),
    ),
    "art": (
        (
            "Mural about family separation unveiled in {hood}",
            "A community mural painted over two weekends.",
            "the unveiling of the mural in {hood}",
        ),
        (
            "Theater piece about detention performed in {city}",
            "A short play by members and their families.",
            "the theater piece about detention",
        ),
    ),
    "online-speech": (
        (
            "Livestream of agents outside a home in {hood}",
            "The video was shared widely.",
            "the livestream of agents in {hood}",
        ),
        (
            "Widely shared post about raids in {city}",
            "A post naming the agency and the vehicles used.",
            "the widely shared post about raids in {city}",
        ),
    ),
    "mutual-aid": (
        (
            "Bond fund drive for detained neighbors",
            "Members raised money for immigration bonds.",
            "the bond fund drive",
        ),
        (
            "Food and rides for families of detained people",
            "Weekly deliveries and rides to visits.",
            "the support drive for families of detained people",
        ),
    ),
    "civil-disobedience": (
        (
            "Blockade of the gate at {det}",
            "Members sat in front of the gate to stop a deportation bus.",
            "the blockade of the gate at {det}",
        ),
    ),
}

# How often each kind of activity happens, and how strongly it draws a response.
ACTIVITY_KIND_WEIGHTS: dict[str, int] = {
    "protest": 25,
    "press": 15,
    "petition-or-testimony": 12,
    "litigation-or-foia": 6,
    "organizing": 12,
    "detainee-protest": 4,
    "sanctuary": 3,
    "documenting-enforcement": 10,
    "art": 3,
    "online-speech": 6,
    "mutual-aid": 5,
    "civil-disobedience": 3,
}
ACTIVITY_SALIENCE: dict[str, int] = {
    "protest": 4,
    "press": 4,
    "petition-or-testimony": 3,
    "litigation-or-foia": 3,
    "civil-disobedience": 3,
    "online-speech": 2,
    "documenting-enforcement": 2,
    "detainee-protest": 2,
}

# First sentence of an incident's narrative, per tactic. {who}/{Who}: the person targeted (or a
# phrase for the group), {vehicle}/{Vehicle}, {place}, {city}, {group}, {event}, {port}, {n}.
NARRATIVES: dict[str, tuple[str, ...]] = {
    "arrest-at-home": (
        "ICE officers arrested {who} outside their home in {city} early in the morning.",
        "Officers waited outside {who}'s home in {city} and arrested them as they left for work.",
    ),
    "arrest-at-court": (
        "Plain-clothes officers arrested {who} in the hallway after a hearing at the courthouse.",
    ),
    "arrest-on-street-or-in-vehicle": (
        "Agents boxed in {who}'s car at a traffic light in {city} and arrested them.",
        "{Who} was stopped on foot near {place} in {city} and put in an unmarked car.",
    ),
    "arrest-at-check-in": (
        "{Who} was taken into custody at a routine check-in at the ICE field office.",
    ),
    "arrest-at-protest-or-press-event": ("{Who} was arrested by officers while leaving {event}.",),
    "collateral-arrest": (
        "Agents looking for someone else arrested {who}, who happened to be at the house.",
    ),
    "ruse": (
        "Two men who said they were local police looking into a burglary asked for {who} at the "
        "door; they were immigration officers.",
    ),
    "warrantless-entry": (
        "Agents entered {who}'s apartment in {city} without showing a warrant signed by a judge.",
    ),
    "use-of-force": (
        "An officer pushed {who} to the ground and left the handcuffs on too tight for hours.",
    ),
    "notice-to-appear": (
        "{Who} received a notice to appear in immigration court, reviving a case closed years ago.",
    ),
    "fast-transfer-to-distant-facility": (
        "Within a day, {who} was moved to a detention center in another state, far from family "
        "and lawyer.",
    ),
    "removal-before-review-ends": (
        "{Who} was deported while a motion to reopen their case was still pending.",
    ),
    "area-sweep-tied-to-local-policy-fight": (
        "Enforcement teams made arrests across {city} the week the council debated limits on "
        "cooperation with ICE.",
    ),
    "action-against-family": (
        "Agents visited {who}'s relatives in {city} and asked about their immigration status.",
    ),
    "fines": (
        "{Who} received a notice that the government intends to impose civil fines for not "
        "departing.",
    ),
    "visit-or-facility-access-barred": (
        "{Who} was told they may no longer visit people held at the detention center.",
    ),
    "threats-tied-to-speech": (
        "An officer told {who} that people who talk to reporters should expect consequences.",
        "An agent told {who}: 'we know who you are from the protests.'",
    ),
    "disinformation-inside-group": (
        "Fake messages claiming {who} was an informant circulated in the {group} group chat.",
    ),
    "physical-following": (
        "{Vehicle} followed {who} from {place} across {city}.",
        "{Who} noticed {vehicle} behind them from {place} all the way home.",
    ),
    "photographing-or-filming": (
        "A man in plain clothes photographed {who} and other speakers from a parked car.",
        "Someone in {vehicle} filmed {who} outside {place}.",
    ),
    "stakeout": (
        "{Vehicle} was parked across from {who}'s home for {n} hours.",
        "{Vehicle} watched the {group} office in {city} for most of the afternoon.",
    ),
    "social-media-monitoring": (
        "Records show agents saved screenshots of {group}'s posts about {event}.",
    ),
    "targeting-from-press-coverage": (
        "Agents asked neighbors about {who} days after a news story quoted them.",
    ),
    "watch-list-or-dossier": (
        "A records request revealed a file on {who} describing their role in {group}.",
    ),
    "informant": (
        "A newcomer who attended several {group} meetings was later seen getting into a car "
        "with agents.",
    ),
    "fixed-camera-at-protest-site": (
        "A camera appeared on a utility pole facing the spot where {group} holds its vigils.",
    ),
    "border-alert-and-secondary-inspection": (
        "{Who} was sent to secondary inspection at {port} and questioned about {group}.",
    ),
    "data-from-dmv-licensing-jail-or-287g": (
        "Agents knew {who}'s new address, which only the state licensing office had on file.",
    ),
    "data-broker": (
        "An ICE report on {who} cites address and utility records bought from a data broker.",
    ),
    "license-plate-reader": (
        "Records show license-plate readers logged {who}'s car around {city} for weeks.",
    ),
    "face-recognition": ("Agents identified {who} from protest footage using face recognition.",),
}
GENERIC_NARRATIVE = "Organizers recorded an incident of {tactic} involving {who} in {city}."

CLOSING_SENTENCES: tuple[str, ...] = (
    "A neighbor wrote down the license plate.",
    "The agents did not identify themselves.",
    "A witness recorded part of it on a phone.",
    "{Who} recognized one of the agents from an earlier visit.",
    "The group has asked for related records.",
    "A lawyer from the clinic was told the same day.",
    "Several members saw it happen.",
)

VEHICLES: tuple[str, ...] = (
    "a grey SUV with government plates",
    "an unmarked white pickup",
    "a dark sedan with tinted windows",
    "an unmarked minivan",
    "a black SUV without plates",
)

PLACES: tuple[str, ...] = (
    "the group's office",
    "a grocery store",
    "a church parking lot",
    "their workplace",
    "a bus stop",
    "their children's school",
    "a community meeting",
)

INVOLVEMENTS: tuple[str, ...] = ("witness", "witness", "family-member", "bystander")

UNNAMED_TARGETS: tuple[str, ...] = ("an organizer", "two members", "a volunteer")

# Agencies per tactic category, with special cases; (agency id, weight).
AGENCIES_BY_CATEGORY: dict[str, tuple[tuple[str, int], ...]] = {
    "arrest": (
        ("ice-ero", 60),
        ("ice-hsi", 10),
        ("border-patrol", 10),
        ("local-police-287g", 10),
        ("unknown", 10),
    ),
    "adverse-action": (
        ("ice-ero", 60),
        ("ice-hsi", 15),
        ("unknown", 10),
        ("fbi", 5),
        ("state-agency", 5),
        ("local-police-287g", 5),
    ),
    "surveillance": (
        ("ice-hsi", 35),
        ("unknown", 25),
        ("fbi", 15),
        ("ice-ero", 10),
        ("local-police-287g", 10),
        ("state-agency", 5),
    ),
}
AGENCIES_BY_TACTIC: dict[str, tuple[tuple[str, int], ...]] = {
    "border-alert-and-secondary-inspection": (("cbp", 85), ("border-patrol", 15)),
    "data-from-dmv-licensing-jail-or-287g": (
        ("state-agency", 45),
        ("local-police-287g", 40),
        ("ice-ero", 15),
    ),
    "area-sweep-tied-to-local-policy-fight": (("ice-ero", 55), ("border-patrol", 45)),
    "notice-to-appear": (("ice-ero", 100),),
    "removal-before-review-ends": (("ice-ero", 100),),
    "fines": (("ice-ero", 100),),
    "fixed-camera-at-protest-site": (("unknown", 60), ("local-police-287g", 25), ("ice-hsi", 15)),
}

# How often incidents of each escalation stage happen.
STAGE_WEIGHTS: dict[str, int] = {
    "surveillance": 55,
    "contact": 20,
    "arrest": 15,
    "detention": 4,
    "proceedings": 6,
}
# Which stages the further tactics of an incident come from, given the first tactic's stage.
COMPANION_STAGES: dict[str, tuple[str, ...]] = {
    "surveillance": ("surveillance",),
    "contact": ("contact", "surveillance"),
    "arrest": ("arrest", "detention", "contact"),
    "detention": ("proceedings", "detention"),
    "proceedings": ("detention", "proceedings"),
}
# Tactics aimed at a group rather than one person: often logged without a person.
GROUP_TACTICS = frozenset(
    {
        "informant",
        "social-media-monitoring",
        "fixed-camera-at-protest-site",
        "disinformation-inside-group",
        "area-sweep-tied-to-local-policy-fight",
        "stakeout",
    }
)

SOURCE_KINDS: tuple[tuple[str, int], ...] = (
    ("first-hand", 45),
    ("witness", 25),
    ("government-record", 10),
    ("court-filing", 8),
    ("press", 12),
)
RECORD_TACTICS = frozenset(
    {
        "social-media-monitoring",
        "watch-list-or-dossier",
        "data-broker",
        "license-plate-reader",
        "face-recognition",
        "data-from-dmv-licensing-jail-or-287g",
    }
)
VERIFICATION_STATUSES: tuple[tuple[str, int], ...] = (
    ("unverified", 35),
    ("corroborated", 35),
    ("verified", 20),
    ("disputed", 10),
)
RECENT_WORKFLOW_STATUSES: tuple[tuple[str, int], ...] = (
    ("draft", 20),
    ("submitted", 30),
    ("in-review", 30),
    ("closed", 20),
)
OLDER_WORKFLOW_STATUSES: tuple[tuple[str, int], ...] = (
    ("draft", 3),
    ("submitted", 7),
    ("in-review", 15),
    ("closed", 75),
)
