"""What kind of file a source is, from its bytes alone (never from its name).

``sniff(data)`` looks at the first bytes and, for containers, at the names inside:

- ``PDF``: ``%PDF-`` within the first 1,024 bytes (where the PDF specification lets readers
  look for it).
- ``XLSX``: a zip (``PK\\x03\\x04``) with a member under ``xl/`` (``xl/workbook.xml``,
  ``xl/worksheets/…``), found by the member names in the zip's local and central headers, so a
  truncated workbook is still sniffed as one and its reader can say it is corrupt.
- ``ENCRYPTED_OOXML``: an OLE2 compound file (``D0 CF 11 E0 A1 B1 1A E1``) holding an
  ``EncryptedPackage`` stream: how Excel (and Word) save an OOXML file with a password.
- ``XLS``: an OLE2 compound file holding a ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream.
- ``TEXT``: anything with no NUL byte in its first 64 KiB (the text reader decodes it, and
  says so when it is not UTF-8 or GB18030); an empty file is text too (it says it is empty).
- ``UNKNOWN``: any other binary file (another zip, another OLE2 document, an image, …).

Stream names in an OLE2 file are looked for as the UTF-16LE names its directory stores, so a
damaged compound file is still recognised by what it says it holds.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["Kind", "sniff"]

_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_PROBE = 65536
# a zip local header (name length at +26, name at +30) or central header (+28, +46)
_ZIP_HEADER = re.compile(rb"PK\x03\x04.{22}(..)..|PK\x01\x02.{24}(..).{16}", re.DOTALL)


class Kind(StrEnum):
    """The kinds of source file jixiao tells apart; the value is what messages call it."""

    TEXT = "text table"
    XLSX = "XLSX workbook"
    XLS = "XLS workbook"
    PDF = "PDF"
    ENCRYPTED_OOXML = "encrypted (password-protected) Office file"
    UNKNOWN = "unknown binary file"

    @property
    def described(self) -> str:
        """The kind with its article, for messages: "a PDF", "an XLSX workbook"."""
        return ("an " if self.value[0] in "AEIOUXaeiou" else "a ") + self.value


def _ole2_holds(data: bytes, stream: str) -> bool:
    return stream.encode("utf-16-le") in data


def _zip_names_spreadsheet_part(data: bytes) -> bool:
    for match in _ZIP_HEADER.finditer(data):
        length = int.from_bytes(match.group(1) or match.group(2), "little")
        if data[match.end() : match.end() + length].startswith(b"xl/"):
            return True
    return False


def sniff(data: bytes) -> Kind:
    """The kind of source these bytes are, by their content."""
    if _PDF in data[:1024]:
        return Kind.PDF
    if data.startswith(_ZIP):
        return Kind.XLSX if _zip_names_spreadsheet_part(data) else Kind.UNKNOWN
    if data.startswith(_OLE2):
        if _ole2_holds(data, "EncryptedPackage"):
            return Kind.ENCRYPTED_OOXML
        if _ole2_holds(data, "Workbook") or _ole2_holds(data, "Book"):
            return Kind.XLS
        return Kind.UNKNOWN
    if b"\x00" in data[:_TEXT_PROBE]:
        return Kind.UNKNOWN
    return Kind.TEXT
