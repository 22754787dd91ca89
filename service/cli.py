# TEMPORARY NOTE FOR HELPERS (the lead removes it): several helpers edit this tree at once.
# Do NOT commit or run git commands that change anything. Edit shared files (this one,
# app.py, cli.py, loader.py, README.md, pyproject.toml, Makefile) only with small targeted
# str_replace edits, re-reading right before each edit. Tools: /work/main/.venv/bin/.
# Full working rules: /tmp/common.md
"""The ``jixiao`` command.

Exit codes (what CI scripts rely on):

* 0 — done (loaded; conforms; query answered)
* 1 — refused: the data violates the shapes (the report is printed)
* 2 — unreadable input or a usage error (one line on stderr, nothing loaded)
* 3 — the store failed or could not be reached
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from jixiao.ingest.errors import JixiaoError, UsageError
from jixiao.ingest.iris import IriMinter

from . import loader
from .results import RDF_FORMATS, RESULT_FORMATS, render_table, serialize
from .settings import Settings
from .store import open_store

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_INVALID, EXIT_INPUT, EXIT_STORE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are a :class:`UsageError` (exit 2, one line)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _year(text: str) -> int:
    return loader.check_year(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jixiao",
        description="Knowledge graph and SPARQL service for project performance-target tables "
        "(项目支出绩效目标表).",
        epilog="Exit codes: 0 done, 1 violates the shapes, 2 unreadable input or usage error, "
        "3 store failure. Settings come from JIXIAO_* environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    store_help = (
        "a directory (embedded store), :memory:, or a SPARQL endpoint URL "
        "(default: $JIXIAO_STORE or data/store)"
    )

    p = sub.add_parser("ingest", help="parse, validate and load a table into the store")
    p.add_argument("file", type=Path, help="the source table (text extracted from the PDF)")
    p.add_argument("--year", type=_year, required=True, help="its budget year, e.g. 2025")
    p.add_argument("--store", help=store_help)

    p = sub.add_parser("seed", help="load the two bundled seed tables (2023, 2025)")
    p.add_argument("--store", help=store_help)

    p = sub.add_parser("query", help="run a SPARQL query against the store or an endpoint")
    p.add_argument("query", help="the query text, @FILE to read it from a file, or - for stdin")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--store", help=store_help)
    where.add_argument("--endpoint", help="URL of a SPARQL 1.1 endpoint to query instead")
    p.add_argument(
        "--format",
        choices=["table", *RESULT_FORMATS, *RDF_FORMATS],
        help="json, csv, tsv, xml (W3C result formats), table (for people; the default on a "
        "terminal), or turtle/ntriples/... for CONSTRUCT and DESCRIBE",
    )

    p = sub.add_parser("serve", help="serve the SPARQL endpoint and linked-data pages")
    p.add_argument("--store", help=store_help)
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default 8000)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        key: getattr(args, key)
        for key in ("store", "host", "port")
        if getattr(args, key, None) is not None
    }
    return Settings(**overrides)


def _query_text(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        try:
            return Path(arg[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read the query file {arg[1:]}: {exc.strerror}") from None
    return arg


def _ingest(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = open_store(settings.store)
    minter = IriMinter(settings.base_iri)
    result = loader.ingest_file(args.file, args.year, store, minter)
    store.close()
    print(
        f"loaded {args.file.name} ({result.year}): {result.units} funding units, "
        f"{result.projects} projects, {result.indicators} indicators, {result.triples} triples "
        f"into <{result.document}> in {result.seconds:.2f} s"
    )
    return EXIT_OK


def _seed(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = open_store(settings.store)
    minter = IriMinter(settings.base_iri)
    for data, name, year in loader.seed_files():
        result = loader.ingest_bytes(data, name, year, store, minter)
        print(
            f"loaded {name} ({year}): {result.units} funding units, {result.projects} projects, "
            f"{result.indicators} indicators"
        )
    store.close()
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
    text = _query_text(args.query)
    if args.endpoint:
        from .remote import RemoteStore

        store = RemoteStore(args.endpoint)
    else:
        store = open_store(_settings(args).store, read_only=True)
    result = store.query(text)
    fmt = args.format or ("table" if sys.stdout.isatty() else "json")
    if fmt == "table":
        sys.stdout.write(render_table(result) + "\n")
    else:
        if fmt in RDF_FORMATS and not hasattr(result, "serialize"):
            raise UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        try:
            sys.stdout.buffer.write(serialize(result, fmt))
        except ValueError:
            raise UsageError(f"--format {fmt} does not fit this kind of query") from None
    sys.stdout.flush()
    store.close()
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return EXIT_OK


COMMANDS = {"ingest": _ingest, "seed": _seed, "query": _query, "serve": _serve}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except JixiaoError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
