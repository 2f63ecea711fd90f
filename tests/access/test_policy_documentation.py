"""The policy files as the documentation describes them: a change to a policy that the README
and docs/configuration.md do not follow fails here."""

from __future__ import annotations

import re
import tomllib

import pytest

from casebook.config import REPO_ROOT

POLICIES = REPO_ROOT / "policies"
DOCUMENTS = ["README.md", "docs/configuration.md"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_each_roles_permissions_are_listed_as_in_roles_toml(document: str) -> None:
    roles = tomllib.loads((POLICIES / "roles.toml").read_text())["roles"]
    text = (REPO_ROOT / document).read_text()
    for role, entry in roles.items():
        row = re.search(rf"^\| {role} \|(?:.*\|)? ([^|]*) \|$", text, flags=re.M)
        assert row is not None, f"{document} has no row for the role {role}"
        assert row.group(1).split(", ") == entry["permissions"], (document, role)


def test_every_disclosure_setting_is_documented() -> None:
    policy = tomllib.loads((POLICIES / "disclosure.toml").read_text())
    text = (REPO_ROOT / "docs/configuration.md").read_text()
    keys = [
        f"{table}.{key}" if isinstance(values, dict) else table
        for table, values in policy.items()
        if table != "version"
        for key in (values if isinstance(values, dict) else [None])
    ]
    missing = [key for key in keys if f"`{key}`" not in text]
    assert not missing, f"docs/configuration.md does not document {missing}"
