"""One's own account: who one is signed in as, and the language of the pages."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from casebook.accounts.keys import has_keys
from casebook.accounts.service import set_locale
from casebook.errors import ValidationFailed
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.page import AnyRequest, render, see_other

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


@get("/account", opt={"permission": "account.self"})
async def account_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    return render(
        request, "account.html", chosen=actor.locale, errors={}, has_keys=await has_keys(db, actor)
    )


@post("/account", opt={"permission": "account.self"})
async def save_account(
    request: AnyRequest,
    db: Db,
    actor: CurrentActor,
    data: Annotated[dict[str, str], FormBody],
) -> Any:
    chosen = data.get("locale", "")
    try:
        await set_locale(db, actor, chosen)
    except ValidationFailed as failure:
        errors = {error.field: error.message for error in failure.errors}
        return render(
            request,
            "account.html",
            status_code=422,
            chosen=chosen,
            errors=errors,
            has_keys=await has_keys(db, actor),
        )
    return see_other("/account?saved=1")


ROUTES = [account_page, save_account]
