"""Generate ``_jx.py``, the Python namespace of the jx: vocabulary, from ``jixiao.ttl``.

    python -m jixiao.ontology.generate            # rewrite _jx.py
    python -m jixiao.ontology.generate --check    # exit 1 if _jx.py is out of date

The Turtle file is the source of truth. The generated module holds one rdflib
``DefinedNamespace`` subclass, ``JX``, with ``_fail = True`` (as rdflib's own
``rdflib/namespace/_SH.py``), so a mistyped term fails at import or first use instead of
minting a new IRI.
"""

from __future__ import annotations

import argparse
import keyword
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

NAMESPACE = "https://w3id.org/jixiao/ontology#"
ONTOLOGY_TTL = Path(__file__).with_name("jixiao.ttl")
TARGET = Path(__file__).with_name("_jx.py")

LINE_LENGTH = 100

# The kinds of term, in the order the generated class lists them.
_KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "owl:Class"),
    (OWL.ObjectProperty, "owl:ObjectProperty"),
    (OWL.DatatypeProperty, "owl:DatatypeProperty"),
    (OWL.AnnotationProperty, "owl:AnnotationProperty"),
    (OWL.NamedIndividual, "owl:NamedIndividual"),
)


class VocabularyError(ValueError):
    """The Turtle declares a jx: term the generator cannot place (no known rdf:type)."""


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (and for ruff's line length): CJK counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by display width; a single over-long word stays on its own line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _display_width(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    """The ``@en`` value of ``predicate`` on ``subject``, whitespace collapsed, or ``""``."""
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == "en":
            return " ".join(str(value).split())
    return ""


def _kind(graph: Graph, term: URIRef) -> str:
    types = set(graph.objects(term, RDF.type))
    for rdf_type, name in _KINDS:
        if rdf_type in types:
            return name
    raise VocabularyError(f"{term}: no rdf:type among {', '.join(n for _, n in _KINDS)}")


def _terms(graph: Graph) -> dict[str, list[URIRef]]:
    """The jx: terms declared (used as subject) in ``graph``, grouped by kind, sorted."""
    grouped: dict[str, list[URIRef]] = {name: [] for _, name in _KINDS}
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(NAMESPACE)}
    for term in sorted(subjects):
        grouped[_kind(graph, term)].append(term)
    return {name: terms for name, terms in grouped.items() if terms}


def _attribute_docstring(graph: Graph, term: URIRef) -> list[str]:
    """The English label and comment of ``term`` as an attribute docstring (IDEs show it)."""
    label = _english(graph, term, RDFS.label)
    comment = _english(graph, term, RDFS.comment)
    text = f"{label[:1].upper()}{label[1:]}. {comment}" if comment else label
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    # Indent and opening quotes take seven columns, the closing quotes three.
    lines = _wrap(text, LINE_LENGTH - 10)
    lines[0] = '"""' + lines[0]
    lines[-1] += '"""'
    return [f"    {line}" for line in lines]


def render(ttl: Path = ONTOLOGY_TTL) -> str:
    """The source text of ``_jx.py`` for the vocabulary in ``ttl``."""
    graph = Graph().parse(ttl, format="turtle")
    ontology = URIRef(NAMESPACE.rstrip("#"))
    title = _english(graph, ontology, DCTERMS.title) or "jx: vocabulary"
    description = _english(graph, ontology, DCTERMS.description)

    out = [
        '"""Python namespace of the jx: vocabulary.',
        "",
        f"Generated from {ttl.name} by ``python -m jixiao.ontology.generate``; do not edit.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class JX(DefinedNamespace):",
        '    """',
        *(f"    {line}" for line in _wrap(title, LINE_LENGTH - 4)),
        "",
        *(f"    {line}" for line in _wrap(description, LINE_LENGTH - 4)),
        '    """',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{NAMESPACE}")',
    ]
    extras: list[str] = []
    for kind, terms in _terms(graph).items():
        out += ["", f"    # {kind}"]
        for term in terms:
            name = term[len(NAMESPACE) :]
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                extras.append(name)
                continue
            out += ["", f"    {name}: URIRef", *_attribute_docstring(graph, term)]
    if extras:
        out += ["", f"    _extras = {sorted(extras)!r}"]
    return "\n".join(out) + "\n"


def check(target: Path = TARGET, ttl: Path = ONTOLOGY_TTL) -> bool:
    """Whether ``target`` holds exactly what :func:`render` makes of ``ttl``."""
    try:
        return target.read_text(encoding="utf-8") == render(ttl)
    except FileNotFoundError:
        return False


def write(target: Path = TARGET, ttl: Path = ONTOLOGY_TTL) -> None:
    """Regenerate ``target`` from ``ttl``."""
    target.write_text(render(ttl), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jixiao.ontology.generate",
        description="Regenerate the jx: Python namespace (_jx.py) from jixiao.ttl.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if _jx.py differs from what would be generated",
    )
    args = parser.parse_args(argv)
    if args.check:
        if check():
            return 0
        print(f"{TARGET} is out of date; run python -m jixiao.ontology.generate", file=sys.stderr)
        return 1
    write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
