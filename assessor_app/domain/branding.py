"""The employer's branding on reports: what the layouts draw, already checked.

Built by ``services.branding`` from the user's settings; the report layouts take
it as it is (they never read settings or files). An empty ``ReportBranding``
draws nothing, so a report without branding looks as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportLogo:
    """A decoded, size-limited picture, re-encoded so it is safe to embed."""

    data: bytes  # PNG or JPEG bytes (see ``format``), at most a few hundred pixels a side
    format: str  # "PNG" or "JPEG"
    width: int  # pixels
    height: int

    def __repr__(self) -> str:  # never dump the bytes into a log or a traceback
        return f"ReportLogo({self.format}, {self.width}x{self.height}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class ReportBranding:
    employer_name: str = ""
    logo: ReportLogo | None = None

    @property
    def empty(self) -> bool:
        return not self.employer_name.strip() and self.logo is None
