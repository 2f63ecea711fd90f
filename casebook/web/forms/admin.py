"""Reading the administration forms (invitations, groups, members, grants) into the values the
services take. Each form keeps what the person typed, so that a form with errors comes back
filled in; `errors` maps a field to an English message id that the page translates."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from casebook.accounts.models import ROLES
from casebook.groups.models import GROUP_ROLES
from casebook.web.forms.reading import Errors, as_uuid, string
from casebook.web.i18n import N_

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254
MAX_TEXT = 120


def text(form: Mapping[str, Any], name: str) -> str:
    return string(form.get(name)).strip()


def _check_email(errors: Errors, name: str, value: str) -> None:
    if not value:
        errors[name] = N_("Enter an email address.")
    elif len(value) > MAX_EMAIL or not EMAIL_PATTERN.match(value):
        errors[name] = N_("Enter an email address like name@example.org.")


def _check_text(errors: Errors, name: str, value: str) -> None:
    if not value:
        errors[name] = N_("Fill in this field.")
    elif len(value) > MAX_TEXT:
        errors[name] = N_("Enter at most 120 characters.")


@dataclass
class InvitationForm:
    """Who to invite, with which role, and for an organizer optionally a group to join."""

    email: str = ""
    role: str = ""
    group_id: str = ""
    group_role: str = "member"
    errors: Errors = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> InvitationForm:
        read = cls(
            email=text(form, "email"),
            role=text(form, "role"),
            group_id=text(form, "group_id"),
            group_role=text(form, "group_role") or "member",
        )
        _check_email(read.errors, "email", read.email)
        if read.role not in ROLES:
            read.errors["role"] = N_("Choose a role from the list.")
        if read.group_id and read.group is None:
            read.errors["group_id"] = N_("Choose a group from the list.")
        if read.group_id and read.group_role not in GROUP_ROLES:
            read.errors["group_role"] = N_("Choose a group role from the list.")
        return read

    @property
    def group(self) -> uuid.UUID | None:
        return as_uuid(self.group_id) if self.group_id else None

    @property
    def chosen_group_role(self) -> str | None:
        """The group role is asked for only together with a group."""
        return self.group_role if self.group is not None else None


@dataclass
class GroupForm:
    name: str = ""
    city: str = ""
    region: str = ""
    errors: Errors = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> GroupForm:
        read = cls(name=text(form, "name"), city=text(form, "city"), region=text(form, "region"))
        for name in ("name", "city", "region"):
            _check_text(read.errors, name, getattr(read, name))
        return read


@dataclass
class MemberForm:
    """An organizer account to add to a group, with their role in it."""

    user_id: str = ""
    role: str = "member"
    errors: Errors = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> MemberForm:
        read = cls(user_id=text(form, "user_id"), role=text(form, "role"))
        if read.user is None:
            read.errors["user_id"] = N_("Choose an organizer from the list.")
        if read.role not in GROUP_ROLES:
            read.errors["role"] = N_("Choose a group role from the list.")
        return read

    @property
    def user(self) -> uuid.UUID | None:
        return as_uuid(self.user_id)


@dataclass
class GrantForm:
    """The attorney a group lets read its records, by the email of their account."""

    attorney_email: str = ""
    errors: Errors = field(default_factory=dict)

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> GrantForm:
        read = cls(attorney_email=text(form, "attorney_email"))
        _check_email(read.errors, "attorney_email", read.attorney_email)
        return read
