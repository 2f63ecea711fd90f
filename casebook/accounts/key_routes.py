"""HTTP routes for account keys: login parameters, one's own keys, others' public identities."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromPath, JSONBody

from casebook.accounts import keys as service
from casebook.accounts.models import AccountKeys
from casebook.http.authentication import client_address, presented_secret
from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.http.schemas import Email, Input, Output

B64 = Annotated[str, msgspec.Meta(min_length=1, max_length=200, description="URL-safe base64")]
Credential = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
UserIdText = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Limit = Annotated[int, msgspec.Meta(ge=0, le=2**40)]


class EmailInput(Input, kw_only=True):
    email: Email


class KdfParams(Input, kw_only=True):
    """Argon2id parameters as the client format writes them."""

    alg: Literal["argon2id13"]
    opslimit: Limit
    memlimit: Limit
    salt: B64


class KdfParamsOut(Output, kw_only=True):
    alg: str
    opslimit: int
    memlimit: int
    salt: str


class Identity(Input, kw_only=True):
    box_pk: B64
    sign_pk: B64
    signature: B64
    user_id: UserIdText


class IdentityOut(Output, kw_only=True):
    box_pk: str
    sign_pk: str
    signature: str
    user_id: str

    @classmethod
    def of(cls, keys: AccountKeys) -> IdentityOut:
        return cls(
            box_pk=keys.box_pk,
            sign_pk=keys.sign_pk,
            signature=keys.signature,
            user_id=str(keys.user_id),
        )


class Wrap(Input, kw_only=True):
    ciphertext: B64
    nonce: B64


class WrapOut(Output, kw_only=True):
    ciphertext: str
    nonce: str


class Bundle(Input, kw_only=True):
    bundle_version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    format: Literal["casebook.key-bundle"]
    format_version: Literal[1]
    identity: Identity
    password_wrap: Wrap
    recovery_wrap: Wrap


class BundleOut(Output, kw_only=True):
    bundle_version: int
    format: str
    format_version: int
    identity: IdentityOut
    password_wrap: WrapOut
    recovery_wrap: WrapOut


class KeysInput(Input, kw_only=True):
    """Enrolment: kdf, bundle, login_credential and recovery_credential. A change of existing
    keys (new password, renewed recovery code) adds the version read and current_credential
    (the current login credential or recovery credential); recovery_credential may then be
    left out if the recovery wrap is unchanged."""

    kdf: KdfParams
    bundle: Bundle
    login_credential: Credential
    recovery_credential: Credential | None = None
    current_credential: Credential | None = None
    version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None

    def credentials(self, current_confirmed: bool) -> service.KeyCredentials:
        return service.KeyCredentials(
            login=self.login_credential,
            recovery=self.recovery_credential,
            current_confirmed=current_confirmed,
        )

    def material(self) -> service.KeyMaterial:
        bundle = self.bundle
        return service.KeyMaterial(
            opslimit=self.kdf.opslimit,
            memlimit=self.kdf.memlimit,
            salt=self.kdf.salt,
            bundle_version=bundle.bundle_version,
            identity=service.Identity(
                user_id=bundle.identity.user_id,
                box_pk=bundle.identity.box_pk,
                sign_pk=bundle.identity.sign_pk,
                signature=bundle.identity.signature,
            ),
            password_wrap=service.Wrap(bundle.password_wrap.ciphertext, bundle.password_wrap.nonce),
            recovery_wrap=service.Wrap(bundle.recovery_wrap.ciphertext, bundle.recovery_wrap.nonce),
        )


class KeysOut(Output, kw_only=True):
    kdf: KdfParamsOut
    bundle: BundleOut
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, keys: AccountKeys) -> KeysOut:
        stored: dict[str, Any] = service.stored_bundle(keys)
        return cls(
            kdf=KdfParamsOut(
                alg=service.KDF_ALG, opslimit=keys.opslimit, memlimit=keys.memlimit, salt=keys.salt
            ),
            bundle=msgspec.convert(stored, BundleOut),
            version=keys.version,
            created_at=keys.created_at,
            updated_at=keys.updated_at,
        )


@post(
    "/api/v1/auth/kdf-params",
    tags=["auth"],
    summary="Key-derivation parameters for logging in (the same shape for every email)",
    status_code=200,
    opt={"rate_limited": True},
)
async def kdf_params(data: JSONBody[EmailInput], db: Db, runtime: CurrentRuntime) -> KdfParamsOut:
    params = await service.login_params(db, runtime, data.email)
    return KdfParamsOut(
        alg=service.KDF_ALG, opslimit=params.opslimit, memlimit=params.memlimit, salt=params.salt
    )


@put(
    "/api/v1/me/keys",
    tags=["auth"],
    summary="Enrol one's keys, or change them: a new password or a renewed recovery code",
    opt={"permission": "account.self"},
)
async def put_my_keys(
    request: Request[Any, Any, Any],
    data: JSONBody[KeysInput],
    db: Db,
    actor: CurrentActor,
    runtime: CurrentRuntime,
) -> KeysOut:
    current = data.current_credential
    if current is not None:
        await service.confirm_current(runtime, actor, current, client_address(request))
    keys = await service.put_keys(
        db,
        runtime,
        actor,
        data.material(),
        data.credentials(current_confirmed=current is not None),
        version=data.version,
        current_secret=presented_secret(request),
    )
    return KeysOut.of(keys)


@get("/api/v1/me/keys", tags=["auth"], opt={"permission": "account.self"})
async def get_my_keys(db: Db, actor: CurrentActor) -> KeysOut:
    return KeysOut.of(await service.own_keys(db, actor))


@get(
    "/api/v1/users/{user_id:uuid}/identity",
    tags=["accounts"],
    summary="A user's public identity (box and signing public keys, signed)",
    opt={"permission": "identity.read"},
)
async def user_identity(user_id: FromPath[uuid.UUID], db: Db, actor: CurrentActor) -> IdentityOut:
    return IdentityOut.of(await service.read_identity(db, actor, user_id))


ROUTES = [kdf_params, put_my_keys, get_my_keys, user_identity]
