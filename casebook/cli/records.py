"""What the incident, person and activity commands share: listing page by page, showing one
record, editing against a version (and explaining a conflict when someone else saved first),
and naming the server's field errors by the options that set those fields."""

from __future__ import annotations

import json
import re
import shlex
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, TypeVar

import click

from casebook.cli.api_client import Api, ApiError
from casebook.cli.connection import logged_in
from casebook.cli.output import echo_fields, echo_table, printable, shorten

MAX_PAGE = 200
RAW_ARGS = "casebook.raw_args"

Record = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Any])


def _as_stored(name: str, record: Record) -> Any:
    return record.get(name)


@dataclass(frozen=True)
class Kind:
    """One kind of record as the command line shows and edits it. Its commands name each
    option's value (click's `dest`) after the API field or list parameter it sets, so that
    the server's field errors can be told by option."""

    noun: str
    plural: str
    columns: tuple[str, ...]
    row: Callable[[Record], tuple[str, ...]]
    details: Callable[[Record], list[tuple[str, str]]]
    # The long free text shown after the details (narrative, notes, description).
    text: str
    # A field's value on the server in the form an edit sends it.
    as_sent: Callable[[str, Record], Any] = field(default=_as_stored)

    @property
    def path(self) -> str:
        return f"/api/v1/{self.plural}"

    def url(self, record_id: uuid.UUID | str) -> str:
        return f"{self.path}/{record_id}"


def option_for(name: str) -> str:
    """The running command's option for API field `name`: `people[2].role` -> `--person #3`.
    A name no option sets stays as it is."""
    ctx = click.get_current_context()
    options = {p.name: p.opts[0] for p in ctx.command.params if isinstance(p, click.Option)}
    match = re.fullmatch(r"(\w+)(?:\[(\d+)\])?.*", name)
    if match is None or match[1] not in options:
        return name
    label = options[match[1]]
    return f"{label} #{int(match[2]) + 1}" if match[2] is not None else label


def stacked(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click decorators as one, applied so that --help lists them in this order."""

    def decorate(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return decorate


def text_options(name: str, meaning: str, what: str, *, editing: bool = False) -> Callable[[F], F]:
    """--NAME TEXT and --NAME-file PATH: two ways to give one long text."""
    blank = f" --{name} '' clears it." if editing else ""
    return stacked(
        click.option(f"--{name}", help=meaning + blank),
        click.option(
            f"--{name}-file",
            type=click.File("r", encoding="utf-8"),
            metavar="PATH",
            help=f"Read {what} from a file, or from standard input with '-'. The file is only "
            "read, never changed.",
        ),
    )


def groups_option(help: str, *, editing: bool) -> Callable[[F], F]:
    """--group GROUP_ID, repeatable; required when adding."""
    return click.option(
        "--group",
        "group_ids",
        type=click.UUID,
        multiple=True,
        required=not editing,
        metavar="GROUP_ID",
        help=help,
    )


def your_groups_option(role: str, *, editing: bool) -> Callable[[F], F]:
    replaced = " Replaces the links to your groups; links to groups you are not in stay."
    return groups_option(
        f"Id of your group {role}. Repeat for several." + (replaced if editing else ""),
        editing=editing,
    )


def with_text(options: Mapping[str, Any], name: str) -> dict[str, Any]:
    """`options` with the text of --NAME or --NAME-file as NAME."""
    values = dict(options)
    inline, source = values.pop(name), values.pop(f"{name}_file")
    if inline is not None and source is not None:
        raise click.UsageError(f"Give --{name} or --{name}-file, not both.")
    values[name] = source.read() if source is not None else inline
    return values


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values an option was given for (not None, not an unused repeatable option), in the
    form the API takes."""
    return {name: _json(value) for name, value in values.items() if value not in (None, ())}


def _json(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_json(item) for item in value]
    if isinstance(value, uuid.UUID | date):
        return str(value)
    return value


@contextmanager
def talking() -> Iterator[Api]:
    """An Api for the stored login; the server's field errors are named by option."""
    with logged_in() as api:
        try:
            yield api
        except ApiError as error:
            error.errors = [(option_for(name), message) for name, message in error.errors]
            raise


# Listing


def listing_options(kind: Kind) -> Callable[[F], F]:
    """--limit, --all and --json, as every list command has them."""
    return stacked(
        click.option(
            "--limit",
            type=click.IntRange(1, MAX_PAGE),
            default=50,
            show_default=True,
            help=f"How many {kind.plural} to show (per request with --all).",
        ),
        click.option("--all", "everything", is_flag=True, help=f"Show every matching {kind.noun}."),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print one JSON object per line instead of a table.",
        ),
    )


def list_records(
    kind: Kind, filters: Mapping[str, Any], limit: int, everything: bool, as_json: bool
) -> None:
    """Print the matching records as a table or JSON lines; say on stderr when none match or
    when more match than were shown."""
    params = {name: str(value) for name, value in given(filters).items()}
    rows: list[tuple[str, ...]] = []
    more, count = False, 0
    with talking() as api:
        for item, more_match in _pages(api, kind, params, limit, everything):
            count, more = count + 1, more_match
            if as_json:
                click.echo(json.dumps(item, sort_keys=True))
            else:
                rows.append(kind.row(item))
    if rows:
        echo_table(kind.columns, rows)
    if count == 0:
        click.echo(f"No {kind.plural} match.", err=True)
    if more:
        click.echo(f"More {kind.plural} match: use --all, a larger --limit, or filters.", err=True)


def _pages(
    api: Api, kind: Kind, params: dict[str, str], limit: int, everything: bool
) -> Iterator[tuple[Record, bool]]:
    """Each record, and whether more match than were fetched (known at the last one)."""
    cursor: str | None = None
    while True:
        extra = {"limit": str(limit)} | ({} if cursor is None else {"cursor": cursor})
        page = api.get(kind.path, params | extra)
        items, cursor = page["items"], page["next_cursor"]
        for index, item in enumerate(items):
            yield item, not everything and cursor is not None and index == len(items) - 1
        if not everything or cursor is None:
            return


# Showing


def show_command(kind: Kind, what: str) -> click.Command:
    """`casebook KIND show ID [--json]`."""

    @click.command("show", help=f"Show one {kind.noun} in full: {what}.")
    @click.argument("record_id", metavar="ID", type=click.UUID)
    @click.option("--json", "as_json", is_flag=True, help=f"Print the {kind.noun} as JSON.")
    def show(record_id: uuid.UUID, as_json: bool) -> None:
        with talking() as api:
            item = api.get(kind.url(record_id))
        if as_json:
            click.echo(json.dumps(item, indent=2, sort_keys=True))
            return
        echo_fields([*kind.details(item), ("Version", str(item["version"]))])
        if item[kind.text]:
            click.echo("")
            for line in item[kind.text].splitlines():
                click.echo(printable(line))

    return show


# Adding and editing

Fields = Callable[[dict[str, Any]], dict[str, Any]]
Options = Callable[[Callable[..., Any]], Callable[..., Any]]


def add_command(
    kind: Kind,
    options: Options,
    fields: Fields,
    help: str,
    then: Callable[[Record], None] | None = None,
) -> click.Command:
    """`casebook KIND add [OPTIONS]`: post the fields the options give, print the new id."""

    @click.command("add", help=help)
    @options
    def add(**given_options: Any) -> None:
        body = fields(given_options)  # usage errors before the server is contacted
        with talking() as api:
            created = api.post(kind.path, body)
        click.echo(created["id"])
        if then is not None:
            then(created)

    return add


def edit_command(kind: Kind, options: Options, fields: Fields, help: str) -> click.Command:
    """`casebook KIND edit ID [--version N] [OPTIONS]`: change only the fields given."""

    @click.command("edit", cls=EditCommand, help=help)
    @click.argument("record_id", metavar="ID", type=click.UUID)
    @version_option(kind)
    @options
    def edit(record_id: uuid.UUID, version: int | None, **given_options: Any) -> None:
        edit_record(kind, record_id, version, fields(given_options))

    return edit


class EditCommand(click.Command):
    """An edit command: keeps the words it was run with, to print them back with the right
    --version when someone else saved first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[RAW_ARGS] = list(args)
        return super().parse_args(ctx, args)


def version_option(kind: Kind) -> Callable[[F], F]:
    return click.option(
        "--version",
        type=click.IntRange(min=1),
        metavar="N",
        help=f"The version of the {kind.noun} your changes are based on (`casebook {kind.noun} "
        "show` prints it). An edit is always made against a version: if someone else saved "
        "since, nothing is changed and you are told what differs. Without --version the "
        "current version is looked up first, so your changes replace whatever is there now.",
    )


def edit_record(
    kind: Kind, record_id: uuid.UUID, version: int | None, changes: dict[str, Any]
) -> None:
    """Send `changes` (only the fields to change) as an edit of `version`."""
    if not changes:
        raise click.UsageError(
            f"Nothing to change: give at least one option (see `casebook {kind.noun} edit --help`)."
        )
    with talking() as api:
        if version is None:
            version = int(api.get(kind.url(record_id))["version"])
        try:
            # Api has no patch() of its own yet.
            saved = api.patch(kind.url(record_id), {"version": version, **changes})
        except ApiError as error:
            if error.status != 409:
                raise
            current = api.get(kind.url(record_id))
            raise EditConflict(kind, record_id, version, changes, current) from error
    click.echo(f"Saved {kind.noun} {saved['id']}: it is now at version {saved['version']}.")


class EditConflict(click.ClickException):
    """Someone else saved first: what now differs, and the command that applies the edit to
    the current version. Exit status 1."""

    def __init__(
        self,
        kind: Kind,
        record_id: uuid.UUID,
        version: int,
        changes: Mapping[str, Any],
        current: Record,
    ) -> None:
        now = current["version"]
        headline = (
            f"someone else changed {kind.noun} {record_id} after version {version}"
            if version < now
            else f"{kind.noun} {record_id} has no version {version} yet"
        )
        self.lines = [
            f"Error: {headline}; it is now at version {now}.",
            "Your changes were NOT applied: nothing was saved.",
        ]
        differing = [
            (name, kind.as_sent(name, current), sent)
            for name, sent in changes.items()
            if _comparable(kind.as_sent(name, current)) != _comparable(sent)
        ]
        if differing:
            self.lines.append("Of the fields you tried to change, these now hold other values:")
            for name, held, sent in differing:
                self.lines += [
                    f"  {option_for(name)}",
                    f"      on the server now: {_shown(held)}",
                    f"      you sent:          {_shown(sent)}",
                ]
        else:
            self.lines.append("The fields you tried to change already hold what you sent.")
        retry, piped = _retry(now)
        self.lines += [
            f"See everything as it is now: casebook {kind.noun} show {record_id}",
            f"To apply your changes to version {now}, run:",
            f"  {retry}",
        ]
        if piped:
            self.lines.append("  (with the same text piped to standard input again)")
        super().__init__(self.lines[0])

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, err=True)


def _comparable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return sorted({json.dumps(item, sort_keys=True) for item in value})
    return value.strip() if isinstance(value, str) else value


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(nothing)"
    if isinstance(value, list):
        return shorten(", ".join(_shown(item) for item in value), 200)
    if isinstance(value, dict):
        return shorten(":".join(str(part) for part in value.values()), 100)
    return shorten(str(value), 60)


def _retry(version: int) -> tuple[str, bool]:
    """The command as it was run, with --version VERSION; and whether it read a text from
    standard input (which the retry needs piped in again)."""
    ctx = click.get_current_context()
    takes_value = {
        name
        for param in ctx.command.params
        if isinstance(param, click.Option) and not param.is_flag
        for name in param.opts
    }
    words: list[str] = []
    piped = False
    rest = iter(ctx.meta.get(RAW_ARGS, []))
    for word in rest:
        if word == "--":
            words += [word, *rest]
        elif word == "--version":
            next(rest, None)
        elif not word.startswith("--version="):
            words.append(word)
            piped = piped or word.endswith("-file=-")
            if word in takes_value:
                words.append(next(rest, ""))
                piped = piped or (word.endswith("-file") and words[-1] == "-")
    return shlex.join([*ctx.command_path.split(), *words, "--version", str(version)]), piped
