"""The server-rendered pages. Every handler here is a page: its failures are answered with
pages too (casebook.web.error_pages), and an ended session leads to the login page."""

from litestar import Router

from casebook.web.pages import (
    account,
    activities,
    admin,
    admin_accounts,
    admin_audit,
    admin_groups,
    claims,
    dashboard,
    evidence,
    grants,
    groups,
    incidents,
    keys,
    people,
    reports,
    session,
)

PAGES = Router(
    path="/",
    route_handlers=[
        *session.ROUTES,
        *dashboard.ROUTES,
        *account.ROUTES,
        *keys.ROUTES,
        *evidence.ROUTES,
        *incidents.ROUTES,
        *people.ROUTES,
        *activities.ROUTES,
        *claims.ROUTES,
        *groups.ROUTES,
        *admin.ROUTES,
        *admin_accounts.ROUTES,
        *admin_groups.ROUTES,
        *admin_audit.ROUTES,
        *grants.ROUTES,
        *reports.ROUTES,
    ],
    opt={"page": True},
    include_in_schema=False,
)
