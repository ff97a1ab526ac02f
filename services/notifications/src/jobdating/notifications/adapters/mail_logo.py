"""The organisation's logo for its e-mails: a PNG or JPEG file read once at start, with its size in pixels
(read from the file's header, so that the e-mail can say how large to show it before it is decoded).

Small on purpose: the logo travels inside every e-mail (no remote image, which mail programs block and
which would tell a third party when a candidate opens the message).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

MAX_BYTES: Final = 100 * 1024
_PNG: Final = b"\x89PNG\r\n\x1a\n"
_JPEG: Final = b"\xff\xd8\xff"
# JPEG markers that start a frame and carry its size (SOF0-SOF15, except DHT, JPG and DAC).
_JPEG_FRAMES: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class LogoProblem(ValueError):
    """Why a file cannot be the logo: the end of a French sentence that names the file."""


@dataclass(frozen=True)
class Logo:
    """An image ready to go inside e-mails: `subtype` of `image/…` and its base64 text, made once."""

    data: bytes = field(repr=False)
    subtype: str  # "png" or "jpeg"
    width: int
    height: int
    encoded: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoded", base64.encodebytes(self.data).decode("ascii"))

    @property
    def filename(self) -> str:
        return f"logo.{'jpg' if self.subtype == 'jpeg' else 'png'}"


def read_logo(path: Path) -> Logo:
    """The logo in the file at `path`; `LogoProblem` when it cannot be read, is too large or is no PNG
    or JPEG image."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LogoProblem(
                f"pèse {size // 1024} Ko, plus que les {MAX_BYTES // 1024} Ko permis : chaque courriel "
                "le transporte, réduisez-le (par exemple 400 pixels de large)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LogoProblem(f"ne peut pas être lu ({exc.strerror})") from exc
    size_in_pixels = _png_size(data) if data.startswith(_PNG) else None
    if data.startswith(_JPEG):
        size_in_pixels = _jpeg_size(data)
    if size_in_pixels is None or 0 in size_in_pixels:
        raise LogoProblem("n'est pas une image PNG ou JPEG lisible")
    return Logo(data, "png" if data.startswith(_PNG) else "jpeg", *size_in_pixels)


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        if marker in _JPEG_FRAMES:
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None
