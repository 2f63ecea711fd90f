"""Recovery drills against a real server with evidence in the vault: a reader who changes their
password, and a reader who forgot theirs and recovers with the recovery code from their
emergency kit, still open every piece of evidence afterwards, with the new password only.
(The escrow-paper drill is in test_vault_commands.py.)"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from casebook.db import transaction
from casebook.groups.models import Group
from casebook.runtime import Runtime
from tests.cli.conftest import call
from tests.cli.evidence_scenario import (
    Person,
    Scenario,
    added_ids,
    module_server,
    sample,
    scenario,
)
from tests.conftest import PASSWORD, World

__all__ = ["module_server", "scenario"]  # module-scoped fixtures

NEW_PASSWORD = "lanterns drift past the old mill"
RECOVERY_CODE_TEXT = re.compile(r"Recovery code:\s+(CBRC1-[0-9A-Z-]+)")


@dataclass(frozen=True)
class Evidence:
    """Files a writer added, by attachment id: name and content."""

    files: dict[str, tuple[str, bytes]]


@pytest.fixture(scope="module")
def evidence(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    folder = tmp_path_factory.mktemp("evidence")
    video, note = folder / "video.mp4", folder / "note.txt"
    contents = {video.name: sample(video, 200_000), note.name: sample(note, 700)}
    added = scenario.beto.unlocked(["evidence", "add", scenario.incident_id, str(video), str(note)])
    ids = added_ids(added)
    assert len(ids) == 2, added.output
    names = (video.name, note.name)
    return Evidence({i: (name, contents[name]) for i, name in zip(ids, names, strict=True)})


def get_everything(person: Person, evidence: Evidence, password: str, into: Path) -> None:
    """`evidence get` of every file, unlocked with `password`; each must match what was added."""
    for attachment_id, (name, content) in evidence.files.items():
        out = into / attachment_id
        out.mkdir(parents=True)
        got = person.ok(["evidence", "get", attachment_id, "-o", str(out)], password)
        assert "signature, hashes and decryption verified" in got.stdout
        assert (out / name).read_bytes() == content


def refused_get(person: Person, evidence: Evidence, password: str, into: Path) -> str:
    """`evidence get` of one file unlocked with `password`, which must be refused without
    writing anything; the refusal's message."""
    attachment_id = next(iter(evidence.files))
    into.mkdir()
    refused = person.run(["evidence", "get", attachment_id, "-o", str(into)], password)
    assert refused.exit_code == 1
    assert list(into.iterdir()) == [], "nothing is written"
    return refused.stderr


def test_a_reader_who_changed_their_password_opens_all_evidence_with_the_new_one(
    scenario: Scenario, evidence: Evidence, tmp_path: Path
) -> None:
    ana = scenario.ana
    changed = ana.ok(["password", "change"], PASSWORD, NEW_PASSWORD)
    assert "Your password is changed." in changed.stdout

    get_everything(ana, evidence, NEW_PASSWORD, tmp_path / "new")
    refused = refused_get(ana, evidence, PASSWORD, tmp_path / "old")
    assert "Wrong password: your keys do not open with it and this device's Secret Key." in (
        refused
    )


def new_reader(scenario: Scenario, home: Path) -> tuple[Person, str]:
    """Marta joins the group, logs in for the first time (her emergency kit is printed) and
    Rosa makes her a reader of the vault. Marta, and her recovery code as the kit showed it."""
    email = "marta@example.org"

    async def build(runtime: Runtime) -> str:
        async with transaction(runtime.sessions) as session:
            group = await session.get(Group, uuid.UUID(scenario.group_id))
        assert group is not None
        account = await World(runtime).account("organizer", groups={group: "member"}, email=email)
        return str(account.id)

    user_id = call(scenario.server.settings, build)
    marta = Person("marta", email, user_id, home)
    kit = marta.ok(["login", "--server", scenario.server.url, "--email", email], PASSWORD, "")
    code = RECOVERY_CODE_TEXT.search(kit.stdout)
    assert code is not None, kit.stdout
    scenario.rosa.unlocked(["vault", "add-reader", scenario.group_id, user_id])
    return marta, code.group(1)


def test_a_reader_who_recovered_with_the_recovery_code_opens_all_evidence(
    scenario: Scenario, evidence: Evidence, tmp_path: Path
) -> None:
    marta, code = new_reader(scenario, tmp_path / "marta")
    recover = ["recover", "--server", scenario.server.url, "--email", marta.email]

    recovered = marta.ok(recover, code, NEW_PASSWORD)
    assert "Your password is changed and you are logged in." in recovered.stdout
    new_code = RECOVERY_CODE_TEXT.search(recovered.stdout)
    assert new_code is not None, recovered.stdout
    assert new_code.group(1) != code, "a new kit, with a new recovery code"

    get_everything(marta, evidence, NEW_PASSWORD, tmp_path / "new")
    assert "Wrong password" in refused_get(marta, evidence, PASSWORD, tmp_path / "old")
    reused = marta.run(recover, code, "yet another long passphrase here")
    assert reused.exit_code == 1
    assert "Email or recovery code is incorrect." in reused.stderr
