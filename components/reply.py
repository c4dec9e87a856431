"""Render a Reply: answer, thought summaries, images, candidates, usage and finish reason.

Model output is rendered as Markdown with HTML left escaped (never unsafe_allow_html) and
its images turned into links (`unfetch_images`), so the browser fetches nothing it chose.
"""

from __future__ import annotations

import base64
import json

import streamlit as st

from playground.citations import cite
from playground.images import RASTER_MIME, unsupported_message
from playground.markdown import unfetch_images
from playground.reply import (
    Candidate,
    Reply,
    ReplyPart,
    Retrieved,
    finish_code,
    finish_words,
    step_sources,
    step_summary,
)


def render_code_result(part: ReplyPart) -> None:
    failed = part.outcome not in (None, "OUTCOME_OK")
    label = "Code result" if not failed else f"Code failed ({part.outcome})"
    icon = ":material/check_circle:" if not failed else ":material/error:"
    st.caption(f"{icon} {label}")
    st.code(part.text or "(no output)", language=None)


def render_function_call(part: ReplyPart) -> None:
    """A card: the function the model asks you to call, and its arguments."""
    with st.container(border=True):
        st.markdown(f":material/function: **Function call:** `{part.text}`")
        st.json(part.args or {})
        if part.call_id:
            st.caption(f"Call id: `{part.call_id}`")


def render_function_response(part: ReplyPart) -> None:
    """What the user answered for a call: one line, the JSON folded away."""
    with st.expander(f"Function result for `{part.text}`", icon=":material/output:"):
        st.json(part.args or {})


def _render_retrieved(found: tuple[Retrieved, ...]) -> None:
    for passage in found:
        title = unfetch_images(passage.title)
        link = f"[{title}]({passage.uri})" if passage.uri.startswith("https://") else title
        st.markdown(f"**[{passage.number}]** {link}")
        if passage.store:
            st.caption(f"From `{passage.store}`")
        if passage.text:
            st.text(passage.text)


def render_tool_step(candidate: Candidate, part: ReplyPart) -> None:
    """A server-side tool call (file search, …) as one line, its response folded away
    with the passages it retrieved."""
    if part.kind == "tool_call":
        summary = step_summary(part)
        st.caption(
            f":material/manage_search: **{part.tool_label}**"
            + (f" — {unfetch_images(summary)}" if summary else "")
        )
        return
    found = step_sources(candidate, part)
    label = f"{part.tool_label} result"
    if found:
        label += f" · {len(found)} passage{'s' if len(found) != 1 else ''} retrieved"
    with st.expander(label, icon=":material/fact_check:"):
        _render_retrieved(found)
        if part.args:
            st.json(part.args, expanded=False)


def render_grounding(candidate: Candidate) -> None:
    """Sources, the searches made, URL retrieval, and Google's search suggestions (in an
    isolated frame: a data: URL has an origin of its own, so it can reach nothing here)."""
    grounding = candidate.grounding
    if grounding.empty:
        return
    if grounding.sources:
        lines = [
            f"{number}. [{unfetch_images(title)}]({uri})"
            if uri.startswith(("https://", "http://"))
            else f"{number}. {unfetch_images(title)}"
            for number, (title, uri) in enumerate(grounding.sources, start=1)
        ]
        st.markdown("**Sources**\n\n" + "\n".join(lines))
    if grounding.retrieved and not any(p.kind == "tool_response" for p in candidate.parts):
        with st.expander("Retrieved passages", icon=":material/fact_check:"):
            _render_retrieved(grounding.retrieved)
    if grounding.queries:
        st.caption(":material/search: Searched for: " + " · ".join(grounding.queries))
    for url, status in grounding.urls:
        ok = status == "URL_RETRIEVAL_STATUS_SUCCESS"
        shown = status.removeprefix("URL_RETRIEVAL_STATUS_").replace("_", " ").lower()
        st.caption(f"{':material/link:' if ok else ':material/link_off:'} {url} — {shown}")
    if grounding.suggestions_html:
        encoded = base64.b64encode(grounding.suggestions_html.encode("utf-8")).decode()
        st.iframe(f"data:text/html;base64,{encoded}", height=70)


def render_candidate(candidate: Candidate, *, as_json: bool = False) -> None:
    """One candidate's parts in order, then where its answer came from."""
    if candidate.thoughts:
        with st.expander("Thoughts", icon=":material/psychology:"):
            st.markdown(unfetch_images(candidate.thoughts))
    grounding = candidate.grounding
    for part in candidate.parts:
        if part.kind == "text":
            if as_json:
                try:
                    st.json(json.loads(part.text))
                    continue
                except json.JSONDecodeError:
                    pass
            text = part.text
            if grounding.supports:
                text = cite(text, grounding.supports, grounding.sources, part.part_index)
            st.markdown(unfetch_images(text))
        elif part.kind == "image" and part.mime_type.lower() in RASTER_MIME:
            st.image(part.data, output_format="PNG")
        elif part.kind == "image":
            st.warning(unsupported_message(part.mime_type), icon=":material/broken_image:")
        elif part.kind == "code":
            st.caption(":material/code: Code")
            st.code(part.text, language="python")
        elif part.kind == "code_result":
            render_code_result(part)
        elif part.kind == "function_call":
            render_function_call(part)
        elif part.kind == "function_response":
            render_function_response(part)
        elif part.kind in ("tool_call", "tool_response"):
            render_tool_step(candidate, part)
    render_grounding(candidate)
    if not candidate.parts and not candidate.finish_reason:
        st.caption("(no content)")


def usage_line(reply: Reply) -> str:
    """Token usage (and model version) in one line, for compact places."""
    usage = reply.usage
    line = (
        f"Tokens: prompt {usage.prompt_tokens:,} · output {usage.output_tokens:,} · "
        f"thoughts {usage.thought_tokens:,} · total {usage.total_tokens:,}"
    )
    if reply.model_version:
        line += f" · model `{reply.model_version}`"
    return line


def render_usage(reply: Reply) -> None:
    """Token usage and timing as a row of small metrics."""
    usage = reply.usage
    cols = st.columns(5)
    cols[0].metric("Prompt tokens", f"{usage.prompt_tokens:,}")
    cols[1].metric("Output tokens", f"{usage.output_tokens:,}")
    cols[2].metric("Thought tokens", f"{usage.thought_tokens:,}")
    cols[3].metric("Total tokens", f"{usage.total_tokens:,}")
    cols[4].metric("Latency", f"{reply.timing.latency_s:.2f} s")
    # In words, where an st.metric would truncate "MAX_TOKENS" in a narrow column.
    st.markdown(f":material/flag: {finish_words(finish_code(reply))}")
    details = []
    if reply.model_version:
        details.append(f"Model version: `{reply.model_version}`")
    if usage.tool_prompt_tokens:
        details.append(f"tool-use prompt tokens: {usage.tool_prompt_tokens:,}")
    if reply.timing.attempts > 1:
        details.append(f"succeeded after {reply.timing.attempts} attempts")
    if details:
        st.caption(" · ".join(details))


def render_finish(reply: Reply) -> None:
    """Explain in words why the reply ended, when it was not a normal stop."""
    explanation = reply.finish_explanation()
    if not explanation:
        return
    if reply.blocked:
        st.warning(
            f"**Prompt blocked ({reply.block_reason})** — {explanation}", icon=":material/block:"
        )
    else:
        st.info(
            f"**{reply.finish_reason or 'Unfinished'}** — {explanation}", icon=":material/info:"
        )


def render_reply(reply: Reply, *, as_json: bool = False) -> None:
    """The whole reply: one candidate inline, several side by side in tabs."""
    if len(reply.candidates) > 1:
        tabs = st.tabs([f"Candidate {c.index + 1}" for c in reply.candidates])
        for tab, candidate in zip(tabs, reply.candidates, strict=True):
            with tab:
                render_candidate(candidate, as_json=as_json)
                if candidate.finish_reason and candidate.finish_reason != "STOP":
                    st.caption(f"Finish: {candidate.finish_reason}")
    elif reply.first:
        render_candidate(reply.first, as_json=as_json)
    render_finish(reply)
    render_usage(reply)
