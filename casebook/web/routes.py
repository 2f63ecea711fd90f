"""Server-rendered pages."""

from __future__ import annotations

import uuid

from litestar import get
from litestar.params import FromPath
from litestar.response import Template


@get("/", include_in_schema=False)
async def home() -> Template:
    return Template(template_name="home.html")


@get("/incidents/{incident_id:uuid}/evidence", include_in_schema=False)
async def incident_evidence(incident_id: FromPath[uuid.UUID]) -> Template:
    """The browser client for an incident's evidence: the same page for every caller; its
    script logs in, unlocks the keys and does all encryption and decryption in the browser."""
    return Template(template_name="evidence.html", context={"incident_id": str(incident_id)})


ROUTES = [home, incident_evidence]
