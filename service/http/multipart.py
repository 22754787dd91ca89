"""Multipart request bodies, read strictly: every part whole, or :class:`MalformedBody`.

A lenient reader turns a body that is not multipart into no parts at all — and a Graph Store
``PUT`` of no parts empties the graph. So a multipart body must have a boundary, at least one
part, each part a header block with a ``Content-Type`` that is not multipart itself, and the
closing boundary; anything else is refused before any write (python-multipart's parser,
with our checks around it). Run it off the event loop: it is O(body).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from jixiao.service.errors import MalformedBody

__all__ = ["Part", "multipart_parts"]


@dataclass(slots=True)
class Part:
    """One part of a multipart body: its headers (lower-case names) and its bytes."""

    headers: dict[str, str] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    def disposition(self, name: str) -> str | None:
        """A parameter of the part's Content-Disposition (``name``, ``filename``)."""
        _, options = parse_options_header(self.headers.get("content-disposition"))
        value = options.get(name.encode())
        return value.decode("utf-8", "replace") if value is not None else None


def multipart_parts(body: bytes, content_type: str | None) -> list[Part]:
    """The parts of a ``multipart/*`` body, or :class:`MalformedBody` saying what is wrong."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedBody("a multipart body needs a boundary parameter in its Content-Type")
    parts: list[Part] = []
    header = [b"", b""]
    ended = False

    def on_part_begin() -> None:
        parts.append(Part())

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data += data[start:end]

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        name = header[0].decode("latin-1").strip().lower()
        parts[-1].headers[name] = header[1].decode("latin-1").strip()
        header[0] = header[1] = b""

    def on_end() -> None:
        nonlocal ended
        ended = True

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_end": on_end,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise MalformedBody("the body is not valid multipart data") from None
    if not ended:
        raise MalformedBody("the multipart body ends before its closing boundary")
    if not parts:
        raise MalformedBody("the multipart body has no part")
    for number, part in enumerate(parts, 1):
        media = (part.content_type or "").split(";")[0].strip().lower()
        if media.startswith("multipart/"):
            raise MalformedBody(f"part {number} of the multipart body is multipart itself")
    return parts
