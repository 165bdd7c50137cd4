"""The claimscope command line: thin typer commands over the library.

stdout carries data only; messages, warnings and progress go to stderr. Exit codes: 0 ok,
1 claims differ (diff only), 2 usage or input errors. spaCy is imported only by commands
that run the pipeline, so ``--help`` and ``schema`` start fast.
"""

from __future__ import annotations

import json
import signal
import sys
from collections import deque
from enum import Enum
from typing import Annotated

import typer
from rich.console import Console

from .documents import DEFAULT_MAX_BYTES
from .output import OutputError, open_output, silence_stdout

# models.CLAIM_TYPES, repeated so that --help need not build the pydantic models (a test
# keeps the two equal).
CLAIM_TYPES: tuple[str, ...] = ("statistic", "citation", "condition", "effect")

app = typer.Typer(
    name="claimscope",
    help="Extract evidence claims (effects, conditions, citations, statistics) from health "
    "articles as span-pinned JSON records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    table = "table"
    html = "html"


OutputOption = Annotated[
    str | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
]
TypesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--types",
        "-t",
        help="Claim types to keep, comma-separated or repeated: " + ", ".join(CLAIM_TYPES) + ".",
    ),
]


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or folders (.txt, .md, .html, .jsonl); '-' reads stdin."),
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.jsonl,
    types: TypesOption = None,
    output: OutputOption = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0 = all cores).")
    ] = 1,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Skip (and report) files larger than this.")
    ] = DEFAULT_MAX_BYTES,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")
    ] = False,
) -> None:
    """Extract claims from articles and write one record per claim.

    Example: claimscope extract seeds/ --types effect,statistic | jq .text
    """
    from .extraction import RunStats, extract_paths, forks_workers, freeze_pipeline, resolve_jobs
    from .render import make_writer

    wanted = parse_types(types)
    stats = RunStats()
    if resolve_jobs(jobs) == 1 or forks_workers():
        freeze_pipeline()  # this process runs the pipeline, or its workers are forks of it

    def report(error: object) -> None:
        stderr.print(f"claimscope: {error}", markup=False)

    with open_output(output) as stream, _progress(quiet) as progress:
        writer = make_writer(fmt.value, stream)

        def on_document(document, records) -> None:  # type: ignore[no-untyped-def]
            for note in document.notes:
                stderr.print(f"claimscope: {document.id}: {note}", markup=False)
            writer.add(document, records)
            progress(stats)

        records = extract_paths(
            paths,
            types=wanted,
            stats=stats,
            on_error=report,
            on_document=on_document,
            max_bytes=max_bytes,
            jobs=jobs,
            as_json=writer.as_json,
        )
        deque(records, maxlen=0)  # run it: on_document writes each document's records
        writer.close()
    if not quiet:
        stderr.print(
            f"{stats.documents} documents, {stats.claims} claims, {len(stats.skipped)} skipped",
            markup=False,
        )
    if stats.failed:
        raise typer.Exit(2)


@app.command()
def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of a claim record (the contract in claims_schema.json).

    Example: claimscope schema > claims_schema.json
    """
    from .models import claim_json_schema

    with open_output(output) as stream:
        stream.write(json.dumps(claim_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command()
def show(
    path: Annotated[str, typer.Argument(help="An article file or folder; '-' reads stdin.")],
    types: TypesOption = None,
) -> None:
    """Show an article with its claims highlighted by type, a legend and a table of claims.

    Colours on a terminal; plain text (no escape codes) when piped.

    Example: claimscope show seeds/000_3ef94f7409f58d51.txt --types effect,condition
    """
    from .extraction import RunStats, extract_paths
    from .render import show_document, stdout_console

    console, stats = stdout_console(), RunStats()
    for _ in extract_paths(
        [path],
        types=parse_types(types),
        stats=stats,
        on_error=lambda error: stderr.print(f"claimscope: {error}", markup=False),
        on_document=lambda document, records: show_document(console, document, records),
    ):
        pass
    if stats.failed:
        raise typer.Exit(2)


class DiffFormat(str, Enum):
    human = "human"
    json = "json"
    jsonl = "jsonl"


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="Old version: file, folder or extract JSONL.")],
    new: Annotated[str, typer.Argument(help="New version: file, folder or extract JSONL.")],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="human (default), json or jsonl.")
    ] = DiffFormat.human,
    show_all: Annotated[bool, typer.Option("--all", help="Also list unchanged claims.")] = False,
    types: TypesOption = None,
    output: OutputOption = None,
) -> None:
    """Compare the claims of two versions of an article (or two folders of them).

    Exit status like diff(1): 0 no claim changed, 1 claims differ, 2 trouble.

    Example: claimscope diff old.html new.html --format json | jq .summary
    """
    from . import diff as claimdiff
    from . import render_diff
    from .render import stdout_console

    try:
        result, skipped = claimdiff.diff_paths(old, new, show_all, parse_types(types))
    except claimdiff.DiffInputError as error:
        stderr.print(f"claimscope: {error}", markup=False)
        raise typer.Exit(2) from None
    with open_output(output) as stream:
        if fmt is DiffFormat.human:
            render_diff.render_human(result, stdout_console(stream, soft_wrap=True))
        else:
            (render_diff.write_json if fmt is DiffFormat.json else render_diff.write_jsonl)(
                result, stream
            )
    for error in skipped:
        stderr.print(f"claimscope: {error}", markup=False)
    raise typer.Exit(2 if skipped else int(result.differs))


def parse_types(values: list[str] | None) -> list[str] | None:
    """Claim types from ``--types`` (comma-separated or repeated); None keeps all."""
    if not values:
        return None
    wanted = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [name for name in wanted if name not in CLAIM_TYPES]
    if unknown:
        raise typer.BadParameter(
            f"unknown claim type {', '.join(unknown)} (choose from {', '.join(CLAIM_TYPES)})",
            param_hint="--types",
        )
    return wanted


class _progress:
    """A transient progress line on stderr, shown only when stderr is a terminal.

    It appears with the first document done, not before: its refresh thread must not be
    running when --jobs forks the worker processes (extraction.forks_workers).
    """

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and stderr.is_terminal
        self._progress = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __call__(self, stats) -> None:  # type: ignore[no-untyped-def]
        if self.enabled and self._progress is None:
            self._start()
        if self._progress is not None:
            self._progress.update(
                self._task,
                description=f"{stats.documents} documents, {stats.claims} claims",
            )

    def _start(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=stderr,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("extracting", total=None)

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        if self._progress is not None:
            self._progress.stop()


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM. Not a KeyboardInterrupt, which click would turn into
    "Aborted!" and exit 1; as a BaseException it still unwinds every ``with`` block, so an
    ``-o`` temp file is removed and any previous output file stays untouched."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main() -> None:
    """Console-script entry point: no tracebacks for user errors, signals or closed pipes."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        app()
    except OutputError as error:
        stderr.print(f"claimscope: {error}", markup=False)
        sys.exit(2)
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as Unix tools do.
        silence_stdout()
        sys.exit(0)
    except (Interrupted, KeyboardInterrupt) as stop:
        signum = stop.signum if isinstance(stop, Interrupted) else signal.SIGINT
        stderr.print("claimscope: interrupted", markup=False)
        sys.exit(128 + signum)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM
