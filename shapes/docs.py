"""The rule list, generated from the shapes: ``python -m jixiao.shapes.docs [docs/shapes.md]``.

Without an argument the Markdown goes to standard output; with a path it is written there.
A test checks that ``docs/shapes.md`` is what this prints, so the page cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from jixiao.ontology import PREFIXES
from jixiao.shapes.validate import JXSH, shapes_graph

__all__ = ["render", "rules"]

_PARAMETERS = (
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.minInclusive,
    SH.maxInclusive, SH.pattern, SH.nodeKind, SH.minLength, SH["not"], SH.sparql,
)  # fmt: skip
_PREFIXES = {
    namespace: f"{prefix}:"
    for prefix, namespace in {
        **PREFIXES,
        "jxsh": "https://w3id.org/jixiao/shapes#",
        "sh": "http://www.w3.org/ns/shacl#",
    }.items()
}


def rules(shapes: Graph) -> list[URIRef]:
    """Every shape a result can come from: the shapes with a constraint of their own."""
    return sorted(
        {
            s
            for p in _PARAMETERS
            for s in shapes.subjects(p, None)
            if isinstance(s, URIRef) and str(s).startswith(str(JXSH))
        }
    )


def _name(node: Node | None) -> str:
    text = str(node)
    for namespace, prefix in _PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return f"<{text}>"


def _path(shapes: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(shapes, inverse)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    return _name(path)


def _applies_to(shapes: Graph, rule: URIRef) -> str:
    owners = [rule, *shapes.subjects(SH.property, rule)]
    targets = sorted(
        {_name(t) for owner in owners for t in shapes.objects(owner, SH.targetClass)}
        | {f"objects of {_name(t)}" for o in owners for t in shapes.objects(o, SH.targetObjectsOf)}
    )
    return ", ".join(targets)


def _constraints(shapes: Graph, rule: URIRef) -> str:
    parts = []
    low, high = shapes.value(rule, SH.minCount), shapes.value(rule, SH.maxCount)
    if low is not None or high is not None:
        parts.append(f"{low if low is not None else 0}..{high if high is not None else '*'}")
    for param, label in ((SH.datatype, ""), (SH["class"], "a "), (SH.nodeKind, "")):
        value = shapes.value(rule, param)
        if value is not None:
            parts.append(label + _name(value))
    low, high = shapes.value(rule, SH.minInclusive), shapes.value(rule, SH.maxInclusive)
    if low is not None or high is not None:
        parts.append(f"{low if low is not None else '…'}–{high if high is not None else '…'}")
    in_list = shapes.value(rule, SH["in"])
    if in_list is not None:
        parts.append("one of " + " ".join(_name(n) for n in Collection(shapes, in_list)))
    for param, label in ((SH.pattern, "matches"), (SH.minLength, "length ≥")):
        value = shapes.value(rule, param)
        if value is not None:
            parts.append(f"{label} `{value}`")
    negated = shapes.value(rule, SH["not"])
    if negated is not None:
        parts.append(f"does not match `{shapes.value(negated, SH.pattern)}`")
    if (rule, SH.sparql, None) in shapes:
        parts.append("SHACL-SPARQL")
    return "; ".join(parts).replace("|", "\\|")


def _message(shapes: Graph, rule: URIRef, lang: str) -> str:
    for message in shapes.objects(rule, SH.message):
        if isinstance(message, Literal) and message.language == lang:
            return str(message).replace("|", "\\|")
    return ""


_INTRO = """# jixiao shapes: the rules

Generated from `shapes/jixiao-shapes.ttl` by `python -m jixiao.shapes.docs docs/shapes.md`;
a test fails when this page and the shapes disagree. Do not edit by hand.

`jixiao validate FILE --year YEAR` and `jixiao ingest` check a document against these rules;
`GET /shapes` serves them and `POST /validate` runs them. A **violation** refuses the document
(exit 1, nothing loaded); a **warning** is reported but never blocks unless
`--fail-on warning` is given. The report puts the project (its name, source line and row
number), the indicator and the target in front of each message. Instance IRIs must lie under
the configured base (`JIXIAO_BASE_IRI`, default `https://w3id.org/jixiao/id/`).

Each rule has a conforming and a non-conforming example in `shapes/examples/` (patches on
`base.ttl`), run by `tests/shapes/test_shapes.py`.
"""


def render(shapes: Graph | None = None) -> str:
    """The rule list as Markdown."""
    shapes = shapes if shapes is not None else shapes_graph()
    found = rules(shapes)
    lines = [_INTRO]
    for severity, title in ((SH.Violation, "Violations"), (SH.Warning, "Warnings")):
        chosen = [
            r for r in found if shapes.value(r, SH.severity, default=SH.Violation) == severity
        ]
        lines += [
            f"## {title} ({len(chosen)})",
            "",
            "| rule | applies to | path | constraint | message |",
            "|---|---|---|---|---|",
        ]
        for rule in sorted(chosen, key=lambda r: (_applies_to(shapes, r), str(r))):
            message = f"{_message(shapes, rule, 'zh')}<br>{_message(shapes, rule, 'en')}"
            path = _path(shapes, shapes.value(rule, SH.path))
            lines.append(
                f"| `{_name(rule)}` | {_applies_to(shapes, rule)} | "
                f"{f'`{path}`' if path else ''} | {_constraints(shapes, rule)} | {message} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
