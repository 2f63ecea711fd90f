"""The evidence page of an incident: its script logs in, unlocks the keys and does all
encryption and decryption in the browser."""

from __future__ import annotations

import uuid

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from casebook.web.page import AnyRequest, render


@get("/incidents/{incident_id:uuid}/evidence")
async def incident_evidence(request: AnyRequest, incident_id: FromPath[uuid.UUID]) -> Template:
    """The same page for every caller: the API it calls decides what they may see."""
    return render(request, "evidence.html", incident_id=str(incident_id))


ROUTES = [incident_evidence]
