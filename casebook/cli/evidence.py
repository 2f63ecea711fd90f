"""`casebook evidence`: add encrypted evidence to an incident, list it, and get it back
decrypted and verified."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import click

from casebook.cli import attachments, members, vault_state
from casebook.cli.api_client import Api, ApiError
from casebook.cli.connection import ServerProblem, logged_in
from casebook.cli.output import echo_fields, echo_table, printable
from casebook.cli.params import Moment
from casebook.cli.unlocking import unlock_keys
from casebook.crypto.fingerprints import identity_safety_number
from casebook.crypto.keys import KeyBundle
from casebook.crypto.manifest import Manifest

UNLOCK_NOTE = (
    "Asks for your password to unlock your keys (hidden prompt, or one line on standard input)."
)


@click.group()
def evidence() -> None:
    """Add evidence to incidents, list it, get it back (needs `casebook login` first).

    Files are encrypted on this device before they leave it, and only the readers of the
    group's vault (`casebook vault`) can open them. Each file travels with a manifest signed
    by its uploader (name, type, size, SHA-256, BLAKE2b, times) that `get` checks.
    """


@evidence.command(
    help="Encrypt FILEs and add them to an incident (writers of its group's vault). Each file "
    "is encrypted while it uploads, so large videos need no extra memory or disk. If one "
    "fails, the ones before it are added and the rest are not; run the command again for "
    f"those (unfinished uploads are removed by the server). {UNLOCK_NOTE}"
)
@click.argument("incident_id", metavar="INCIDENT_ID", type=click.UUID)
@click.argument(
    "files",
    metavar="FILE...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option(
    "--captured-at",
    type=Moment(),
    help="When the files were recorded (photo taken, video filmed), e.g. 2024-03-01T18:30 in "
    "this computer's time zone or 2024-03-02T02:30Z. Goes into each file's signed manifest.",
)
def add(incident_id: uuid.UUID, files: tuple[Path, ...], captured_at: datetime | None) -> None:
    with logged_in() as api:
        group_id = _group_of(api, incident_id)
        keys = unlock_keys(api)
        for index, path in enumerate(files):
            try:
                ids, manifest = _add_one(api, group_id, keys, incident_id, path, captured_at)
            except (ApiError, click.ClickException, OSError, ValueError) as error:
                raise NotAdded(files[:index], files[index:], error) from error
            click.echo(
                f"Added {printable(path.name)} as attachment {ids.attachment_id} "
                f"({_size(manifest.size)}, SHA-256 {manifest.sha256.hex()})."
            )


def _add_one(
    api: Api,
    group_id: str,
    keys: KeyBundle,
    incident_id: uuid.UUID,
    path: Path,
    captured_at: datetime | None,
) -> tuple[attachments.Ids, Manifest]:
    checked = vault_state.fetch(api, group_id)
    vault_state.require_role(checked, keys, "writer")
    return attachments.upload(api, checked, keys, incident_id, path, captured_at)


class NotAdded(click.ClickException):
    """Which files were added before the failure, which were not, and why."""

    def __init__(self, added: Sequence[Path], left: Sequence[Path], error: Exception) -> None:
        if isinstance(error, ApiError):
            reasons = ServerProblem(error).lines
        elif isinstance(error, click.ClickException):
            reasons = [error.message]
        elif isinstance(error, OSError):
            reasons = [f"could not read it: {error.strerror or error}"]
        else:
            reasons = [f"it changed while it was being read ({error})"]
        self.lines = [f"Error: {printable(str(left[0]))} was not added: {reasons[0]}"]
        self.lines += [f"  {reason}" for reason in reasons[1:]]
        if added:
            self.lines.append(f"Added before it: {_paths(added)}")
        self.lines.append(f"Not added: {_paths(left)}. Run the command again with these.")
        super().__init__(self.lines[0])

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, err=True)


@evidence.command("list")
@click.argument("incident_id", metavar="INCIDENT_ID", type=click.UUID)
@click.option(
    "--names",
    is_flag=True,
    help="Also open each file's signed manifest to show its name and exact size (readers of "
    f"the vault only: file names are encrypted too). {UNLOCK_NOTE}",
)
def list_evidence(incident_id: uuid.UUID, names: bool) -> None:
    """List an incident's evidence: id, stored (padded, encrypted) size, uploader and time."""
    with logged_in() as api:
        items = api.get(f"/api/v1/incidents/{incident_id}/attachments")["items"]
        group_id = _group_of(api, incident_id)
        known = members.names(api, group_id)
        manifests = _manifests(api, group_id, items) if names and items else {}
    if not items:
        click.echo("No evidence recorded for this incident.", err=True)
        return
    headers: tuple[str, ...] = ("ID", "STORED", "UPLOADER", "UPLOADED")
    rows: list[tuple[str, ...]] = [_row(item, known) for item in items]
    if names:
        headers += ("SIZE", "NAME")
        rows = [(*row, *_named(manifests[row[0]])) for row in rows]
    echo_table(headers, rows)


def _manifests(api: Api, group_id: str, items: list[dict[str, Any]]) -> dict[str, Manifest]:
    keys = unlock_keys(api)
    checked = vault_state.fetch(api, group_id)
    generations = vault_state.open_generations(checked, keys)
    return {
        item["id"]: attachments.open_record(
            checked, generations, api.get(f"/api/v1/attachments/{item['id']}")
        ).manifest
        for item in items
    }


def _row(item: dict[str, Any], known: dict[str, str]) -> tuple[str, ...]:
    uploader = str(item["uploader_id"])
    return (
        str(item["id"]),
        _size(int(item["ciphertext_size"])),
        known.get(uploader, uploader),
        str(item["completed_at"])[:19].replace("T", " "),
    )


def _named(manifest: Manifest) -> tuple[str, str]:
    return _size(manifest.size), printable(manifest.filename)


@evidence.command(
    help="Download an attachment, decrypt it and check it against its signed manifest "
    "(readers of the vault). The file is written under the name its uploader gave it only "
    "once every check passed: the uploader's signature, the encrypted file's hash, the "
    f"decryption, and the file's SHA-256 and BLAKE2b. {UNLOCK_NOTE}"
)
@click.argument("attachment_id", metavar="ATTACHMENT_ID", type=click.UUID)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(exists=True, file_okay=False, writable=True, path_type=Path),
    default=Path(),
    show_default=".",
    help="The directory to write the file into. An existing file is never replaced.",
)
def get(attachment_id: uuid.UUID, directory: Path) -> None:
    with logged_in() as api:
        record = _record(api, attachment_id)
        group_id = _group_of(api, record["incident_id"])
        keys = unlock_keys(api)
        checked = vault_state.fetch(api, group_id)
        generations = vault_state.open_generations(checked, keys)
        opened = attachments.open_record(checked, generations, record)
        target = attachments.download(api, opened, directory)
        known = members.names(api, group_id)
    _echo_manifest(target, opened, known)


def _record(api: Api, attachment_id: uuid.UUID) -> dict[str, Any]:
    try:
        record: dict[str, Any] = api.get(f"/api/v1/attachments/{attachment_id}")
    except ApiError as error:
        if error.status != 404:
            raise
        raise click.ClickException(
            f"Attachment {attachment_id} was not found, or you are not a reader of its "
            "group's vault: only readers can open evidence."
        ) from error
    return record


def _group_of(api: Api, incident_id: uuid.UUID | str) -> str:
    return str(api.get(f"/api/v1/incidents/{incident_id}")["group_id"])


def _echo_manifest(target: Path, opened: attachments.Opened, known: dict[str, str]) -> None:
    manifest, uploader = opened.manifest, opened.uploader
    name = known.get(uploader.user_id)
    click.echo(f"Saved {target}: signature, hashes and decryption verified.")
    echo_fields(
        [
            ("File name", manifest.filename),
            ("Type", manifest.media_type),
            ("Size", f"{manifest.size} bytes"),
            ("SHA-256", manifest.sha256.hex()),
            ("BLAKE2b", manifest.blake2b.hex()),
            ("Captured", _time(manifest.captured_at)),
            ("Uploaded", _time(manifest.uploaded_at)),
            ("Uploader", uploader.user_id if name is None else f"{name} ({uploader.user_id})"),
            ("Safety no.", identity_safety_number(uploader)),
            ("Attachment", f"{opened.ids.attachment_id}, vault generation {opened.ids.generation}"),
        ]
    )


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _size(count: int) -> str:
    """Bytes as people read them: 999 B, 1.5 KiB, 3.2 MiB, 4.0 GiB."""
    if count < 1024:
        return f"{count} B"
    value, unit = count / 1024, "KiB"
    for bigger in ("MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


def _paths(paths: Sequence[Path]) -> str:
    return " ".join(printable(str(path)) for path in paths)
