"""The pattern report page: filters, the report shown on the page, downloads, field messages, a
researcher's budget and releases, and the report in Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from casebook.groups.models import Group
from tests.conftest import Account, World
from tests.web.conftest import PAGE, form, log_in


@pytest.fixture
async def group(world: World) -> Group:
    return await world.group("Colectiva Sur", region="Washington")


@pytest.fixture
async def organizer(client: Any, world: World, group: Group) -> Account:
    account = await world.account("organizer", groups={group: "coordinator"})
    activity = {
        "kind": "protest",
        "occurred_on": "2024-03-01",
        "title": "Vigil at the courthouse",
        "group_ids": [str(group.id)],
    }
    response = await client.post("/api/v1/activities", json=activity, headers=account.headers)
    assert response.status_code == 201, response.text
    for day in ("2024-03-02", "2024-03-20", "2024-05-01"):
        body = {"group_id": str(group.id), "occurred_on": day, "tactics": ["stakeout"]}
        response = await client.post("/api/v1/incidents", json=body, headers=account.headers)
        assert response.status_code == 201, response.text
    return account


async def test_the_page_shows_the_report_once_asked_for(client: Any, organizer: Account) -> None:
    await log_in(client, organizer)
    empty = await client.get("/reports", headers=PAGE)
    assert empty.status_code == 200
    assert "Pattern report" in empty.text
    assert "Retaliation timing" not in empty.text
    shown = await client.get("/reports", params={"show": "1"}, headers=PAGE)
    assert shown.status_code == 200, shown.text
    assert "Colectiva Sur" in shown.text
    assert "Vigil at the courthouse" in shown.text
    assert "<svg" in shown.text
    assert 'href="/reports" aria-current="page"' in shown.text


async def test_a_bad_date_gets_a_field_message(client: Any, organizer: Account) -> None:
    await log_in(client, organizer)
    response = await client.get(
        "/reports", params={"show": "1", "date_from": "May 1st"}, headers=PAGE
    )
    assert response.status_code == 422
    assert "enter a date as year-month-day" in response.text
    backwards = await client.get(
        "/reports",
        params={"show": "1", "date_from": "2024-05-01", "date_to": "2024-04-01"},
        headers=PAGE,
    )
    assert backwards.status_code == 422
    assert "must be on or after the start date" in backwards.text


async def test_downloads_come_as_files(client: Any, organizer: Account) -> None:
    token = await log_in(client, organizer)
    response = await client.post(
        "/reports", data=form(token, format="csv", date_from="2024-03-01"), headers=PAGE
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    unknown = await client.post("/reports", data=form(token, format="docx"), headers=PAGE)
    assert unknown.status_code == 422
    assert "choose from the list" in unknown.text


async def test_a_download_needs_the_csrf_token(client: Any, organizer: Account) -> None:
    await log_in(client, organizer)
    response = await client.post("/reports", data={"format": "csv"}, headers=PAGE)
    assert response.status_code == 403


async def test_a_researcher_sees_the_budget_and_spends_it(
    client: Any, world: World, organizer: Account
) -> None:
    researcher = await world.account("researcher")
    token = await log_in(client, researcher)
    page = await client.get("/reports", headers=PAGE)
    assert "3 of 3 left" in page.text
    assert 'name="group_id"' not in page.text.split("Download")[0]
    refused = await client.post(
        "/reports", data=form(token, format="json", epsilon="1"), headers=PAGE
    )
    assert refused.status_code == 422
    assert "a release with noise needs both a start and an end date" in refused.text
    spent = await client.post(
        "/reports",
        data=form(token, format="json", epsilon="1", date_from="2024-01-01", date_to="2024-12-31"),
        headers=PAGE,
    )
    assert spent.status_code == 200, spent.text
    after = await client.get("/reports", headers=PAGE)
    assert "2 of 3 left" in after.text
    shown = await client.get("/reports", params={"show": "1"}, headers=PAGE)
    assert "Vigil at the courthouse" not in shown.text
    assert "Colectiva Sur" not in shown.text


async def test_the_report_speaks_spanish(client: Any, organizer: Account) -> None:
    token = await log_in(client, organizer)
    changed = await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    assert changed.status_code in (200, 303), changed.text
    response = await client.get("/reports", params={"show": "1"}, headers=PAGE)
    assert response.status_code == 200
    assert "Informe de patrones" in response.text
    assert "Momento de la represalia" in response.text
