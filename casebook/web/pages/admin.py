"""The administration index: where an admin manages accounts, invitations, groups and grants,
and reads the audit log. Its pages are in the admin_* modules next to this one."""

from __future__ import annotations

from typing import Any

from litestar import get

from casebook.web.page import AnyRequest, render


@get("/admin", opt={"permission": "user.manage"})
async def admin_index(request: AnyRequest) -> Any:
    return render(request, "admin/index.html")


ROUTES = [admin_index]
