"""Citation markers for grounded answers.

`groundingSupports` name stretches of the answer by UTF-8 *byte* offsets into one part's
text (not character offsets: "é" is two bytes), and the sources that back each stretch.
`cite` puts a numbered link to each source after the stretch it supports.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from playground.reply import Support


def _char_boundary(data: bytes, offset: int) -> int:
    """The nearest UTF-8 character boundary at or after `offset`."""
    offset = max(0, min(offset, len(data)))
    while offset < len(data) and (data[offset] & 0xC0) == 0x80:
        offset += 1
    return offset


def _link(number: int, uri: str) -> str:
    safe = quote(uri, safe=":/?#[]@!$&'*+,;=%~.-_")
    return f"[[{number}]]({safe})" if uri.startswith(("https://", "http://")) else f"[{number}]"


def cite(
    text: str,
    supports: Sequence[Support],
    sources: Sequence[tuple[str, str]],
    part_index: int = 0,
) -> str:
    """`text` with ` [n]` markers (Markdown links to source n) after each supported stretch."""
    data = text.encode("utf-8")
    at: dict[int, list[int]] = {}
    for support in supports:
        if support.part_index != part_index:
            continue
        end = _char_boundary(data, support.end)
        numbers = at.setdefault(end, [])
        for source in support.sources:
            if 0 <= source < len(sources) and source + 1 not in numbers:
                numbers.append(source + 1)
    if not at:
        return text
    pieces: list[str] = []
    start = 0
    for end in sorted(at):
        pieces.append(data[start:end].decode("utf-8"))
        markers = "".join(_link(n, sources[n - 1][1]) for n in sorted(at[end]))
        if markers:
            pieces.append(f" {markers}")
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "".join(pieces)
