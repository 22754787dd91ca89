"""Validation reports in the formats CI tools read: JUnit XML, GitHub workflow commands, SARIF.

A run of ``jixiao validate`` over many files gives one :class:`FileOutcome` per file: its
:class:`~.report.Report`, or the one line saying why it could not be read. Each writer here
turns the outcomes into what a CI system shows on its dashboard, pointing at the file and the
source line of the row each result is about (``jx:sourceLine`` of the project, unit subtotal
or total row; an RDF file has no source lines, so its results point at the file alone).

- JUnit XML: a ``testsuite`` per file; a failing ``testcase`` per violation (and per warning
  with ``fail_on="warning"``); warnings and infos otherwise pass with the message in
  ``system-out``; a file that cannot be read is one ``testcase`` with an ``error``.
- GitHub: ``::error``, ``::warning`` and ``::notice`` workflow commands, escaped as the
  runner expects.
- SARIF 2.1.0: one run, a rule per shape, a result per validation result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from jixiao.shapes.report import Report, Result

__all__ = ["CI_FORMATS", "FileOutcome", "github", "junit", "render", "sarif"]

CI_FORMATS = ("junit", "github", "sarif")
_INFORMATION_URI = "https://w3id.org/jixiao/shapes"


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One file of a run: its report, or why it could not be read (one line)."""

    path: str  # as given on the command line
    report: Report | None = None
    error: str | None = None
    seconds: float = 0.0


def _fails(result: Result, fail_on: str) -> bool:
    return result.severity == "Violation" or (fail_on == "warning" and result.severity == "Warning")


def _where(result: Result) -> str:
    """``project “工作经费” (line 13, row 2), indicator 3 “…”`` — the row, in English."""
    loc = result.location
    detail = loc.detail("en")
    return loc.group("en") + (f", {detail}" if detail else "")


def _title(result: Result) -> str:
    return result.shape_label


def junit(outcomes: Sequence[FileOutcome], fail_on: str = "violation") -> bytes:
    """JUnit XML: a test suite per file, a test case per result (or per unreadable file)."""
    root = ET.Element("testsuites", name="jixiao validate")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    seconds = 0.0
    for outcome in outcomes:
        suite = ET.SubElement(root, "testsuite", name=outcome.path, file=outcome.path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if outcome.report is None:
            case = _case(suite, outcome.path, "read the file", None)
            ET.SubElement(case, "error", message=outcome.error or "unreadable", type="InputError")
            counts["tests"], counts["errors"] = 1, 1
        elif not outcome.report.results:
            _case(suite, outcome.path, "conforms to the jixiao shapes", None)
            counts["tests"] = 1
        for result in outcome.report.results if outcome.report is not None else ():
            line = result.location.line
            case = _case(suite, outcome.path, f"{_where(result)} ({_title(result)})", line)
            counts["tests"] += 1
            text = f"{result.message('en')}\n{result.message('zh')}\nfocus node: <{result.focus}>"
            if _fails(result, fail_on):
                counts["failures"] += 1
                failure = ET.SubElement(
                    case, "failure", message=result.message("en"), type=result.severity
                )
                failure.text = text
            else:
                ET.SubElement(case, "system-out").text = f"{result.severity.lower()}: {text}"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("skipped", "0")
        suite.set("time", f"{outcome.seconds:.3f}")
        seconds += outcome.seconds
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _case(suite: ET.Element, path: str, name: str, line: int | None) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=path, name=name, file=path, time="0")
    if line is not None:
        case.set("line", str(line))
    return case


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, message: str, **properties: object) -> str:
    given = ",".join(
        f"{key}={_escape_property(str(value))}" for key, value in properties.items() if value
    )
    return f"::{name}{' ' + given if given else ''}::{_escape_data(message)}"


def github(outcomes: Sequence[FileOutcome], fail_on: str = "violation") -> bytes:
    """GitHub Actions workflow commands: an annotation per result, on its file and line."""
    lines = []
    for outcome in outcomes:
        if outcome.report is None:
            error = outcome.error or "unreadable"
            lines.append(_command("error", error, file=outcome.path, title="jixiao: unreadable"))
            continue
        for result in outcome.report.results:
            kind = (
                "error"
                if _fails(result, fail_on)
                else {"Warning": "warning"}.get(result.severity, "notice")
            )
            message = f"{result.message('en')}\n{result.message('zh')}"
            lines.append(
                _command(
                    kind,
                    message,
                    file=outcome.path,
                    line=result.location.line,
                    title=f"jixiao {result.severity.lower()}: {_title(result)}",
                )
            )
    return "".join(line + "\n" for line in lines).encode("utf-8")


_SARIF_LEVEL = {"Violation": "error", "Warning": "warning", "Info": "note"}


def sarif(outcomes: Sequence[FileOutcome], fail_on: str = "violation") -> bytes:
    """SARIF 2.1.0: one run of jixiao, a rule per shape, a result per validation result."""
    rules: dict[str, dict[str, object]] = {}
    results: list[dict[str, object]] = []
    notifications: list[dict[str, object]] = []
    for outcome in outcomes:
        artifact = {"uri": outcome.path.replace("\\", "/")}
        if outcome.report is None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": outcome.error or "unreadable"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                }
            )
            continue
        for result in outcome.report.results:
            rule = result.shape_name if result.shape.startswith("http") else result.shape_label
            rules.setdefault(rule, {"id": rule})
            if result.shape.startswith("http"):
                rules[rule]["helpUri"] = result.shape
            rules[rule].setdefault("shortDescription", {"text": result.messages.get("en", "")})
            physical: dict[str, object] = {"artifactLocation": artifact}
            if result.location.line is not None:
                physical["region"] = {"startLine": result.location.line}
            level = "error" if _fails(result, fail_on) else _SARIF_LEVEL[result.severity]
            results.append(
                {
                    "ruleId": rule,
                    "level": level,
                    "message": {"text": f"{result.message('en')}\n{result.message('zh')}"},
                    "locations": [{"physicalLocation": physical}],
                    "properties": {"focusNode": result.focus, "severity": result.severity},
                }
            )
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "jixiao",
                "informationUri": _INFORMATION_URI,
                "rules": [rules[r] for r in sorted(rules)],
            }
        },
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    document = {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_WRITERS = {"junit": junit, "github": github, "sarif": sarif}


def render(fmt: str, outcomes: Sequence[FileOutcome], fail_on: str = "violation") -> bytes:
    """The outcomes in one of :data:`CI_FORMATS`."""
    return _WRITERS[fmt](outcomes, fail_on)
