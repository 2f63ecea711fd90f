"""Loads and validates the policy files; any mistake in them stops start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from casebook.access.permissions import PERMISSIONS
from casebook.access.policy_files import PolicyError, read_policy
from casebook.accounts.models import ROLES
from casebook.reports.disclosure_policy import DisclosurePolicy, load_disclosure_policy

HASH_PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY")


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta
    absolute_timeout: timedelta
    api_token_lifetime: timedelta
    invitation_lifetime: timedelta
    throttle_window: timedelta
    max_failures_per_account: int
    max_failures_per_address: int
    kdf_params_per_minute: int


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int
    max_length: int
    hash_profile: str


@dataclass(frozen=True)
class Policies:
    roles: Mapping[str, frozenset[str]]
    sessions: SessionPolicy
    passwords: PasswordPolicy
    disclosure: DisclosurePolicy

    def permissions_of(self, role: str) -> frozenset[str]:
        return self.roles.get(role, frozenset())


def load_policies(directory: Path) -> Policies:
    return Policies(
        roles=_roles(read_policy(directory / "roles.toml")),
        sessions=_sessions(read_policy(directory / "sessions.toml")),
        passwords=_passwords(read_policy(directory / "passwords.toml")),
        disclosure=load_disclosure_policy(directory / "disclosure.toml"),
    )


def _roles(document: dict[str, Any]) -> dict[str, frozenset[str]]:
    roles = document.get("roles", {})
    unknown_roles = sorted(set(roles) - set(ROLES))
    if unknown_roles:
        raise PolicyError(f"roles.toml: unknown role(s) {', '.join(unknown_roles)}")
    missing = sorted(set(ROLES) - set(roles))
    if missing:
        raise PolicyError(f"roles.toml: no entry for role(s) {', '.join(missing)}")
    matrix = {}
    for role, entry in roles.items():
        granted = entry.get("permissions")
        if not isinstance(granted, list):
            raise PolicyError(f"roles.toml: role {role} needs a list of permissions")
        unknown = sorted(set(granted) - set(PERMISSIONS))
        if unknown:
            raise PolicyError(f"roles.toml: role {role} names unknown permission(s) {unknown}")
        matrix[role] = frozenset(granted)
    return matrix


def _sessions(document: dict[str, Any]) -> SessionPolicy:
    return SessionPolicy(
        idle_timeout=timedelta(minutes=_positive(document, "session", "idle_timeout_minutes")),
        absolute_timeout=timedelta(hours=_positive(document, "session", "absolute_timeout_hours")),
        api_token_lifetime=timedelta(days=_positive(document, "api_token", "lifetime_days")),
        invitation_lifetime=timedelta(hours=_positive(document, "invitation", "lifetime_hours")),
        throttle_window=timedelta(minutes=_positive(document, "throttle", "window_minutes")),
        max_failures_per_account=_positive(document, "throttle", "max_failures_per_account"),
        max_failures_per_address=_positive(document, "throttle", "max_failures_per_address"),
        kdf_params_per_minute=_positive(document, "kdf_params", "max_requests_per_minute"),
    )


def _passwords(document: dict[str, Any]) -> PasswordPolicy:
    min_length = _positive(document, "password", "min_length")
    max_length = _positive(document, "password", "max_length")
    if not 8 <= min_length <= max_length:
        raise PolicyError("passwords.toml: need 8 <= min_length <= max_length")
    profile = document.get("hashing", {}).get("profile")
    if profile not in HASH_PROFILES:
        raise PolicyError(f"passwords.toml: hashing.profile must be one of {HASH_PROFILES}")
    return PasswordPolicy(min_length, max_length, profile)


def _positive(document: dict[str, Any], table: str, key: str) -> int:
    value = document.get(table, {}).get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise PolicyError(f"[{table}] {key} must be a positive whole number")
    return value
