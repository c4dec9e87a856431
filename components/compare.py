"""Compare: the columns' setup, their streams drawn side by side as they arrive, and the
finished comparison (replies, figures, cost, the vote, Use this, the word diff).

Every column's stream is read by a worker thread of its own; the workers only put what
they read on one queue. The script thread takes it off the queue and draws, so no worker
ever calls Streamlit.
"""

from __future__ import annotations

import queue
import threading
import time
from contextlib import closing
from typing import Any

import streamlit as st

from components.connection import Connected
from components.cost import cost_text
from components.errors import show_error
from components.library import record_run
from components.prompt import PromptInput
from components.reply import render_candidate, render_finish
from components.run import filled as filled_prompt
from components.session import run_blockers
from components.streaming import finish_code, finish_words
from playground import variables
from playground.compare import (
    COLUMN_CHOICES,
    Column,
    CompareRun,
    check_setup,
    column_labels,
    figures,
    fill_models,
    model_key,
    word_diff,
)
from playground.errors import PlaygroundError
from playground.gemini import StreamEvent, StreamRun, build_request
from playground.markdown import unfetch_images
from playground.settings import GenerationSettings
from playground.state import (
    COMPARE_COUNT,
    COMPARE_DIFF_A,
    COMPARE_DIFF_B,
    COMPARE_INFLIGHT,
    COMPARE_NOTICE,
    COMPARE_RUN,
    MODEL,
    SETTINGS,
)

FRAME_RATE = 12  # redraws a second while the columns stream, at most
_DONE = object()


def column_setup(link: Connected) -> tuple[list[str], list[str]]:
    """How many columns and each one's model (from the catalogue's text models); returns
    (model ids, column labels)."""
    models = link.catalog.text_models
    ids = [m.id for m in models]
    names = {m.id: m.display_name for m in models}
    count = st.radio(
        "Columns",
        COLUMN_CHOICES,
        key=COMPARE_COUNT,
        horizontal=True,
        help="How many models answer the same prompt side by side.",
    )
    count = int(count or COLUMN_CHOICES[0])
    if not ids:
        st.warning("No text model is available to this connection, so there is nothing to compare.")
        return [], []
    current = [st.session_state.get(model_key(i)) for i in range(count)]
    filled = fill_models(current, ids, st.session_state[SETTINGS].model)
    chosen: list[str] = []
    for index, (col, model) in enumerate(zip(st.columns(count), filled, strict=True)):
        if st.session_state.get(model_key(index)) != model:
            st.session_state[model_key(index)] = model
        chosen.append(
            col.selectbox(
                f"Column {index + 1}",
                ids,
                key=model_key(index),
                format_func=lambda m: names.get(m, m),
            )
        )
    return chosen, column_labels(chosen, names)


def build_run(link: Connected, prompt: PromptInput, models: list[str], labels: list[str]):
    """The comparison to send: one streamed request per column, the shared settings with
    that column's model (fitted to it). BadInput (nothing sent) for an empty prompt, a
    refused attachment or a sidebar setting that must be fixed first."""
    check_setup(models, [m.id for m in link.catalog.text_models])
    run_blockers()
    prompt.require_sendable()
    settings: GenerationSettings = st.session_state[SETTINGS]
    variables.require(
        variables.names_in(prompt.text, settings.system_instruction), prompt.variables
    )
    settings, text = filled_prompt(settings, prompt)
    columns = []
    for model, label in zip(models, labels, strict=True):
        info = link.catalog.info(model)
        fitted = settings.model_copy(update={"model": model}).for_model(
            info.thinking_style, info.output_token_limit
        )
        request = build_request(fitted, text, prompt.attachments, stream=True)
        columns.append(Column(model, label, request))
    return CompareRun(text, columns)


def _pump(index: int, run: StreamRun, out: queue.SimpleQueue) -> None:
    """A worker: read one column's stream, put each event (and retry notices) on `out`."""

    def retried(attempt: int, wait: float, error: PlaygroundError) -> None:
        out.put((index, f"{error.title}: retrying in {wait:.1f} s (attempt {attempt + 1})"))

    run.on_retry = retried
    try:
        with closing(run.events()) as events:
            for event in events:
                out.put((index, event))
    except Exception as exc:  # not an API error: handed to the script as this column's
        out.put((index, exc))
    finally:
        out.put((index, _DONE))


def stream_columns(link: Connected, compare: CompareRun) -> None:
    """Stream every column at once into its own placeholders; fill in each Column."""
    streams = [link.gemini.stream(column.request) for column in compare.columns]
    boxes: list[tuple[Any, Any, Any]] = []
    for col, column in zip(st.columns(len(streams)), compare.columns, strict=True):
        with col, st.container(border=True):
            st.subheader(column.label, anchor=False)
            st.caption(f"`{column.model}`")
            boxes.append((st.empty(), st.empty(), st.empty()))
    st.session_state[COMPARE_INFLIGHT] = (compare, streams)  # for a Stop or another rerun
    out: queue.SimpleQueue = queue.SimpleQueue()
    texts: list[list[str]] = [[] for _ in streams]
    notes: list[str | None] = [None for _ in streams]
    failures: dict[int, Exception] = {}
    done: set[int] = set()
    for index, stream in enumerate(streams):
        threading.Thread(
            target=_pump, args=(index, stream, out), name=f"compare-{index}", daemon=True
        ).start()
    drawn_at = 0.0
    try:
        while len(done) < len(streams):
            try:
                items = [out.get(timeout=0.1)]
            except queue.Empty:
                items = []
            while True:
                try:
                    items.append(out.get_nowait())
                except queue.Empty:
                    break
            for index, item in items:
                if item is _DONE:
                    done.add(index)
                elif isinstance(item, Exception):
                    failures[index] = item
                elif isinstance(item, str):
                    notes[index] = item
                elif isinstance(item, StreamEvent) and item.kind == "text":
                    texts[index].append(item.text)
            now = time.perf_counter()
            if now - drawn_at >= 1 / FRAME_RATE or len(done) == len(streams):
                for index, stream in enumerate(streams):
                    _draw_live(
                        boxes[index],
                        stream,
                        compare.columns[index],
                        texts[index],
                        notes[index],
                        index in done,
                    )
                drawn_at = now
    finally:
        for stream in streams:
            if stream.reply is None:
                stream.stop()  # the script went away: let the workers end
    st.session_state.pop(COMPARE_INFLIGHT, None)
    for index, (column, stream) in enumerate(zip(compare.columns, streams, strict=True)):
        column.reply = stream.reply
        column.error = stream.error
        if index in failures:
            failure = failures[index]
            column.error = PlaygroundError(
                f"This column's stream failed unexpectedly ({type(failure).__name__}).",
                "The other columns are not affected. Run the comparison again.",
                kind="compare_failed",
            )
        if column.reply is not None:
            record_run("compare", column.request, column.reply)


def recover_stopped() -> CompareRun | None:
    """The comparison a previous run left while its columns streamed (Stop, or another
    widget touched): each column keeps what arrived, a finished one its whole reply."""
    inflight = st.session_state.pop(COMPARE_INFLIGHT, None)
    if inflight is None:
        return None
    compare, streams = inflight
    for column, stream in zip(compare.columns, streams, strict=True):
        stream.stop()
        column.reply = stream.reply if stream.reply is not None else stream.snapshot("stopped")
        column.error = stream.error
    return compare


def _draw_live(
    boxes, stream: StreamRun, column: Column, text: list[str], note: str | None, finished: bool
):
    status, cost, body = boxes
    if finished and stream.error is not None and not stream.chunks:
        with status.container():
            show_error(stream.error)  # while the other columns go on
        return
    if not stream.chunks:
        waiting = f":material/hourglass_top: Waiting for the first token… {stream.elapsed():.1f} s"
        status.caption(f"{waiting} · {note}" if note else waiting)
        return
    timing, output_tokens = stream.progress()
    status.caption(f":material/timer: {figures(timing, output_tokens).line()}")
    cost.caption(cost_text(stream.snapshot(), column.model))
    body.markdown(unfetch_images("".join(text)))


def _vote(index: int) -> None:
    compare = st.session_state.get(COMPARE_RUN)
    if isinstance(compare, CompareRun) and index < len(compare.columns):
        compare.vote(index)


def _use(model: str, label: str) -> None:
    """Use this: the column's model becomes the shared (sidebar) model. Runs as a
    callback, before the sidebar's selectbox is drawn on the next run."""
    st.session_state[MODEL] = model
    st.session_state[COMPARE_NOTICE] = (
        f"**{label}** is now the model in the sidebar settings, for every page."
    )


def show_notice() -> None:
    notice = st.session_state.get(COMPARE_NOTICE)
    if notice:
        st.success(notice, icon=":material/check_circle:")
        st.session_state[COMPARE_NOTICE] = None


def show_run(compare: CompareRun) -> None:
    """The finished comparison: each column's reply, figures, cost, Best and Use this."""
    if compare.best_label:
        st.caption(f":material/star: Your vote: **{compare.best_label}** gave the best reply.")
    for index, (col, column) in enumerate(
        zip(st.columns(len(compare.columns)), compare.columns, strict=True)
    ):
        with col, st.container(border=True):
            st.subheader(column.label, anchor=False)
            st.caption(f"`{column.model}`")
            if compare.best == index:
                st.success("Voted best", icon=":material/star:")
            if column.error is not None:
                show_error(column.error)
            reply = column.reply
            if reply is not None and reply.interrupted == "stopped":
                kept = "the text that arrived is kept" if reply.text else "no text had arrived"
                st.warning(f"**Stopped** — {kept}.", icon=":material/stop_circle:")
            if reply is not None and reply.timing.chunks:
                if reply.first is not None:
                    render_candidate(reply.first)
                render_finish(reply)
                st.caption(
                    f":material/timer: {figures(reply.timing, reply.usage.output_tokens).line()}"
                )
                st.caption(f"{finish_words(finish_code(reply))} · {cost_text(reply, column.model)}")
            buttons = st.columns(2)
            buttons[0].button(
                "Best",
                key=f"compare.best.{index}",
                icon=":material/star:",
                type="primary" if compare.best == index else "secondary",
                on_click=_vote,
                args=(index,),
                help="Vote for this column's reply (press again to take the vote back).",
                width="stretch",
            )
            buttons[1].button(
                "Use this",
                key=f"compare.use.{index}",
                icon=":material/check:",
                on_click=_use,
                args=(column.model, column.label),
                help="Make this column's model the one in the sidebar settings.",
                width="stretch",
            )


def show_diff(compare: CompareRun) -> None:
    """A word-level diff of two columns' replies (chosen by the visitor)."""
    replies = compare.replies()
    if len(replies) < 2:
        return
    labels = [label for label, _ in replies]
    texts = dict(replies)
    st.subheader("Word diff", anchor=False)
    left, right = st.columns(2)
    first = left.selectbox("From", labels, index=0, key=COMPARE_DIFF_A)
    second = right.selectbox("To", labels, index=1, key=COMPARE_DIFF_B)
    if first == second:
        st.info("Choose two different columns to see what changes between their replies.")
        return
    diff = word_diff(texts[first], texts[second])
    st.caption(
        f":red[~~struck~~] words are only in **{first}**, :green[green] words only in "
        f"**{second}** · {diff.summary()}"
    )
    with st.container(border=True):
        st.markdown(diff.markdown())
