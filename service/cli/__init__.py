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
from typing import TYPE_CHECKING

from jixiao.ingest.errors import JixiaoError, UsageError, ValidationFailed

if TYPE_CHECKING:  # the commands import what they need when they run: `jixiao --help` is fast
    from jixiao.service.settings import Settings
    from jixiao.service.store.base import Store
    from jixiao.service.store.endpoint import EndpointClient

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_INVALID, EXIT_INPUT, EXIT_STORE = 0, 1, 2, 3

# The formats each command writes (tests hold them to the modules that write them).
QUERY_FORMATS = ("table", "json", "xml", "csv", "tsv")
RDF_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig")
DIFF_FORMATS = ("table", "json", "csv")
VALIDATE_FORMATS = ("text", "turtle", "json-ld", "junit", "github", "sarif")


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are a :class:`UsageError` (exit 2, one line)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _year(text: str) -> int:
    from jixiao.ingest.years import check_year

    return check_year(text)


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

    p = sub.add_parser(
        "ingest",
        help="parse, validate and load tables into the store",
        description="Parse, validate and load source tables. One file loads in one transaction "
        "and relinks the series; several files (or folders of *.txt, *.xlsx, *.xls, *.pdf) are "
        "prepared in parallel and loaded batch by batch, then linked once. Each file is read by "
        "what its content is (a text table, an XLSX or XLS workbook, a PDF with a text layer), "
        "not by its name. Exit 0 all loaded, 1 some refused by the shapes (the rest loaded), "
        "2 unreadable input or usage error.",
    )
    p.add_argument(
        "file",
        type=Path,
        nargs="+",
        help="the source table (text, XLSX, XLS or PDF); several files or folders for a corpus",
    )
    p.add_argument(
        "--year",
        type=_year,
        help="the budget year, e.g. 2025; without it, each file's year is read from a folder's "
        "manifest.json or from the file name (…-2025.txt)",
    )
    p.add_argument("--store", help=store_help)
    p.add_argument(
        "--fail-on",
        choices=["violation", "warning"],
        default="violation",
        help="refuse the table on violations (the default), or on warnings too",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar, even on a terminal")

    p = sub.add_parser(
        "validate",
        help="check tables (or RDF graphs) against the SHACL shapes; nothing is loaded",
        description="Validate source tables, or RDF graphs (.ttl, .jsonld, .nt), against the "
        "jixiao shapes: one report per file, and a summary line when there are several. "
        "Exit 0 all conform (warnings allowed unless --fail-on warning), 1 violations, "
        "2 a file could not be read (the others are still checked and reported) or usage error.",
    )
    p.add_argument(
        "file",
        type=Path,
        nargs="+",
        help="source tables or RDF files (.ttl/.jsonld/.nt); folders for all of theirs",
    )
    p.add_argument(
        "--year",
        type=_year,
        help="the tables' budget year, e.g. 2025; without it, each table's year is read from "
        "its folder's manifest.json or from its name (…-2025.txt)",
    )
    p.add_argument(
        "--format",
        choices=VALIDATE_FORMATS,
        default="text",
        help="text (for people, grouped by project; the default), the sh:ValidationReport as "
        "turtle or json-ld, or for CI: junit (JUnit XML), github (workflow commands that "
        "annotate the file and line), sarif (SARIF 2.1.0)",
    )
    p.add_argument(
        "--fail-on",
        choices=["violation", "warning"],
        default="violation",
        help="exit 1 on violations (the default), or on warnings too",
    )
    p.add_argument(
        "--engine",
        choices=["oxigraph", "pyshacl"],
        default="oxigraph",
        help="oxigraph: the shapes compiled to SPARQL (the default, fast); pyshacl: the "
        "reference validator (same report, slower)",
    )
    p.add_argument(
        "--shapes",
        type=Path,
        metavar="EXTRA.ttl",
        help="your own SHACL shapes, run with the built-in ones (the report says which engine "
        "runs each)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar, even on a terminal")

    p = sub.add_parser("seed", help="load the two bundled seed tables (2023, 2025)")
    p.add_argument("--store", help=store_help)

    p = sub.add_parser("query", help="run a SPARQL query against the store or an endpoint")
    p.add_argument("query", help="the query text, @FILE to read it from a file, or - for stdin")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--store", help=store_help)
    where.add_argument("--endpoint", help="URL of a SPARQL 1.1 endpoint to query instead")
    p.add_argument(
        "--format",
        choices=[*QUERY_FORMATS, *RDF_FORMATS],
        help="json, csv, tsv, xml (W3C result formats), table (for people; the default on a "
        "terminal), or turtle/ntriples/... for CONSTRUCT and DESCRIBE",
    )

    p = sub.add_parser("diff", help="compare two budget years: recurring, new, dropped, targets")
    p.add_argument("year_a", metavar="YEAR_A", type=_year, help="the earlier budget year")
    p.add_argument("year_b", metavar="YEAR_B", type=_year, help="the later budget year")
    p.add_argument("--unit", help="only this funding unit (its name as written)")
    p.add_argument(
        "--format", choices=DIFF_FORMATS, default="table", help="table (default), json, csv"
    )
    p.add_argument("--store", help=store_help)

    p = sub.add_parser("serve", help="serve the SPARQL endpoint and linked-data pages")
    p.add_argument("--store", help=store_help)
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default 8000)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from jixiao.service.settings import Settings
    from jixiao.shapes.compiled.cache import use_cache_dir

    overrides = {
        key: getattr(args, key)
        for key in ("store", "host", "port")
        if getattr(args, key, None) is not None
    }
    settings = Settings(**overrides)
    use_cache_dir(settings.shapes_cache())
    return settings


def _query_text(arg: str, max_bytes: int) -> str:
    from jixiao.service.pipeline.sources import read_source, too_large

    if arg == "-":
        text = sys.stdin.read(max_bytes + 1)
        if len(text.encode("utf-8")) > max_bytes:
            raise UsageError(f"the query on standard input is {too_large(max_bytes)}")
        return text
    if arg.startswith("@"):
        data = read_source(Path(arg[1:]), max_bytes)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"the query file {arg[1:]} is not UTF-8") from None
    return arg


def _ingest(args: argparse.Namespace) -> int:
    from jixiao.ingest.iris import IriMinter
    from jixiao.ingest.linking.overrides import load_overrides
    from jixiao.service.pipeline import load as loader
    from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
    from jixiao.service.pipeline.progress import progress_bar
    from jixiao.service.store.factory import open_store

    settings = _settings(args)
    sources = sources_in(args.file, args.year)
    with open_store(settings.store, settings=settings) as store:
        minter = IriMinter(settings.base_iri)
        overrides = load_overrides(settings.overrides)
        if len(sources) == 1:
            source = sources[0]
            result = loader.ingest_file(
                source.path,
                source.year,
                store,
                minter,
                overrides,
                fail_on=args.fail_on,
                max_bytes=settings.max_input_bytes,
            )
            print(
                f"loaded {source.path.name} ({result.year}): {result.units} funding units, "
                f"{result.projects} projects, {result.indicators} indicators, {result.triples} "
                f"triples into <{result.document}> in {result.seconds:.2f} s"
            )
            return EXIT_OK
        with progress_bar(len(sources), "tables", quiet=args.quiet) as advance:
            corpus = ingest_corpus(
                sources,
                store,
                minter,
                overrides,
                fail_on=args.fail_on,
                progress=advance,
                max_bytes=settings.max_input_bytes,
            )
    for refusal in corpus.refused:
        print(f"refused {refusal.name}: {refusal.reason}", file=sys.stderr)
    print(
        f"loaded {len(corpus.loaded)} of {len(sources)} tables: {corpus.rows} project and "
        f"indicator rows, {corpus.triples} triples in {corpus.seconds:.1f} s "
        f"({corpus.triples / max(corpus.seconds, 1e-9):,.0f} triples/s)"
    )
    return EXIT_INVALID if corpus.refused else EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from jixiao.service.cli.validate import run_validate

    return run_validate(args, _settings(args))


def _seed(args: argparse.Namespace) -> int:
    from jixiao.ingest.iris import IriMinter
    from jixiao.ingest.linking.overrides import load_overrides
    from jixiao.service.pipeline import load as loader
    from jixiao.service.store.factory import open_store

    settings = _settings(args)
    with open_store(settings.store, settings=settings) as store:
        minter = IriMinter(settings.base_iri)
        overrides = load_overrides(settings.overrides)
        for data, name, year in loader.seed_files():
            result = loader.ingest_bytes(data, name, year, store, minter, overrides)
            print(
                f"loaded {name} ({year}): {result.units} funding units, "
                f"{result.projects} projects, {result.indicators} indicators"
            )
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
    from jixiao.service.query.results import render_table, serialize
    from jixiao.service.store.factory import open_store

    text = _query_text(args.query, _settings(args).max_input_bytes)
    if args.endpoint:
        from jixiao.service.store.endpoint import EndpointClient

        store: EndpointClient | Store = EndpointClient(args.endpoint)
    else:
        settings = _settings(args)
        store = open_store(settings.store, read_only=True, settings=settings)
    with store:
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
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from jixiao.service.http.app import create_app
    from jixiao.service.http.heads import bounded_protocol
    from jixiao.service.http.middleware import log_access_to_stderr

    settings = _settings(args)
    access_log = log_access_to_stderr()
    try:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            timeout_keep_alive=settings.keep_alive_timeout,
            http=bounded_protocol(settings.max_head_bytes, settings.head_timeout),
            log_level="info",
            access_log=False,
        )
    finally:
        access_log.stop()
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from jixiao.service.answers import diff
    from jixiao.service.store.factory import open_store

    settings = _settings(args)
    with open_store(settings.store, settings=settings) as store:
        comparison = diff.compare_years(store, args.year_a, args.year_b, args.unit)
    sys.stdout.write(diff.render(comparison, args.format))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS = {
    "ingest": _ingest,
    "validate": _validate,
    "seed": _seed,
    "query": _query,
    "serve": _serve,
    "diff": _diff,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except JixiaoError as exc:
        if isinstance(exc, ValidationFailed) and hasattr(exc.report, "text"):
            sys.stdout.write(exc.report.text())  # the validation report, grouped by project
            sys.stdout.flush()
        print(f"jixiao: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
