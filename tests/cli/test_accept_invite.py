"""`casebook accept-invite` against a real server: the invitee sets a password, then logs in."""

from __future__ import annotations

from pathlib import Path

from casebook.accounts.service import invite
from casebook.runtime import Runtime
from tests.cli.conftest import LiveServer, call, invoke
from tests.conftest import World
from tests.log_scan import never_log

NEW_PASSWORD = "lanterns over the harbour at dusk"


def invitation_for(live_server: LiveServer, email: str) -> str:
    async def work(runtime: Runtime) -> str:
        world = World(runtime)
        admin = await world.account("admin")
        group = await world.group("Colectiva Norte")
        async with runtime.sessions() as session, session.begin():
            _, token = await invite(
                session,
                runtime,
                await world.actor(admin),
                email=email,
                role="organizer",
                group_id=group.id,
                group_role="member",
            )
        return token

    token = call(live_server.settings, work)
    never_log(token)
    return token


def test_an_invitee_accepts_and_then_logs_in(live_server: LiveServer, tmp_path: Path) -> None:
    token = invitation_for(live_server, "nayeli@example.org")
    accepted = invoke(
        ["accept-invite", "--server", live_server.url, "--name", "Nayeli"],
        input=f"{token}\n{NEW_PASSWORD}\n",
    )
    assert accepted.exit_code == 0, accepted.output
    assert "organizer account nayeli@example.org is ready" in accepted.output
    assert token not in accepted.output
    assert NEW_PASSWORD not in accepted.output
    logged_in = invoke(
        ["login", "--server", live_server.url, "--email", "nayeli@example.org"],
        input=f"{NEW_PASSWORD}\n",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    assert logged_in.exit_code == 0, logged_in.output


def test_a_used_invitation_and_a_weak_password_are_refused(live_server: LiveServer) -> None:
    token = invitation_for(live_server, "ximena@example.org")
    weak = invoke(
        ["accept-invite", "--server", live_server.url, "--name", "Ximena"],
        input=f"{token}\nshort\n",
    )
    assert weak.exit_code != 0
    assert "password" in weak.output
    assert "at least 15 characters" in weak.output
    first = invoke(
        ["accept-invite", "--server", live_server.url, "--name", "Ximena"],
        input=f"{token}\n{NEW_PASSWORD}\n",
    )
    assert first.exit_code == 0, first.output
    again = invoke(
        ["accept-invite", "--server", live_server.url, "--name", "Ximena"],
        input=f"{token}\n{NEW_PASSWORD}\n",
    )
    assert again.exit_code != 0
    assert "invalid, used or expired" in again.output
