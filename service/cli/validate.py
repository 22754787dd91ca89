"""``jixiao validate FILE… [DIR…]``: check many files, report each, sum them up, exit 0/1/2.

One file gives what it always gave: its report on standard output, or one line on standard
error and exit 2. Several files (or a folder) give one report per file — in the text, RDF or
CI format asked for — and a summary line; a file that cannot be read is one line on standard
error (and a failed case in the CI formats), and the others are still checked. Exit 2 if any
file could not be read, else 1 if any report fails, else 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rdflib import Graph

from jixiao.service.pipeline.conformance import check_files, files_in
from jixiao.service.pipeline.progress import progress_bar
from jixiao.service.pipeline.sources import read_source
from jixiao.service.settings import Settings
from jixiao.shapes.ci_reports import CI_FORMATS, FileOutcome, render
from jixiao.shapes.contexts import allowed_hosts
from jixiao.shapes.report import Report, merge_counts
from jixiao.shapes.validate import extra_shapes

if TYPE_CHECKING:
    from jixiao.shapes.extra import ExtraShapes

__all__ = ["run_validate", "summary"]

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


def summary(outcomes: Sequence[FileOutcome], fail_on: str) -> str:
    """``3 files: 1 conforms, 1 does not, 1 unreadable; 2 violations, 35 warnings, 0 infos``."""
    reports = [o.report for o in outcomes if o.report is not None]
    failing = sum(1 for r in reports if r.fails(fail_on))
    unreadable = len(outcomes) - len(reports)
    c = merge_counts(reports)
    return (
        f"{len(outcomes)} files: {len(reports) - failing} pass, {failing} fail, "
        f"{unreadable} unreadable; {c['Violation']} violations, {c['Warning']} warnings, "
        f"{c['Info']} infos (fail on {fail_on})"
    )


def _extra(args: argparse.Namespace, settings: Settings) -> ExtraShapes | None:
    if args.shapes is None:
        return None
    data = read_source(args.shapes, settings.max_input_bytes)
    return extra_shapes(data, str(args.shapes), settings.base_iri)


def _rdf(reports: Sequence[Report], fmt: str) -> bytes:
    if len(reports) == 1:
        return reports[0].serialize(fmt)
    union = Graph()
    for report in reports:
        for prefix, namespace in report.graph.namespaces():
            union.bind(prefix, namespace, override=False)
        union += report.graph
    return Report(union).serialize(fmt)


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    """The ``validate`` command (its arguments parsed by :mod:`.cli`)."""
    extra = _extra(args, settings)
    files = files_in(args.file, args.year)
    with progress_bar(len(files), "files", quiet=args.quiet) as advance:
        outcomes = check_files(
            files,
            base_iri=settings.base_iri,
            engine=args.engine,
            extra=extra,
            done=advance,
            context_hosts=allowed_hosts(settings.jsonld_context_hosts),
            max_bytes=settings.max_input_bytes,
        )
    several = len(outcomes) > 1
    text = args.format == "text"
    notes = sys.stdout if text else sys.stderr  # the CI and RDF formats keep stdout clean
    if extra is not None:
        print(extra.summary(), file=notes)
    reports = [o.report for o in outcomes if o.report is not None]
    for outcome in outcomes:
        if outcome.error is not None:
            print(f"jixiao: {outcome.error}", file=sys.stderr)
    if text:
        sys.stdout.write("\n".join(report.text() for report in reports))
    elif args.format in CI_FORMATS:
        sys.stdout.flush()
        sys.stdout.buffer.write(render(args.format, outcomes, args.fail_on))
    elif reports:
        sys.stdout.flush()
        sys.stdout.buffer.write(_rdf(reports, args.format))
    if several:
        print(("\n" if text and reports else "") + summary(outcomes, args.fail_on), file=notes)
    sys.stdout.flush()
    if len(reports) < len(outcomes):
        return EXIT_INPUT
    return EXIT_INVALID if any(r.fails(args.fail_on) for r in reports) else EXIT_OK
