"""Write a StreamRun into the page as it arrives, and show its figures afterwards.

Thought summaries stream into their own expander, the answer goes through st.write_stream,
and a one-line figure (time to first token, chunks, tokens, tokens/s) updates per chunk.
The run is parked in session state while it streams, so that if Streamlit interrupts the
script (the user pressed Stop, or touched another widget), the next run still has every
chunk that arrived: `recover_interrupted` turns it into a "stopped" Reply.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing

import streamlit as st

from components.cost import cost_text
from components.reply import render_candidate, render_finish, usage_line
from components.waiting import retry_notices, show_retry
from playground.background import Background, Emit, Tick
from playground.gemini import StreamRun
from playground.markdown import unfetch_images, unfetch_stream
from playground.reply import FINISH_WORDS, Reply, Timing, finish_code, finish_words  # noqa: F401 (re-exported)
from playground.state import SETTINGS, STREAM_ERROR, STREAM_REPLY, STREAM_REQUEST

FRAME_RATE = 30  # screen updates a second while a stream arrives, at most


def live_figures(run: StreamRun) -> str:
    """One line of live figures for a stream in progress (constant time per chunk)."""
    timing, output_tokens = run.progress()
    return figure_line(timing, output_tokens)


def figure_line(timing: Timing, output_tokens: int) -> str:
    parts = []
    if timing.first_token_s is not None:
        parts.append(f"first token {timing.first_token_s:.2f} s")
    parts.append(f"{timing.chunks} chunks")
    parts.append(f"{output_tokens:,} output tokens")
    if timing.tokens_per_s:
        parts.append(f"{timing.tokens_per_s:,.0f} tokens/s")
    parts.append(f"{timing.latency_s:.2f} s")
    return " · ".join(parts)


def _pump(run: StreamRun, emit: Emit) -> None:
    """The worker's side: iterate the stream, handing every event to the script."""
    run.on_retry = retry_notices(emit)
    with closing(run.events()) as events:
        for event in events:
            emit(event)


def stream_live(run: StreamRun, inflight_key: str) -> Reply:
    """Stream the run into the current container; return the final Reply.

    The stream is read by a Background worker, so while nothing arrives (before the first
    token) the clock still moves and Stop interrupts at once.
    """
    st.session_state[inflight_key] = run
    thoughts_box = st.empty()
    thoughts: list[str] = []
    figures_box = st.empty()
    job = Background(lambda emit: _pump(run, emit))

    def draw_thoughts() -> None:
        with (
            thoughts_box.container(),
            st.expander("Thoughts", icon=":material/psychology:", expanded=True),
        ):
            st.markdown(unfetch_images("".join(thoughts)))

    def answer() -> Iterator[str]:
        """The answer text, drawn at most FRAME_RATE times a second (chunks that arrive
        between two frames go out together), with the thoughts and figures alongside."""
        text: list[str] = []
        thoughts_changed = False
        drawn_at = 0.0
        for event in job.watch():
            if isinstance(event, Tick):
                if not run.chunks:
                    figures_box.caption(
                        f":material/hourglass_top: Waiting for the first token… "
                        f"{event.elapsed_s:.1f} s"
                    )
            elif show_retry(event):
                continue
            elif event.kind == "thought":
                thoughts.append(event.text)
                thoughts_changed = True
            else:
                text.append(event.text)
            now = time.perf_counter()
            due = isinstance(event, Tick) or now - drawn_at >= 1 / FRAME_RATE
            if due and (text or thoughts_changed):
                if thoughts_changed:
                    draw_thoughts()
                    thoughts_changed = False
                if text:
                    yield "".join(text)
                    text.clear()
                figures_box.caption(f":material/timer: {live_figures(run)}")
                drawn_at = now
        if thoughts_changed:
            draw_thoughts()
        if text:
            yield "".join(text)
        figures_box.caption(f":material/timer: {live_figures(run)}")

    try:
        st.write_stream(unfetch_stream(answer()))
    finally:
        job.abandon()
    job.result()
    st.session_state.pop(inflight_key, None)
    assert run.reply is not None
    return run.reply


def retry_possible() -> bool:
    """Retry is offered on Streaming after a failed, stopped or cut stream."""
    last = st.session_state.get(STREAM_REPLY)
    return st.session_state.get(STREAM_REQUEST) is not None and (
        st.session_state.get(STREAM_ERROR) is not None
        or (last is not None and bool(last.interrupted))
    )


def recover_interrupted(inflight_key: str) -> StreamRun | None:
    """The run a previous script left mid-stream (Stop or another rerun), if any."""
    run = st.session_state.pop(inflight_key, None)
    if run is None:
        return None
    run.reply = run.snapshot("stopped")
    return run


def render_stream_figures(reply: Reply) -> None:
    """Figures of a finished stream: first token, chunks, tokens, throughput, total."""
    timing = reply.timing
    cols = st.columns(5)
    cols[0].metric(
        "Time to first token",
        f"{timing.first_token_s:.2f} s" if timing.first_token_s is not None else "—",
    )
    cols[1].metric("Chunks", f"{timing.chunks}")
    cols[2].metric("Output tokens", f"{reply.usage.output_tokens:,}")
    cols[3].metric("Tokens/s", f"{timing.tokens_per_s:,.0f}" if timing.tokens_per_s else "—")
    cols[4].metric("Total time", f"{timing.latency_s:.2f} s")
    finish = finish_words(finish_code(reply))
    if reply.blocked and reply.block_reason:
        finish += f" — {reply.block_reason}"
    st.markdown(f":material/flag: {finish}")


def token_chart_spec(timeline: tuple[tuple[float, int], ...]) -> dict:
    """A ready Vega-Lite spec (no Altair, so no schema validation on every rerun)."""
    return {
        "data": {"values": [{"seconds": t, "output tokens": n} for t, n in timeline]},
        "mark": {"type": "line", "point": False},
        "encoding": {
            "x": {"field": "seconds", "type": "quantitative", "title": "seconds"},
            "y": {"field": "output tokens", "type": "quantitative", "title": "output tokens"},
        },
        "height": 180,
    }


def render_token_chart(reply: Reply) -> None:
    """Output tokens over time, one point per chunk."""
    timeline = reply.timing.timeline
    if len(timeline) < 2:
        return
    st.caption("Output tokens over time")
    st.vega_lite_chart(token_chart_spec(timeline), width="stretch")


def render_streamed_reply(reply: Reply) -> None:
    """The finished (or stopped) stream: thoughts, text, finish, figures, usage, chart."""
    if reply.interrupted == "stopped":
        kept = (
            "the text that arrived is kept"
            if reply.text or reply.thoughts
            else "it stopped before any text arrived"
        )
        st.warning(f"**Stopped** — you stopped the stream; {kept}.", icon=":material/stop_circle:")
    if reply.first is not None:
        render_candidate(reply.first)  # thoughts, text with citations, code, calls, sources
    render_finish(reply)
    render_stream_figures(reply)
    request = st.session_state.get(STREAM_REQUEST)
    model = request.model if request is not None else st.session_state[SETTINGS].model
    st.caption(f"{usage_line(reply)} · {cost_text(reply, model)}")
    render_token_chart(reply)
