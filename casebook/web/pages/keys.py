"""Setting up one's account keys in the browser (what `casebook login` does the first time).

The page only explains and hosts the form: keys-page.js makes the Secret Key, the recovery code
and the key bundle in the browser and sends them to PUT /api/v1/me/keys, so the password never
reaches the server with them."""

from __future__ import annotations

from typing import Any

from litestar import get

from casebook.accounts.keys import has_keys
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.page import AnyRequest, render


@get("/account/keys", opt={"permission": "account.self"})
async def keys_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return render(request, "account/keys.html", has_keys=await has_keys(db, actor))


ROUTES = [keys_page]
