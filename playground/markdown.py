"""Model text made safe to render: Markdown images become plain links.

A Markdown image (`![alt](https://…)`, or reference-style `![alt][ref]` with a
`[ref]: https://…` definition) makes the browser fetch a URL the model chose as soon as
the text is drawn — a tracking pixel, or a way to leak the conversation in a query
string. `unfetch_images` rewrites every image outside code into a link that shows the
alt text and the URL, so nothing is fetched unless the reader clicks. Code blocks and
inline code are left exactly as written. Raw HTML (`<img src=…>`) needs no rewrite:
Streamlit's `st.markdown` escapes HTML unless `unsafe_allow_html=True`, which this app
never passes for model text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

SHOWN_URL_CHARS = 80  # a long URL (e.g. a data: URI) is shortened in the link's text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?: |\t|$)")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_MASK = "\ue000"  # a private-use character stands in for inline code while matching

# Alt text: balanced brackets one level deep, escapes, no blank line.
_ALT = r"((?:[^\[\]\\\n]|\\.|\n(?!\s*\n)|\[(?:[^\[\]\\\n]|\\.)*\])*)"
_DESTINATION = r"(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
_TITLE = r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"""
_INLINE_IMAGE = re.compile(r"(?<!\\)!\[" + _ALT + r"\]\(\s*" + _DESTINATION + _TITLE + r"\s*\)")
_REFERENCE_IMAGE = re.compile(r"(?<!\\)!\[" + _ALT + r"\](?:\[((?:[^\[\]\\]|\\.){0,999})\])?")
_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:\s*(<[^<>\n]*>|\S+)", re.MULTILINE)
_LINK_TEXT_SPECIAL = re.compile(r"([\\`*_\[\]<>!#|~$:])")


def _label(text: str) -> str:
    """A reference label as CommonMark matches it: case-folded, whitespace collapsed."""
    return " ".join(text.split()).casefold()


def _link(alt: str, url: str) -> str:
    """`[Image: alt (url)](url)` — the alt text and the address stay visible."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    shown = url if len(url) <= SHOWN_URL_CHARS else url[: SHOWN_URL_CHARS - 1] + "…"
    alt = _LINK_TEXT_SPECIAL.sub(r"\\\1", " ".join(alt.split()))
    shown = _LINK_TEXT_SPECIAL.sub(r"\\\1", shown)
    label = f"Image: {alt} ({shown})" if alt else f"Image: {shown}"
    target = url.replace("<", "%3C").replace(">", "%3E").replace("\n", "")
    return f"[{label}](<{target}>)"


def _rewrite_prose(text: str, definitions: dict[str, str]) -> str:
    """Rewrite images in text that holds no code blocks (inline code is masked)."""
    spans: list[str] = []

    def mask(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return _MASK * len(match.group(0))

    masked = _CODE_SPAN.sub(mask, text)
    if "![" not in masked:
        return text
    # Work on the masked text but keep the original characters for the output.
    out: list[str] = []
    position = 0
    while True:
        start = masked.find("![", position)
        if start < 0:
            break
        if start > 0 and masked[start - 1] == "\\":
            out.append(text[position : start + 2])
            position = start + 2
            continue
        inline = _INLINE_IMAGE.match(masked, start)
        reference = None if inline else _REFERENCE_IMAGE.match(masked, start)
        replacement = None
        end = start + 2
        if inline is not None:
            alt = text[inline.start(1) : inline.end(1)]
            url = text[inline.start(2) : inline.end(2)]
            replacement, end = _link(alt, url), inline.end()
        elif reference is not None:
            alt = text[reference.start(1) : reference.end(1)]
            ref = reference.group(2)
            defined = definitions.get(_label(ref if ref else alt))
            if defined is not None:
                replacement, end = _link(alt, defined), reference.end()
        out.append(text[position:start])
        if replacement is None:
            # Not an image we recognise: make sure it can never become one.
            out.append("&#33;[")
            end = start + 2
        else:
            out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def _split_code_blocks(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_code, chunk) pieces: fenced and indented code blocks are code."""
    pieces: list[tuple[bool, str]] = []
    prose: list[str] = []
    code: list[str] = []
    fence: str | None = None
    previous_blank = True
    in_list = False
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if fence is not None:
            code.append(line)
            closing = _FENCE.match(stripped)
            if (
                closing
                and closing.group(1)[0] == fence[0]
                and len(closing.group(1)) >= len(fence)
                and not stripped.strip().strip(fence[0])
            ):
                pieces.append((True, "".join(code)))
                code, fence = [], None
                previous_blank = False
            continue
        opening = _FENCE.match(stripped)
        if opening and not (opening.group(1)[0] == "`" and "`" in stripped[opening.end() :]):
            if prose:
                pieces.append((False, "".join(prose)))
                prose = []
            fence = opening.group(1)
            code.append(line)
            continue
        indented = stripped.startswith(("    ", "\t")) and stripped.strip()
        if indented and (code or (previous_blank and not in_list)):
            if prose and not code:
                pieces.append((False, "".join(prose)))
                prose = []
            code.append(line)
            continue
        if code:
            if not stripped.strip():
                code.append(line)  # a blank line may sit inside an indented block
                continue
            pieces.append((True, "".join(code)))
            code = []
        prose.append(line)
        blank = not stripped.strip()
        if _LIST_ITEM.match(stripped):
            in_list = True
        elif not blank and not stripped.startswith((" ", "\t")):
            in_list = False
        previous_blank = blank
    if code:
        pieces.append((True, "".join(code)))
    if prose:
        pieces.append((False, "".join(prose)))
    return pieces


def unfetch_images(text: str) -> str:
    """Model Markdown with every image outside code turned into a link; nothing fetched."""
    if not text or "![" not in text:
        return text
    pieces = _split_code_blocks(text)
    prose = "".join(chunk for is_code, chunk in pieces if not is_code)
    definitions: dict[str, str] = {}
    for match in _DEFINITION.finditer(prose):
        definitions.setdefault(_label(match.group(1)), match.group(2))
    return "".join(
        chunk if is_code else _rewrite_prose(chunk, definitions) for is_code, chunk in pieces
    )


_OPEN_IMAGE = re.compile(r"!\[[^\n]*$|!$")


def unfetch_stream(deltas: Iterable[str]) -> Iterator[str]:
    """`unfetch_images` for text that arrives in pieces (a stream drawn as it grows).

    Yields what to append to the text shown so far. A piece that might open an image
    (`![…` on the last line, or a trailing `!`) is held back until its line is complete,
    and text already shown is never changed, so the page never draws a fetchable image,
    not even for a moment. Text with no `![` in it passes straight through.
    """
    received = ""
    shown = ""
    for delta in deltas:
        received += delta
        if "![" not in received and not received.endswith("!"):
            shown += delta
            yield delta
            continue
        held = _OPEN_IMAGE.search(received)
        safe = unfetch_images(received if held is None else received[: held.start()])
        if safe.startswith(shown) and len(safe) > len(shown):
            addition = safe[len(shown) :]
            shown = safe
            yield addition
    final = unfetch_images(received)
    if final.startswith(shown) and len(final) > len(shown):
        yield final[len(shown) :]
