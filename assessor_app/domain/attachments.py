"""Attachments to evidence: what a file really is (from its first bytes), and the size limit.

A scanned form, a photo of a child's drawing or a document is judged by its content, not
by its name: a ``.jpg`` that holds a PDF is stored as a PDF and the assessor is told so.
Pure functions over bytes and names; reading files is the service's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

#: The largest file an assessor may attach (a phone photo or a long scanned form fits).
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
#: Enough of the start of a file to recognise it.
SNIFF_BYTES = 4096

TYPE_LABELS = {
    "image/png": "PNG picture",
    "image/jpeg": "JPEG photo",
    "image/gif": "GIF picture",
    "image/tiff": "TIFF scan",
    "image/heic": "HEIC photo",
    "image/webp": "WebP picture",
    "application/pdf": "PDF document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/zip": "ZIP archive",
    "application/msword": "old Word or Office document",
    "application/rtf": "RTF document",
    "text/plain": "plain text",
    "application/x-executable": "program",
    "application/octet-stream": "file of unknown type",
}

_EXTENSIONS = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic", ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text", ".zip": "application/zip",
    ".doc": "application/msword", ".xls": "application/msword", ".rtf": "application/rtf",
    ".txt": "text/plain", ".text": "text/plain", ".csv": "text/plain", ".md": "text/plain",
    ".exe": "application/x-executable",
}
#: The file-name ending a private copy gets, so the system viewer picks the right program.
SUFFIXES = {mime: ext for ext, mime in reversed(list(_EXTENSIONS.items()))}
THUMBNAIL_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})


def sniff(head: bytes, whole: bytes | None = None) -> str:
    """The MIME type the bytes say (``head``: the file's first bytes; ``whole`` for zips)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.lstrip()[:5] == b"%PDF-":
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        body = whole if whole is not None else head
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in body[:200]:
            return "application/vnd.oasis.opendocument.text"
        if b"word/" in body:
            return _EXTENSIONS[".docx"]
        if b"xl/" in body:
            return _EXTENSIONS[".xlsx"]
        return "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith((b"MZ", b"\x7fELF")):
        return "application/x-executable"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the end of the sample is fine
                return "application/octet-stream"
        return "text/plain"
    return "application/octet-stream"


def type_label(mime: str) -> str:
    return TYPE_LABELS.get(mime, mime)


def expected_type(filename: str) -> str | None:
    """The type a file's name claims, or None when its ending says nothing we know."""
    return _EXTENSIONS.get(PurePath(filename).suffix.lower())


def mismatch_note(filename: str, mime: str) -> str:
    """A plain note when the name claims one type and the content is another; else ""."""
    claimed = expected_type(filename)
    if claimed is None or claimed == mime:
        return ""
    if {claimed, mime} <= {"application/msword"}:
        return ""
    suffix = PurePath(filename).suffix.lower()
    return (f"Named {suffix} but it is a {type_label(mime)}, not a {type_label(claimed)}; "
            f"it is kept and opened as a {type_label(mime)}.")


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def too_big_message(size: int) -> tuple[str, str]:
    """(message, hint) for a file over the limit."""
    return (f"This file is {size_text(size)}; attachments can be at most "
            f"{size_text(MAX_ATTACHMENT_BYTES)}.",
            "Scan at a lower resolution, or save the photo smaller, and attach it again.")


@dataclass(frozen=True)
class AttachmentRow:
    """One live attachment as the editor lists it (no content)."""

    id: str
    evidence_id: str
    filename: str
    mime: str
    size: int
    sha256: str
    note: str = ""  # e.g. the name says .jpg but it is a PDF

    @property
    def type_label(self) -> str:
        return type_label(self.mime)

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def is_picture(self) -> bool:
        return self.mime in THUMBNAIL_TYPES
