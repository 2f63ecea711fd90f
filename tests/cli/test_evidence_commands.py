"""`casebook evidence` against a real server process: a writer adds files encrypted while they
stream up; a reader lists them, gets them back byte for byte with the signed manifest shown;
whoever is not a reader or writer is told so; tampered ciphertext leaves no file behind."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from click.testing import Result

from casebook.crypto.attachment import CHUNK_SIZE
from casebook.crypto.fingerprints import identity_safety_number
from casebook.crypto.keys import PublicIdentity
from tests.cli.conftest import invoke
from tests.cli.evidence_scenario import (
    Scenario,
    added_ids,
    module_server,
    sample,
    scenario,
)
from tests.conftest import PASSWORD

__all__ = ["module_server", "scenario"]  # module-scoped fixtures

VIDEO_BYTES = 3 * CHUNK_SIZE + 1234  # four chunks


@pytest.fixture(scope="module")
def uploaded(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, bytes]:
    """Beto adds a video of several chunks and a note, with the time they were recorded."""
    folder = tmp_path_factory.mktemp("beto-files")
    video = sample(folder / "march.mp4", VIDEO_BYTES)
    (folder / "note.txt").write_text("Plates: ABC 123")
    args = ["evidence", "add", scenario.incident_id, str(folder / "march.mp4")]
    args += [str(folder / "note.txt"), "--captured-at", "2024-03-14T21:30:00-07:00"]
    return scenario.beto.unlocked(args), video


def test_a_writer_adds_files_encrypted_with_progress(
    scenario: Scenario, uploaded: tuple[Result, bytes]
) -> None:
    result, video = uploaded
    added = [line for line in result.stdout.splitlines() if line.startswith("Added ")]
    assert len(added) == 2
    assert added[0].startswith("Added march.mp4 as attachment ")
    assert f"SHA-256 {hashlib.sha256(video).hexdigest()}" in added[0]
    assert added[1].startswith("Added note.txt as attachment ")
    assert "Uploading march.mp4" in result.stderr
    assert "Uploading note.txt" in result.stderr
    stored = scenario.beto.api(
        scenario.server, "GET", f"/api/v1/incidents/{scenario.incident_id}/attachments"
    ).json()["items"]
    assert [item["state"] for item in stored] == ["complete", "complete"]
    assert stored[0]["ciphertext_size"] > VIDEO_BYTES  # padded, never the exact size


def test_a_reader_lists_and_gets_a_file_byte_for_byte_with_its_signed_manifest(
    scenario: Scenario, uploaded: tuple[Result, bytes], tmp_path: Path
) -> None:
    video_id = added_ids(uploaded[0])[0]
    plain = scenario.beto.ok(["evidence", "list", scenario.incident_id]).stdout
    header, *rows = plain.splitlines()
    assert header.split() == ["ID", "STORED", "UPLOADER", "UPLOADED"]
    assert rows[0].startswith(video_id)
    assert "march.mp4" not in plain

    named = scenario.lupe.unlocked(["evidence", "list", scenario.incident_id, "--names"]).stdout
    header, *rows = named.splitlines()
    assert header.split() == ["ID", "STORED", "UPLOADER", "UPLOADED", "SIZE", "NAME"]
    assert rows[0].endswith("march.mp4")
    assert rows[1].endswith("note.txt")
    assert "15 B" in rows[1]

    got = scenario.lupe.unlocked(["evidence", "get", video_id, "-o", str(tmp_path)])
    assert (tmp_path / "march.mp4").read_bytes() == uploaded[1]
    assert [p.name for p in tmp_path.iterdir()] == ["march.mp4"]
    assert "Downloading march.mp4" in got.stderr
    beto = PublicIdentity.from_json(
        scenario.beto.api(scenario.server, "GET", "/api/v1/me/keys").json()["bundle"]["identity"]
    )
    shown = got.stdout
    assert f"Saved {tmp_path / 'march.mp4'}: signature, hashes and decryption verified." in shown
    assert "File name:    march.mp4" in shown
    assert "Type:         video/mp4" in shown
    assert f"Size:         {VIDEO_BYTES} bytes" in shown
    assert f"SHA-256:      {hashlib.sha256(uploaded[1]).hexdigest()}" in shown
    blake2b = hashlib.blake2b(uploaded[1], digest_size=32).hexdigest()
    assert f"BLAKE2b:      {blake2b}" in shown
    assert "Captured:     2024-03-15 04:30:00 UTC" in shown
    assert f"Uploader:     A organizer ({scenario.beto.user_id})" in shown
    assert f"Safety no.:   {identity_safety_number(beto)}" in shown

    again = scenario.lupe.run(["evidence", "get", video_id, "-o", str(tmp_path)], PASSWORD)
    assert again.exit_code == 1
    assert "march.mp4 already exists: choose another directory with -o." in again.stderr


def test_getting_a_file_again_clears_what_an_interrupted_decryption_left(
    scenario: Scenario, uploaded: tuple[Result, bytes], tmp_path: Path
) -> None:
    note_id = added_ids(uploaded[0])[1]
    leftover = tmp_path / ".note.txt.k2x9q1.part"  # a crash in the middle of decrypting
    leftover.write_bytes(b"Plates: AB")
    unrelated = tmp_path / ".notes.txt.k2x9q1.part"
    unrelated.write_bytes(b"someone else's")
    scenario.lupe.unlocked(["evidence", "get", note_id, "-o", str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == [unrelated.name, "note.txt"]


def test_a_writer_who_is_not_a_reader_cannot_get_evidence(
    scenario: Scenario, uploaded: tuple[Result, bytes], tmp_path: Path
) -> None:
    refused = scenario.beto.run(["evidence", "get", added_ids(uploaded[0])[0], "-o", str(tmp_path)])
    assert refused.exit_code == 1
    assert "or you are not a reader of its group's vault: only readers can open evidence" in (
        refused.stderr
    )
    assert list(tmp_path.iterdir()) == []
    names = scenario.beto.run(["evidence", "list", scenario.incident_id, "--names"], PASSWORD)
    assert names.exit_code == 1
    assert "You are not a reader of the vault of group" in names.stderr


def test_a_reader_who_is_not_a_writer_cannot_add_evidence(
    scenario: Scenario, tmp_path: Path
) -> None:
    sample(tmp_path / "photo.jpg", 100)
    refused = scenario.lupe.run(
        ["evidence", "add", scenario.incident_id, str(tmp_path / "photo.jpg")], PASSWORD
    )
    assert refused.exit_code == 1
    assert "photo.jpg was not added: You are not a writer of the vault of group " in (
        refused.stderr
    )
    assert f"`casebook vault add-writer {scenario.group_id} {scenario.lupe.user_id}`" in (
        refused.stderr
    )


def test_altered_ciphertext_is_refused_and_leaves_no_file(
    scenario: Scenario, uploaded: tuple[Result, bytes], tmp_path: Path
) -> None:
    note_id = added_ids(uploaded[0])[1]
    items = scenario.beto.api(
        scenario.server, "GET", f"/api/v1/incidents/{scenario.incident_id}/attachments"
    ).json()["items"]
    size = next(item["ciphertext_size"] for item in items if item["id"] == note_id)
    blobs = scenario.server.settings.data_dir / "blobs"
    (blob,) = [p for p in blobs.rglob("*") if p.is_file() and p.stat().st_size == size]
    original = blob.read_bytes()
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        refused = scenario.lupe.run(["evidence", "get", note_id, "-o", str(tmp_path)], PASSWORD)
    finally:
        blob.write_bytes(original)
    assert refused.exit_code == 1
    assert (
        f"Refusing attachment {note_id}: the encrypted file differs from the one its uploader "
        "signed. No file was written."
    ) in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_capture_time_must_be_a_date_and_time(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"jpeg")
    args = ["evidence", "add", str(uuid.uuid4()), str(tmp_path / "photo.jpg")]
    refused = invoke([*args, "--captured-at", "last tuesday"])
    assert refused.exit_code == 2
    assert "'last tuesday' is not a date and time like 2024-03-01T18:30" in refused.stderr
