"""`casebook claim`: an attorney's claims, exported as a court bundle verified on this computer,
and the offline check of such a bundle."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from casebook.cli import attachments, vault_state
from casebook.cli.api_client import Api, ApiError
from casebook.cli.claim_bundle import (
    BUNDLE_ZIP,
    EXHIBITS_DIR,
    PACKET_PDF,
    BundleError,
    Exhibit,
    verify_bundle,
    write_manifests,
    write_zip,
)
from casebook.cli.claim_packet import render_packet
from casebook.cli.connection import logged_in
from casebook.cli.output import echo_table, printable
from casebook.cli.unlocking import unlock_keys
from casebook.crypto.fingerprints import identity_safety_number
from casebook.crypto.keys import KeyBundle
from casebook.crypto.vault import VaultGeneration
from casebook.vocabulary import LOCALES

SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}\Z")


@click.group()
def claim() -> None:
    """Claims you are an attorney on (needs `casebook login` first).

    Claims are built on the web (or through the API). Here you export one as a court bundle:
    every exhibit is downloaded, decrypted and checked on this computer, then written with a
    hash manifest and a PDF packet that anyone can re-check offline with `casebook claim verify`.
    """


@claim.command("list")
def list_claims() -> None:
    """The claims you are an attorney on, most recently changed first."""
    with logged_in() as api:
        items = api.get("/api/v1/claims")["items"]
    if not items:
        click.echo("You are not on any claim.", err=True)
        return
    echo_table(
        ("ID", "TITLE", "CHANGED"),
        [(c["id"], printable(c["title"]), c["updated_at"][:19].replace("T", " ")) for c in items],
    )


@claim.command(
    help="Export CLAIM_ID into a new directory: the exhibits named by their labels, "
    "manifest.json and manifest.csv (hashes, uploaders, times and each exhibit's signed "
    "manifest), packet.pdf (cover, chronology, element matrix, exhibit index with hashes) and "
    "bundle.zip holding all of it. Every exhibit is decrypted and checked against the manifest "
    "its uploader signed before anything is written; the directory appears only once the "
    "whole bundle is complete. Needs you to be a reader of the vaults that hold the evidence. "
    "Asks for your password to unlock your keys (hidden prompt, or one line on standard input)."
)
@click.argument("claim_id", metavar="CLAIM_ID", type=click.UUID)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The directory to create for the bundle (it must not exist, or be empty).",
)
@click.option(
    "--language",
    type=click.Choice(LOCALES),
    default="en",
    show_default=True,
    help="The language of the PDF packet.",
)
def export(claim_id: uuid.UUID, directory: Path, language: str) -> None:
    _check_target(directory)
    with logged_in() as api:
        claim_data = _claim(api, claim_id)
        keys = unlock_keys(api) if claim_data["exhibits"] else None
        work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            (work / EXHIBITS_DIR).mkdir()
            exhibits = [] if keys is None else _exhibits(api, keys, claim_data, work / EXHIBITS_DIR)
            _write(work, claim_data, exhibits, language)
            _move_into_place(work, directory)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    click.echo(
        f"Exported {printable(claim_data['title'])} to {directory}: {len(exhibits)} exhibit(s) "
        f"verified, {PACKET_PDF}, manifest.json, manifest.csv and {BUNDLE_ZIP}."
    )


@claim.command(
    help="Re-check an exported bundle offline: each exhibit, as a file and inside bundle.zip, "
    "against the manifest its uploader signed (signature, size and SHA-256). Names every "
    "exhibit that no longer matches and exits with status 1 if there is one."
)
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
def verify(directory: Path) -> None:
    try:
        findings = verify_bundle(directory)
    except BundleError as error:
        raise click.ClickException(str(error)) from error
    for finding in findings:
        status = "OK" if finding.problem is None else f"DOES NOT MATCH: {finding.problem}"
        click.echo(f"Exhibit {printable(finding.label)}: {printable(status)}")
    failed = [f.label for f in findings if f.problem is not None]
    if failed:
        raise click.ClickException(
            f"{len(failed)} of {len(findings)} exhibit(s) no longer match what their uploaders "
            f"signed: {', '.join(printable(label) for label in failed)}."
        )
    click.echo(f"All {len(findings)} exhibit(s) match the manifests their uploaders signed.")


def _check_target(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise click.ClickException(f"{directory} exists and is not empty: choose a new directory.")
    if not directory.parent.is_dir():
        raise click.ClickException(f"{directory.parent} does not exist.")


def _claim(api: Api, claim_id: uuid.UUID) -> dict[str, Any]:
    try:
        found: dict[str, Any] = api.get(f"/api/v1/claims/{claim_id}")
    except ApiError as error:
        if error.status != 404:
            raise
        raise click.ClickException(
            f"Claim {claim_id} was not found, or you are not one of its attorneys."
        ) from error
    return found


def _exhibits(api: Api, keys: KeyBundle, claim_data: dict[str, Any], folder: Path) -> list[Exhibit]:
    """Each exhibit downloaded into `folder` under its label, checked against its signed
    manifest by a key the group's verified vault log gave its uploader."""
    exported = []
    vaults: dict[str, tuple[vault_state.Vault, dict[int, VaultGeneration]]] = {}
    groups: dict[str, str] = {}  # incident id: its group's id
    total = len(claim_data["exhibits"])
    for number, item in enumerate(claim_data["exhibits"], start=1):
        incident_id = item["incident_id"]
        if incident_id not in groups:
            groups[incident_id] = str(api.get(f"/api/v1/incidents/{incident_id}")["group_id"])
        group_id = groups[incident_id]
        if group_id not in vaults:
            checked = vault_state.fetch(api, group_id)
            vaults[group_id] = (checked, vault_state.open_generations(checked, keys))
        checked, generations = vaults[group_id]
        record = api.get(f"/api/v1/attachments/{item['attachment_id']}")
        opened = attachments.open_record(checked, generations, record)
        name = item["label"] + _suffix(opened.manifest.filename)
        click.echo(f"Exhibit {item['label']} ({number} of {total})", err=True)
        attachments.download(api, opened, folder, name)
        exported.append(
            Exhibit(
                label=item["label"],
                file=f"{EXHIBITS_DIR}/{name}",
                description=item["description"],
                incident_id=item["incident_id"],
                uploader_email=item["uploader_email"],
                safety_number=identity_safety_number(opened.uploader),
                signed=opened.signed,
            )
        )
    return exported


def _suffix(filename: str) -> str:
    """The original file's extension, so that the exhibit opens in the right program."""
    suffix = Path(attachments.safe_name(filename, "")).suffix
    return suffix.lower() if SUFFIX.fullmatch(suffix) else ""


def _write(work: Path, claim_data: dict[str, Any], exhibits: list[Exhibit], language: str) -> None:
    exported_at = datetime.now(UTC).replace(microsecond=0)
    summary = {
        "id": claim_data["id"],
        "title": claim_data["title"],
        "version": claim_data["version"],
        "exported_at": exported_at.isoformat().replace("+00:00", "Z"),
    }
    write_manifests(work, summary, exhibits)
    click.echo("Writing the PDF packet", err=True)
    (work / PACKET_PDF).write_bytes(render_packet(claim_data, exhibits, exported_at, language))
    write_zip(work)


def _move_into_place(work: Path, directory: Path) -> None:
    if directory.exists():
        directory.rmdir()  # checked empty before
    work.rename(directory)
