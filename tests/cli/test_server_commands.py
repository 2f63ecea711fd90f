"""The server-side commands against a real, migrated database: accounts, invitations, the
audit log and the schema."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import click
import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from casebook.accounts.models import User
from casebook.app import create_app
from casebook.audit.log import record
from casebook.audit.models import AuditEvent
from casebook.cli.main import cli
from casebook.config import Settings
from casebook.db import transaction, utcnow
from casebook.groups.models import Group, Membership
from casebook.runtime import Runtime
from tests.cli.conftest import call, free_port, invoke
from tests.conftest import BASE_URL, PASSWORD
from tests.databases import POSTGRES_URL, DatabaseFactory

INVITE_X = ["user", "invite", "--email", "x@example.org"]
TOKEN = re.compile(r"\bcbi_[A-Za-z0-9_-]{20,}")


def create_admin(email: str = "admin@example.org", password: str = PASSWORD) -> None:
    result = invoke(["admin", "create", "--email", email, "--name", "Ana"], input=f"{password}\n")
    assert result.exit_code == 0, result.output


def find_user(settings: Settings, email: str) -> User | None:
    async def work(runtime: Runtime) -> User | None:
        async with runtime.sessions() as session:
            return await session.scalar(select(User).where(User.email == email))

    return call(settings, work)


def add_group(settings: Settings, name: str) -> uuid.UUID:
    async def work(runtime: Runtime) -> uuid.UUID:
        async with transaction(runtime.sessions) as session:
            group = Group(name=name, city="Seattle", region="Washington")
            session.add(group)
        return group.id

    return call(settings, work)


def test_admin_create_reads_the_password_from_stdin(server_settings: Settings) -> None:
    result = invoke(
        ["admin", "create", "--email", " Admin@Example.org ", "--name", "Ana"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account admin@example.org." in result.stdout
    assert PASSWORD not in result.output
    user = find_user(server_settings, "admin@example.org")
    assert user is not None
    assert (user.role, user.display_name) == ("admin", "Ana")

    async def verifies(runtime: Runtime) -> bool:
        return await runtime.hasher.verify(user.password_hash, PASSWORD)

    assert call(server_settings, verifies)


def test_a_weak_password_is_refused_with_the_field_message(server_settings: Settings) -> None:
    result = invoke(
        ["admin", "create", "--email", "admin@example.org", "--name", "Ana"], input="hunter2\n"
    )
    assert result.exit_code == 2
    assert "password: must be at least 15 characters long" in result.stderr
    assert find_user(server_settings, "admin@example.org") is None


def test_a_duplicate_admin_names_the_email_option(server_settings: Settings) -> None:
    create_admin()
    result = invoke(
        ["admin", "create", "--email", "admin@example.org", "--name", "Ana"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 2
    assert "--email: an account with this email already exists" in result.stderr


def test_no_password_is_read_from_standard_input_that_is_empty(server_settings: Settings) -> None:
    result = invoke(["admin", "create", "--email", "admin@example.org", "--name", "Ana"], input="")
    assert result.exit_code == 1
    assert "No password on standard input" in result.stderr


def test_no_command_takes_a_password_or_token_on_the_command_line() -> None:
    result = invoke(
        ["admin", "create", "--email", "a@example.org", "--name", "A", "--password", PASSWORD]
    )
    assert result.exit_code == 2
    assert "No such option '--password'" in result.stderr

    def options(command: click.Command, path: str) -> list[tuple[str, str]]:
        found = [(path, o) for p in command.params for o in p.opts]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += options(sub, f"{path} {name}")
        return found

    everything = options(cli, "casebook")
    assert len(everything) > 40  # the walk reached the subcommands
    secret_options = [(p, o) for p, o in everything if re.search("pass|token|secret", o)]
    assert secret_options == []


def test_every_command_and_option_has_help() -> None:
    def undocumented(command: click.Command, path: str) -> list[str]:
        missing = [] if (command.help or "").strip() else [path]
        missing += [
            f"{path} {p.opts[0]}"
            for p in command.params
            if isinstance(p, click.Option) and not (p.help or "").strip()
        ]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                missing += undocumented(sub, f"{path} {name}")
        return missing

    assert undocumented(cli, "casebook") == []


def test_an_invitation_token_from_the_cli_is_accepted_by_the_api(
    server_settings: Settings,
) -> None:
    create_admin()
    group_id = add_group(server_settings, "Colectiva Norte")
    args = ["user", "invite", "--email", "Rosa@Example.org", "--role", "organizer"]
    result = invoke([*args, "--group", "Colectiva Norte", "--group-role", "member"])
    assert result.exit_code == 0, result.output
    tokens = TOKEN.findall(result.stdout)
    assert len(tokens) == 1
    assert "rosa@example.org" in result.stdout
    assert re.search(r"expires \d{4}-\d\d-\d\d \d\d:\d\d UTC", result.stdout)

    with TestClient(create_app(server_settings), base_url=BASE_URL) as client:
        accepted = client.post(
            "/api/v1/invitations/accept",
            json={"token": tokens[0], "display_name": "Rosa", "password": PASSWORD},
        )
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["role"] == "organizer"
        again = client.post(
            "/api/v1/invitations/accept",
            json={"token": tokens[0], "display_name": "Rosa", "password": PASSWORD},
        )
        assert again.status_code == 422

    async def membership(runtime: Runtime) -> Membership | None:
        async with runtime.sessions() as session:
            return await session.scalar(select(Membership).where(Membership.group_id == group_id))

    joined = call(server_settings, membership)
    assert joined is not None
    assert joined.role == "member"


def test_an_invitation_names_its_admin_in_the_audit_log(server_settings: Settings) -> None:
    create_admin("first@example.org")
    create_admin("second@example.org")
    ambiguous = invoke(["user", "invite", "--email", "x@example.org", "--role", "researcher"])
    assert ambiguous.exit_code == 1
    assert "--as ADMIN_EMAIL" in ambiguous.stderr
    unknown = invoke([*INVITE_X, "--role", "researcher", "--as", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "not an active admin account" in unknown.stderr

    result = invoke([*INVITE_X, "--role", "researcher", "--as", "Second@example.org"])
    assert result.exit_code == 0, result.output
    second = find_user(server_settings, "second@example.org")
    assert second is not None

    async def invitation_events(runtime: Runtime) -> list[AuditEvent]:
        async with runtime.sessions() as session:
            query = select(AuditEvent).where(AuditEvent.action == "invitation.create")
            return list(await session.scalars(query))

    assert [e.actor_id for e in call(server_settings, invitation_events)] == [second.id]


def test_an_invitation_needs_an_admin_and_a_known_group(server_settings: Settings) -> None:
    nobody = invoke(["user", "invite", "--email", "x@example.org", "--role", "organizer"])
    assert nobody.exit_code == 1
    assert "casebook admin create" in nobody.stderr
    create_admin()
    no_group = invoke(
        [*INVITE_X, "--role", "organizer", "--group", "Nowhere", "--group-role", "member"]
    )
    assert no_group.exit_code == 2
    assert "--group: no group named 'Nowhere'" in no_group.stderr
    add_group(server_settings, "Somewhere")
    wrong_role = invoke(
        [*INVITE_X, "--role", "attorney", "--group", "Somewhere", "--group-role", "member"]
    )
    assert wrong_role.exit_code == 2
    assert "--group: only organizers join a group by invitation" in wrong_role.stderr
    half = invoke([*INVITE_X, "--role", "organizer", "--group", "Somewhere"])
    assert half.exit_code == 2
    assert "--group and --group-role together" in half.stderr
    assert TOKEN.search(no_group.output + wrong_role.output + half.output) is None


def test_user_disable(server_settings: Settings) -> None:
    create_admin()
    create_admin("organizer@example.org")  # any account will do; role does not matter here
    result = invoke(["user", "disable", "Organizer@example.org", "--as", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "Disabled organizer@example.org" in result.stdout
    disabled = find_user(server_settings, "organizer@example.org")
    assert disabled is not None
    assert disabled.disabled_at is not None

    again = invoke(["user", "disable", "organizer@example.org"])  # the only active admin acts
    assert again.exit_code == 0, again.output
    assert "already disabled" in again.stdout
    unknown = invoke(["user", "disable", "ghost@example.org"])
    assert unknown.exit_code == 1
    assert "No account has the email ghost@example.org" in unknown.stderr
    yourself = invoke(["user", "disable", "admin@example.org"])
    assert yourself.exit_code == 2
    assert "you cannot disable your own account" in yourself.stderr


def test_audit_verify_says_intact_and_notices_a_break(server_settings: Settings) -> None:
    create_admin()
    intact = invoke(["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert intact.stdout.strip() == "audit log intact: 1 entries verified"

    async def forge(runtime: Runtime) -> None:
        """An entry appended without the chain: what a writer bypassing Casebook leaves."""
        async with transaction(runtime.sessions) as session:
            genuine = await record(session, actor_id=None, action="test.genuine")
            session.add(
                AuditEvent(
                    seq=genuine + 1,
                    occurred_at=utcnow(),
                    actor_id=None,
                    action="test.forged",
                    outcome="ok",
                    target_type=None,
                    target_id=None,
                    details="{}",
                    prev_hash="f" * 64,
                    hash="e" * 64,
                )
            )

    call(server_settings, forge)
    broken = invoke(["audit", "verify"])
    assert broken.exit_code == 1
    assert "audit log BROKEN at entry 3" in broken.stdout


def test_db_check_passes_on_a_migrated_database(server_settings: Settings) -> None:
    result = invoke(["db", "check"])
    assert result.exit_code == 0, result.output
    assert "models match" in result.stdout


def empty_database(databases: DatabaseFactory, tmp_path: Path) -> str:
    if POSTGRES_URL:
        return databases.create_empty(f"casebook_test_{uuid.uuid4().hex[:12]}")
    (tmp_path / "empty.sqlite3").touch()
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"


def test_db_upgrade_creates_the_schema_the_other_commands_need(
    server_settings: Settings,
    databases: DatabaseFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", empty_database(databases, tmp_path))
    refused = invoke(
        ["admin", "create", "--email", "a@example.org", "--name", "A"], input=f"{PASSWORD}\n"
    )
    assert refused.exit_code == 1
    assert "run `casebook db upgrade` first" in refused.stderr
    unchecked = invoke(["db", "check"])
    assert unchecked.exit_code == 1
    assert "not at the newest migration" in unchecked.stderr

    upgraded = invoke(["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "newest schema" in upgraded.stdout
    assert invoke(["db", "check"]).exit_code == 0
    assert invoke(["db", "upgrade"]).exit_code == 0  # idempotent
    create_admin("a@example.org")


def test_a_missing_sqlite_database_is_not_created_by_accident(
    server_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "typo" / "casebook.sqlite3"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", f"sqlite+aiosqlite:///{missing}")
    result = invoke(["audit", "verify"])
    assert result.exit_code == 1
    assert f"There is no database at {missing}" in result.stderr
    assert not missing.exists()


def test_an_unreachable_database_server_is_a_message_not_a_traceback(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = f"postgresql+asyncpg://casebook:hunter2@127.0.0.1:{free_port()}/casebook"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", closed)
    for command in (["audit", "verify"], ["db", "upgrade"], ["db", "check"]):
        result = invoke(command)
        assert result.exit_code == 1, result.output
        assert "Could not open the database postgresql+asyncpg://casebook:***@" in result.stderr
        assert "hunter2" not in result.output


def test_unknown_settings_are_reported(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEBOOK_DATABSE_URL", "typo")
    result = invoke(["audit", "verify"])
    assert result.exit_code == 1
    assert "unknown setting(s): CASEBOOK_DATABSE_URL" in result.stderr


def test_demo_fills_an_empty_database_only(server_settings: Settings) -> None:
    result = invoke(["demo", "--seed", "3", "--incidents", "25"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Demo data: \d+ groups, \d+ people, \d+ protected activities, 25 incidents", result.stdout
    )
    assert re.search(r"^  \S+@\S+\s+organizer\s+\S", result.stdout, re.MULTILINE)
    again = invoke(["demo", "--seed", "4"])
    assert again.exit_code == 1
    assert "already holds accounts or records" in again.stderr


def test_demo_is_never_added_next_to_real_accounts(server_settings: Settings) -> None:
    create_admin()
    result = invoke(["demo"])
    assert result.exit_code == 1
    assert "already holds accounts or records" in result.stderr
