"""A claim's court bundle on the attorney's machine: the exhibits named by label, a hash
manifest (JSON and CSV, with each exhibit's signed manifest), the PDF packet and a zip of it
all; and the offline check that every exhibit still matches what its uploader signed."""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.crypto.errors import CryptoFormatError, IntegrityError
from casebook.crypto.manifest import SignedManifest, verify_plaintext

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
PACKET_PDF = "packet.pdf"
BUNDLE_ZIP = "bundle.zip"
EXHIBITS_DIR = "exhibits"
FORMAT = "casebook.claim-bundle"
VERSION = 1
CSV_COLUMNS = (
    "label",
    "file",
    "description",
    "sha256",
    "size",
    "original_name",
    "media_type",
    "captured_at",
    "uploaded_at",
    "uploader",
    "signature_verified",
)


@dataclass(frozen=True)
class Exhibit:
    label: str
    file: str  # path inside the bundle, e.g. exhibits/A.jpg
    description: str
    incident_id: str
    uploader_email: str | None
    safety_number: str
    signed: SignedManifest

    def to_json(self) -> dict[str, Any]:
        manifest = self.signed.manifest.to_json()
        return {
            "label": self.label,
            "file": self.file,
            "description": self.description,
            "incident_id": self.incident_id,
            "attachment_id": manifest["attachment_id"],
            "original_name": manifest["filename"],
            "media_type": manifest["media_type"],
            "size": manifest["size"],
            "sha256": manifest["sha256"],
            "blake2b": manifest["blake2b"],
            "captured_at": manifest["captured_at"],
            "uploaded_at": manifest["uploaded_at"],
            "uploader": {
                "user_id": manifest["uploader"]["user_id"],
                "email": self.uploader_email,
                "safety_number": self.safety_number,
            },
            "signature_verified": True,
            "signed_manifest": self.signed.to_json(),
        }

    def csv_row(self) -> list[str]:
        entry = self.to_json()
        return [
            self.label,
            self.file,
            self.description,
            entry["sha256"],
            str(entry["size"]),
            entry["original_name"],
            entry["media_type"],
            entry["captured_at"] or "",
            entry["uploaded_at"],
            self.uploader_email or entry["uploader"]["user_id"],
            "yes",
        ]


def write_manifests(directory: Path, claim: dict[str, Any], exhibits: list[Exhibit]) -> None:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "claim": claim,
        "exhibits": [exhibit.to_json() for exhibit in exhibits],
    }
    (directory / MANIFEST_JSON).write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (directory / MANIFEST_CSV).open("w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(exhibit.csv_row() for exhibit in exhibits)


def write_zip(directory: Path) -> Path:
    """Everything in the bundle, in one file to hand over."""
    target = directory / BUNDLE_ZIP
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path != target:
                archive.write(path, path.relative_to(directory).as_posix())
    return target


@dataclass(frozen=True)
class Finding:
    label: str
    problem: str | None  # None: the exhibit matches its signed manifest


def verify_bundle(directory: Path) -> list[Finding]:
    """Each exhibit of the bundle, as a file and inside the zip, against its signed manifest.
    Raises BundleError when the bundle itself cannot be read."""
    entries = _entries(directory)
    archive = _open_zip(directory)
    findings = []
    for entry in entries:
        label = str(entry.get("label", "?"))
        problem = _check_entry(directory, archive, entry)
        findings.append(Finding(label, problem))
    return findings


class BundleError(Exception):
    """The bundle's manifest is missing or unreadable."""


def _entries(directory: Path) -> list[dict[str, Any]]:
    path = directory / MANIFEST_JSON
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BundleError(f"{path} is missing: this is not a Casebook claim bundle") from error
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BundleError(f"{path} cannot be read: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BundleError(f"{path} is not a Casebook claim bundle manifest")
    if document.get("version") != VERSION:
        raise BundleError(f"{path} has bundle format version {document.get('version')!r}")
    exhibits = document.get("exhibits")
    if not isinstance(exhibits, list) or not all(isinstance(e, dict) for e in exhibits):
        raise BundleError(f"{path} lists no exhibits")
    return exhibits


def _open_zip(directory: Path) -> zipfile.ZipFile | None:
    path = directory / BUNDLE_ZIP
    if not path.exists():
        return None
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BundleError(f"{path} is not a readable zip file: {error}") from error


def _check_entry(
    directory: Path, archive: zipfile.ZipFile | None, entry: dict[str, Any]
) -> str | None:
    try:
        signed = SignedManifest.verified(entry.get("signed_manifest"))
    except CryptoFormatError as error:
        return f"its signed manifest does not verify ({error})"
    manifest = signed.manifest
    if (entry.get("sha256"), entry.get("size")) != (manifest.sha256.hex(), manifest.size):
        return "the hash manifest differs from the uploader's signed manifest"
    name = entry.get("file")
    if not isinstance(name, str) or not _inside(directory, name):
        return "the manifest names no file inside the bundle"
    try:
        with (directory / name).open("rb") as source:
            verify_plaintext(source, manifest)
    except FileNotFoundError:
        return f"{name} is missing"
    except IntegrityError as error:
        return f"{name}: {error}"
    if archive is not None:
        try:
            with archive.open(name) as member:
                verify_plaintext(member, manifest)
        except KeyError:
            return f"{name} is missing from {BUNDLE_ZIP}"
        except (OSError, zipfile.BadZipFile) as error:
            return f"{name} cannot be read from {BUNDLE_ZIP} ({error})"
        except IntegrityError as error:
            return f"{name} in {BUNDLE_ZIP}: {error}"
    return None


def _inside(directory: Path, name: str) -> bool:
    root = directory.resolve()
    return (root / name).resolve().is_relative_to(root) and not Path(name).is_absolute()
