"""Small, valid media files built in memory for tests: a PDF of blank pages, a silent WAV
and a minimal MP4 whose ``mvhd`` box gives the duration."""

from __future__ import annotations

import io
import struct
import wave

from pypdf import PdfWriter


def pdf(pages: int = 3) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(300, 400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def wav(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def mp4(seconds: float, *, padding: int = 0, brand: bytes = b"isom") -> bytes:
    """An ISO-BMFF file of ``seconds`` (``padding`` bytes of ``mdat`` make it larger)."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", brand, 0, brand)
    body = struct.pack(">B3xIIII", 0, 0, 0, 1000, int(seconds * 1000)) + b"\0" * 80
    mvhd = struct.pack(">I4s", 8 + len(body), b"mvhd") + body
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    mdat = struct.pack(">I4s", 8 + padding, b"mdat") + b"\0" * padding if padding else b""
    return ftyp + moov + mdat
