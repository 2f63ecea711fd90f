"""`casebook claim export` and `casebook claim verify` against a real server: an attorney who
reads the group's vault exports a claim with two exhibits uploaded by an organizer, and the
bundle verifies offline until one byte of one exhibit changes."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nacl.signing import VerifyKey

from casebook.cli.claim_bundle import MANIFEST_JSON
from casebook.evidence.models import Attachment
from casebook.runtime import Runtime
from tests.cli.conftest import LiveServer, call, running_server
from tests.cli.evidence_scenario import Person, added_ids, sample
from tests.conftest import PASSWORD, World
from tests.databases import DatabaseFactory


@dataclass(frozen=True)
class Export:
    server: LiveServer
    claim_id: str
    iris: Person
    lupe: Person
    directory: Path
    files: dict[str, bytes]  # exhibit label: the original file's bytes
    attachments: dict[str, str]  # exhibit label: attachment id
    result_output: str


@pytest.fixture(scope="module")
def module_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from running_server(databases, tmp_path_factory)


def _records(server: LiveServer, rosa: Person, group_id: str) -> dict[str, str]:
    """Marisol's case, logged by Rosa: a rally, a stop 9 days later, a press conference and
    an arrest at it."""

    def created(path: str, body: dict[str, object]) -> str:
        response = rosa.api(server, "POST", path, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    person = created("/api/v1/people", {"alias": "Marisol", "group_ids": [group_id]})

    def activity(on: str, title: str) -> str:
        body = {"kind": "protest", "occurred_on": on, "title": title, "group_ids": [group_id]}
        return created("/api/v1/activities", {**body, "person_ids": [person]})

    def incident(on: str, tactic: str) -> str:
        target = [{"person_id": person, "role": "target"}]
        body = {"group_id": group_id, "occurred_on": on, "tactics": [tactic], "people": target}
        return created("/api/v1/incidents", {**body, "city": "Tacoma", "region": "Washington"})

    return {
        "person": person,
        "rally": activity("2024-05-01", "May Day rally at the detention center"),
        "stop": incident("2024-05-10", "physical-following"),
        "press": activity("2024-06-03", "Press conference on the raids"),
        "arrest": incident("2024-06-03", "arrest-at-protest-or-press-event"),
    }


@pytest.fixture(scope="module")
def export(module_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Export:
    homes = tmp_path_factory.mktemp("devices")

    async def build(runtime: Runtime) -> tuple[str, dict[str, Person]]:
        world = World(runtime)
        group = await world.group("Colectiva Tacoma")
        rosa = await world.account("organizer", groups={group: "coordinator"}, email="rosa@x.org")
        lupe = await world.account("organizer", groups={group: "member"}, email="lupe@x.org")
        iris = await world.account("attorney", email="iris@x.org")
        await world.grant(group, iris, by=rosa)
        accounts = {"rosa": rosa, "lupe": lupe, "iris": iris}
        people = {n: Person(n, a.user.email, str(a.id), homes / n) for n, a in accounts.items()}
        return str(group.id), people

    group_id, people = call(module_server.settings, build)
    for person in people.values():
        person.ok(["login", "--server", module_server.url, "--email", person.email], PASSWORD, "")
    rosa, lupe, iris = people["rosa"], people["lupe"], people["iris"]
    readers = ["--reader", lupe.user_id, "--reader", iris.user_id]
    rosa.unlocked(["vault", "create", group_id, *readers, "--writer", rosa.user_id])
    records = _records(module_server, rosa, group_id)
    uploads = homes / "uploads"
    uploads.mkdir()
    files = {
        "A": sample(uploads / "arrest video.mp4", 200_000),
        "B": sample(uploads / "car outside.JPG", 3_000),
    }
    [video] = added_ids(
        rosa.unlocked(["evidence", "add", records["arrest"], str(uploads / "arrest video.mp4")])
    )
    [photo] = added_ids(
        rosa.unlocked(["evidence", "add", records["stop"], str(uploads / "car outside.JPG")])
    )

    claim = iris.api(
        module_server,
        "POST",
        "/api/v1/claims",
        json={"title": "Marisol v. ICE", "person_ids": [records["person"]], "gather": True},
    )
    assert claim.status_code == 201, claim.text
    claim_id, version = claim.json()["id"], claim.json()["version"]
    exhibits = [
        {"attachment_id": video, "description": "Video of the arrest at the press conference"},
        {"attachment_id": photo, "description": "Photo of the unmarked car"},
    ]
    response = iris.api(
        module_server,
        "PUT",
        f"/api/v1/claims/{claim_id}/exhibits",
        json={"version": version, "exhibits": exhibits},
    )
    assert response.status_code == 200, response.text
    directory = homes / "bundle"
    result = iris.unlocked(["claim", "export", claim_id, "-o", str(directory)])
    attachments = {"A": video, "B": photo}
    return Export(module_server, claim_id, iris, lupe, directory, files, attachments, result.output)


def _copy(export: Export, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(export.directory, copy)
    return copy


def test_the_bundle_holds_the_exhibits_by_label_with_their_hashes(export: Export) -> None:
    directory = export.directory
    assert (directory / "exhibits" / "A.mp4").read_bytes() == export.files["A"]
    assert (directory / "exhibits" / "B.jpg").read_bytes() == export.files["B"]
    manifest = json.loads((directory / MANIFEST_JSON).read_text())
    entries = {e["label"]: e for e in manifest["exhibits"]}
    for label, data in export.files.items():
        assert entries[label]["sha256"] == hashlib.sha256(data).hexdigest()
        assert entries[label]["signed_manifest"]["manifest"]["sha256"] == entries[label]["sha256"]
        assert entries[label]["signature_verified"] is True
        assert entries[label]["uploader"]["email"] == "rosa@x.org"
    assert entries["A"]["original_name"] == "arrest video.mp4"
    with (directory / "manifest.csv").open(newline="") as source:
        rows = list(csv.DictReader(source))
    assert [(r["label"], r["file"], r["sha256"]) for r in rows] == [
        ("A", "exhibits/A.mp4", entries["A"]["sha256"]),
        ("B", "exhibits/B.jpg", entries["B"]["sha256"]),
    ]
    with zipfile.ZipFile(directory / "bundle.zip") as archive:
        assert sorted(archive.namelist()) == [
            "exhibits/A.mp4",
            "exhibits/B.jpg",
            "manifest.csv",
            "manifest.json",
            "packet.pdf",
        ]
        assert archive.read("exhibits/B.jpg") == export.files["B"]
    assert "2 exhibit(s) verified" in export.result_output


def test_the_packet_holds_the_chronology_and_the_exhibit_hashes(export: Export) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(export.directory / "packet.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Marisol v. ICE" in text
    assert "Chronology" in text
    rows = [" ".join(line.split()) for line in text.splitlines()]

    def row(start: str) -> str:
        return next(row for row in rows if row.startswith(start))

    assert row("May 1, 2024 Protected activity: May Day rally")
    assert row("May 10, 2024 Adverse action: Followed in person").endswith(" 9")
    assert row("Jun 3, 2024 Protected activity: Press conference on the raids")
    assert row("Jun 3, 2024 Adverse action: Arrest").endswith(" 0")
    assert "9 days later" in text
    assert "Element matrix" in text
    for data in export.files.values():
        assert hashlib.sha256(data).hexdigest() in text.replace("\n", "")


def unpadded_b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_bundle_checks_out_without_casebook_as_docs_claims_md_says(export: Export) -> None:
    manifest = json.loads((export.directory / MANIFEST_JSON).read_text())
    for entry in manifest["exhibits"]:
        data = (export.directory / entry["file"]).read_bytes()
        signed = entry["signed_manifest"]["manifest"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] == signed["sha256"]
        assert len(data) == entry["size"] == signed["size"]
        message = (
            b"casebook manifest v1\0"
            + json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        )
        key = VerifyKey(unpadded_b64(signed["uploader"]["signing_key"]))
        key.verify(message, unpadded_b64(entry["signed_manifest"]["signature"]))


def test_a_bundle_verifies_offline(export: Export, tmp_path: Path) -> None:
    copy = _copy(export, tmp_path)
    result = export.lupe.ok(["claim", "verify", str(copy)])  # anyone, without logging in
    assert "Exhibit A: OK" in result.output
    assert "All 2 exhibit(s) match" in result.output


def test_one_changed_byte_is_named(export: Export, tmp_path: Path) -> None:
    copy = _copy(export, tmp_path)
    exhibit = copy / "exhibits" / "B.jpg"
    data = bytearray(exhibit.read_bytes())
    data[1234] ^= 0x01
    exhibit.write_bytes(bytes(data))
    result = export.lupe.run(["claim", "verify", str(copy)])
    assert result.exit_code == 1, result.output
    assert "Exhibit A: OK" in result.output
    named = "Exhibit B: DOES NOT MATCH: exhibits/B.jpg: the file's SHA-256 does not match"
    assert f"{named} the manifest" in result.output
    assert "1 of 2 exhibit(s) no longer match what their uploaders signed: B." in result.stderr


def test_rewriting_the_hash_manifest_to_match_does_not_help(export: Export, tmp_path: Path) -> None:
    copy = _copy(export, tmp_path)
    changed = b"a different video"
    (copy / "exhibits" / "A.mp4").write_bytes(changed)
    manifest = json.loads((copy / MANIFEST_JSON).read_text())
    entry = manifest["exhibits"][0]
    for fields in (entry, entry["signed_manifest"]["manifest"]):
        fields["sha256"], fields["size"] = hashlib.sha256(changed).hexdigest(), len(changed)
    (copy / MANIFEST_JSON).write_text(json.dumps(manifest))
    result = export.lupe.run(["claim", "verify", str(copy)])
    assert result.exit_code == 1
    assert "Exhibit A: DOES NOT MATCH: its signed manifest does not verify" in result.output


def test_an_exhibit_changed_only_inside_the_zip_is_named(export: Export, tmp_path: Path) -> None:
    copy = _copy(export, tmp_path)
    with (
        zipfile.ZipFile(export.directory / "bundle.zip") as original,
        zipfile.ZipFile(copy / "bundle.zip", "w") as rewritten,
    ):
        for name in original.namelist():
            data = original.read(name)
            rewritten.writestr(name, data[:-1] + b"!" if name == "exhibits/A.mp4" else data)
    result = export.lupe.run(["claim", "verify", str(copy)])
    assert result.exit_code == 1
    assert "Exhibit A: DOES NOT MATCH: exhibits/A.mp4 in bundle.zip" in result.output


def test_export_needs_a_new_directory_and_a_claim_one_is_on(export: Export, tmp_path: Path) -> None:
    taken = export.iris.run(["claim", "export", export.claim_id, "-o", str(export.directory)])
    assert taken.exit_code == 1
    assert "exists and is not empty" in taken.stderr
    stranger = export.lupe.run(["claim", "export", export.claim_id, "-o", str(tmp_path / "x")])
    assert stranger.exit_code == 1
    assert "not found, or you are not one of its attorneys" in stranger.stderr
    assert not (tmp_path / "x").exists()
    not_a_bundle = export.lupe.run(["claim", "verify", str(tmp_path)])
    assert not_a_bundle.exit_code == 1
    assert "manifest.json is missing" in not_a_bundle.stderr


def test_an_exhibit_altered_on_the_server_stops_the_export_and_leaves_nothing(
    export: Export, tmp_path: Path
) -> None:
    photo = export.attachments["B"]

    async def blob_name(runtime: Runtime) -> str:
        async with runtime.sessions() as session:
            return str((await session.get_one(Attachment, uuid.UUID(photo))).blob_name)

    blobs = export.server.settings.data_dir / "blobs"
    [blob] = blobs.rglob(call(export.server.settings, blob_name))
    original = blob.read_bytes()
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        refused = export.iris.run(
            ["claim", "export", export.claim_id, "-o", str(tmp_path / "out")], PASSWORD
        )
    finally:
        blob.write_bytes(original)
    assert refused.exit_code == 1
    assert f"Refusing attachment {photo}: the encrypted file differs" in refused.stderr
    assert list(tmp_path.iterdir()) == [], "no bundle, and no half-written one"
