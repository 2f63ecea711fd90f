"""Server-rendered pages."""

from __future__ import annotations

from litestar import get
from litestar.response import Template


@get("/", include_in_schema=False)
async def home() -> Template:
    return Template(template_name="home.html")


ROUTES = [home]
