"""Grounded answers: Google Search, and the pages URL context retrieves.

An answer is built sentence by sentence (:class:`Grounded`), so every ``groundingSupports``
entry points at exactly the sentence it supports: ``segment.startIndex`` / ``endIndex`` are
UTF-8 **byte** offsets into the answer part, as the real API sends them (the recorded
search body in tests/fixtures/wire/tool_google_search_gemini-2.5-pro.json has ``°F`` before
its segments, and its offsets count that character as two bytes).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, unquote, urlsplit

from .tools import ToolContext, ToolReply

#: Prompt tokens the simulated search "reads" per result.
SEARCH_CHUNK_TOKENS = 40
#: Prompt tokens of one retrieved page (URL context), and of a URL that was not read.
PAGE_TOKENS = 600
URL_TOKENS = 8


SEARCH_SOURCES = (
    "en.wikipedia.org",
    "britannica.com",
    "nationalgeographic.com",
    "bbc.co.uk",
    "khanacademy.org",
    "sciencedaily.com",
)
#: The style of the search entry point (shortened from the recorded one).
ENTRY_POINT_STYLE = (
    "<style>\n"
    ".container { align-items: center; border-radius: 8px; display: flex; "
    "font-family: Google Sans, Roboto, sans-serif; font-size: 14px; line-height: 20px; "
    "padding: 8px 12px; }\n"
    ".chip { display: inline-block; border: solid 1px; border-radius: 16px; "
    "min-width: 14px; padding: 5px 16px; text-align: center; user-select: none; "
    "margin: 0 8px; }\n"
    ".carousel { overflow: auto; scrollbar-width: none; white-space: nowrap; "
    "margin-right: -12px; }\n"
    ".headline { display: flex; margin-right: 4px; }\n"
    "@media (prefers-color-scheme: light) { .container { background-color: #fafafa; } "
    ".chip { background-color: #ffffff; border-color: #d2d2d2; color: #5e5e5e; "
    "text-decoration: none; } }\n"
    "@media (prefers-color-scheme: dark) { .container { background-color: #1f1f1f; } "
    ".chip { background-color: #2c2c2c; border-color: #3c4043; color: #fff; "
    "text-decoration: none; } }\n"
    "</style>\n"
)


def search_link(query: str, site: str | None = None) -> str:
    """A Google search link (the recorded chunks link to searches like this one)."""
    q = f"{query} site:{site}" if site else query
    return f"https://www.google.com/search?q={quote_plus(q)}"


def rendered_entry_point(queries: list[str]) -> str:
    """``searchEntryPoint.renderedContent``: the style, then one chip per query (escaped)."""
    chips = "\n".join(
        f'    <a class="chip" href="{html.escape(search_link(q))}">{html.escape(q)}</a>'
        for q in queries
    )
    return (
        f'{ENTRY_POINT_STYLE}<div class="container">\n  <div class="headline">'
        '<span class="headline-label">Search suggestions (simulated)</span></div>\n'
        f'  <div class="carousel">\n{chips}\n  </div>\n</div>\n'
    )


def search_query(prompt: str) -> str:
    """The web search query a prompt leads to."""
    text = re.sub(r"\s+", " ", prompt).strip().rstrip("?.!")
    text = re.sub(
        r"^(?:please\s+)?(?:(?:can|could) you\s+)?(?:search (?:the web )?for|look up|google|"
        r"find out|tell me|what(?:'s| is| are)|who(?:'s| is| are| was)|explain)\s+",
        "",
        text,
        flags=re.I,
    )
    return text[:120] or "latest news"


@dataclass
class Grounded:
    """An answer built sentence by sentence, with the chunks each sentence rests on."""

    pieces: list[str] = field(default_factory=list)
    supports: list[tuple[int, int, list[int]]] = field(default_factory=list)

    def add(self, sentence: str, chunks: list[int] | None = None, sep: str = " ") -> None:
        if self.pieces:
            self.pieces.append(sep)
        start = len("".join(self.pieces).encode())
        self.pieces.append(sentence)
        if chunks:
            self.supports.append((start, start + len(sentence.encode()), chunks))

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def grounding_supports(self, part_index: int) -> list[dict[str, Any]]:
        data = self.text.encode()
        out = []
        for start, end, chunks in self.supports:
            segment: dict[str, Any] = {"startIndex": start, "endIndex": end}
            if part_index:
                segment["partIndex"] = part_index
            segment["text"] = data[start:end].decode()
            out.append({"segment": segment, "groundingChunkIndices": chunks})
        return out


def _site_for(h: int, i: int) -> str:
    return SEARCH_SOURCES[(h + i) % len(SEARCH_SOURCES)]


def search_reply(ctx: ToolContext) -> ToolReply:
    query = search_query(ctx.question or ctx.prompt)
    queries = [query]
    sites = [_site_for(ctx.h, i) for i in range(3)]
    chunks = [{"web": {"uri": search_link(query, s), "title": s}} for s in sites]
    answer = Grounded()
    answer.add(f"**{query[:1].upper()}{query[1:]}: what the sources say**", sep="")
    answer.add(f"A web search for “{query}” found several pages that cover it.", [0, 1], sep="\n\n")
    answer.add(f"The overview on {sites[0]} starts with the basic idea and its history.", [0])
    answer.add(f"The article on {sites[1]} goes into how it works in practice.", [1])
    answer.add(f"For everyday examples, {sites[2]} is a good place to look.", [2])
    answer.add(
        "These results are simulated, so check the linked searches for current details.",
        sep="\n\n",
    )
    answer.add(ctx.closing, sep="\n\n")
    metadata = {
        "searchEntryPoint": {"renderedContent": rendered_entry_point(queries)},
        "groundingChunks": chunks,
        "groundingSupports": answer.grounding_supports(0),
        "webSearchQueries": queries,
    }
    return ToolReply(
        [{"text": answer.text}],
        extra={"groundingMetadata": metadata},
        tool_use_tokens=SEARCH_CHUNK_TOKENS * len(chunks) + len(query.split()),
    )


_URL_RE = re.compile(r"https?://[^\s<>\"'“”)\]]+", re.IGNORECASE)


def urls_in(prompt: str) -> list[str]:
    """The http(s) URLs of ``prompt``, in order, without trailing punctuation or repeats."""
    found: list[str] = []
    for m in _URL_RE.finditer(prompt):
        url = m.group(0).rstrip(".,;:!?")
        if url not in found:
            found.append(url)
    return found


def page_subject(url: str) -> str:
    """What a page is probably about, from its URL ("…/wiki/Grace_Hopper" -> "Grace Hopper")."""
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    last = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    words = re.sub(r"[-_+]+", " ", last).strip()
    if words and not words.isdigit():
        return words
    return parts.hostname or url


URL_FAILURES = {
    "ERROR": "could not be retrieved",
    "PAYWALL": "is behind a paywall",
    "UNSAFE": "was flagged as unsafe, so it was not read",
}


def url_reply(urls: list[str], ctx: ToolContext) -> ToolReply:
    """``urlContextMetadata`` for every URL; grounding on the pages read."""
    status = ctx.url_status or "SUCCESS"
    metadata = [
        {"retrievedUrl": url, "urlRetrievalStatus": f"URL_RETRIEVAL_STATUS_{status}"}
        for url in urls
    ]
    answer = Grounded()
    extra: dict[str, Any] = {}
    if status == "SUCCESS":
        chunks = [{"web": {"uri": url, "title": urlsplit(url).hostname or url}} for url in urls]
        pages = "the page" if len(urls) == 1 else f"the {len(urls)} pages"
        answer.add(f"I read {pages} you linked.", sep="")
        for i, url in enumerate(urls):
            host = urlsplit(url).hostname or url
            answer.add(f"The page on {host} is about {page_subject(url)}.", [i])
        answer.add(
            "Its text is simulated offline, so ask about a detail and I'll answer as if I "
            "had read it."
            if len(urls) == 1
            else "Their text is simulated offline, so ask about a detail and I'll answer as "
            "if I had read them.",
            sep="\n\n",
        )
        extra["groundingMetadata"] = {
            "groundingChunks": chunks,
            "groundingSupports": answer.grounding_supports(0),
        }
    else:
        listed = ", ".join(urls)
        page = "the page" if len(urls) == 1 else "the pages"
        answer.add(
            f"I couldn't read {listed}: {page} {URL_FAILURES[status]}, so I can't say what "
            f"{'it contains' if len(urls) == 1 else 'they contain'}.",
            sep="",
        )
        answer.add("Try another link, or paste the text you want me to look at.")
    answer.add(ctx.closing, sep="\n\n")
    extra["urlContextMetadata"] = {"urlMetadata": metadata}
    read = len(urls) if status == "SUCCESS" else 0
    return ToolReply(
        [{"text": answer.text}],
        extra=extra,
        tool_use_tokens=PAGE_TOKENS * read + URL_TOKENS * len(urls),
    )
