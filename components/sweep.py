"""Parameter sweep building blocks: the prompt, the sweep form, the run with progress, the
chart, each value's figures with its replies side by side, Get code and the downloads."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components.code import get_code
from components.connection import Connected
from components.cost import price_table, priced_offline
from components.errors import show_error
from components.prompt import system_instruction_editor, variables_editor
from components.session import run_blockers
from components.waiting import wait_for
from playground import variables
from playground.catalog import ModelInfo
from playground.errors import BadInput, PlaygroundError
from playground.markdown import unfetch_images
from playground.pricing import describe
from playground.settings import GenerationSettings
from playground.state import (
    SETTINGS,
    SWEEP_COUNT,
    SWEEP_ERROR,
    SWEEP_FROM,
    SWEEP_LOGPROBS,
    SWEEP_MODE,
    SWEEP_PROMPT,
    SWEEP_RESULT,
    SWEEP_SAMPLES,
    SWEEP_SETTING,
    SWEEP_TO,
    SWEEP_TYPED,
)
from playground.sweep import (
    KNOBS,
    LOGPROB_MODEL_PREFIXES,
    MAX_SAMPLES,
    MAX_VALUES,
    MIN_SAMPLES,
    MIN_VALUES,
    MODES,
    TYPED,
    SampleResult,
    Sweep,
    SweepAsk,
    SweepCell,
    ValueFigures,
    all_figures,
    bounds,
    chart_specs,
    format_value,
    knob_defaults,
    plan_sweep,
    run_sweep,
    serves_logprobs,
    sweep_cost,
    to_csv,
    to_json,
)
from playground.tuning import preview

LONG_REPLY_CHARS = 1200  # a longer reply scrolls inside its card, so the rows stay level
CARDS_A_ROW = 5


def sweep_prompt() -> tuple[str, dict[str, str]]:
    """The shared system instruction, the prompt and its ``{{variables}}``."""
    system_instruction_editor()
    text = st.text_area(
        "Prompt", key=SWEEP_PROMPT, height=100, persist_state="session"
    )  # the same prompt for every value and sample
    system = st.session_state[SETTINGS].system_instruction
    return text or "", variables_editor("sweep", text or "", system)


def _new_setting() -> None:
    """A newly chosen setting starts from its own ends and typed list."""
    defaults = knob_defaults(st.session_state[SWEEP_SETTING])
    st.session_state[SWEEP_FROM] = defaults["sweep.from"]
    st.session_state[SWEEP_TO] = defaults["sweep.to"]
    st.session_state[SWEEP_TYPED] = defaults["sweep.typed"]


def sweep_form(model: ModelInfo) -> SweepAsk:
    """Which setting, which values (evenly spaced or typed), how many samples."""
    cols = st.columns([1.2, 1.6, 2.8, 1.2], vertical_alignment="bottom")
    setting = cols[0].selectbox(
        "Setting to sweep",
        list(KNOBS),
        format_func=lambda name: KNOBS[name].label,
        key=SWEEP_SETTING,
        on_change=_new_setting,
        persist_state="session",
    )
    knob = KNOBS[setting]
    mode = TYPED
    if knob.kind == "level":
        cols[1].caption("Thinking levels are typed as a list.")
    else:
        mode = (
            cols[1].segmented_control(
                "Values", MODES, key=SWEEP_MODE, persist_state="session", width="stretch"
            )
            or MODES[0]
        )
    start = stop = 0.0
    count = MIN_VALUES
    typed = ""
    if mode == TYPED:
        placeholder = "e.g. LOW, HIGH" if knob.kind == "level" else f"e.g. {knob.typed}"
        typed = cols[2].text_input(
            f"{knob.label} values (comma-separated, {MIN_VALUES}–{MAX_VALUES})",
            key=SWEEP_TYPED,
            placeholder=placeholder,
            persist_state="session",
        )
    else:
        low, high = bounds(knob, model)
        ends = cols[2].columns([1, 1, 1.3], vertical_alignment="bottom")
        number = {"step": float(knob.step), "format": "%.0f" if knob.integer else "%.2f"}
        takes = f"{knob.label} takes {low:g}–{high:g} on this model."
        # No min/max on the boxes: a value out of bounds is explained, not silently clamped.
        start = ends[0].number_input(
            "From", key=SWEEP_FROM, persist_state="session", help=takes, **number
        )
        stop = ends[1].number_input(
            "To", key=SWEEP_TO, persist_state="session", help=takes, **number
        )
        count = ends[2].slider(
            "Values", MIN_VALUES, MAX_VALUES, key=SWEEP_COUNT, persist_state="session"
        )
    samples = cols[3].slider(
        "Samples per value",
        MIN_SAMPLES,
        MAX_SAMPLES,
        key=SWEEP_SAMPLES,
        persist_state="session",
        help="Several samples show how much the replies spread at each value.",
    )
    logprobs = st.checkbox(
        "Ask for log probabilities (responseLogprobs)",
        key=SWEEP_LOGPROBS,
        persist_state="session",
        help="Sent only to models that serve them (" + ", ".join(LOGPROB_MODEL_PREFIXES) + "…); "
        "the Gemini 2.5 models refuse them.",
    )
    if logprobs and not serves_logprobs(model.id):
        st.caption(
            f":material/info: `{model.id}` does not return log probabilities, so they are not "
            "asked for; gemini-2.0-flash and gemini-2.0-flash-lite do."
        )
    return SweepAsk(setting, mode, float(start), float(stop), int(count), typed, samples, logprobs)


def plan(
    base: GenerationSettings, prompt: str, values: dict[str, str], ask: SweepAsk, model: ModelInfo
) -> Sweep | BadInput:
    """The sweep the form describes (prompt variables filled in), or why it can't run."""
    system = variables.fill(base.system_instruction, values)
    if system != base.system_instruction:
        base = base.model_copy(update={"system_instruction": system})
    try:
        return plan_sweep(base, variables.fill(prompt, values), ask, model)
    except BadInput as problem:
        return problem


def run_row(planned: Sweep | BadInput) -> bool:
    """The Run button, what it will send (or why it can't), and Get code for its first
    value. True when Run was pressed."""
    cols = st.columns([1.3, 1.1, 5], vertical_alignment="center")
    cells = len(planned.cells()) if isinstance(planned, Sweep) else 0
    pressed = cols[0].button(
        f"Run {cells} requests" if cells else "Run sweep",
        key="sweep.run",
        type="primary",
        icon=":material/stacked_line_chart:",
    )
    with cols[1]:
        get_code(
            (lambda: planned.request(0)) if isinstance(planned, Sweep) else None,
            key="sweep.code",
            label="Get code",
        )
    if isinstance(planned, Sweep):
        shown = ", ".join(format_value(v) for v in planned.values)
        cols[2].caption(
            f"{planned.knob.label}: **{shown}** × {planned.samples} samples on "
            f"`{planned.model}`" + (" · log probabilities asked for" if planned.logprobs else "")
        )
    else:
        st.warning(f"{planned.message} {planned.remedy}", icon=":material/block:")
    return pressed


def run(link: Connected, planned: Sweep | BadInput, prompt: str, values: dict[str, str]) -> None:
    """Send the sweep with progress; a refusal sends nothing."""
    st.session_state[SWEEP_ERROR] = None
    if isinstance(planned, BadInput):
        return  # already explained under the Run button; nothing is sent
    try:
        run_blockers()
        system = st.session_state[SETTINGS].system_instruction
        variables.require(variables.names_in(prompt, system), values)
    except PlaygroundError as error:
        st.session_state[SWEEP_ERROR] = error
        return
    cells = len(planned.cells())
    bar = st.progress(0.0, text=f"0 / {cells} requests")

    def progress(item: tuple[int, int]) -> None:
        done, total = item
        bar.progress(done / total, text=f"{done} / {total} requests")

    working = replace(planned, results={})
    try:
        wait_for(
            lambda emit: run_sweep(link.gemini, working, lambda *item: emit(item)),
            key="sweep",
            error_key=SWEEP_ERROR,
            label=f"Running {cells} requests…",
            on_item=progress,
            finish=_keep,
        )
    except PlaygroundError as error:
        st.session_state[SWEEP_ERROR] = error
    bar.empty()


def _keep(sweep: Sweep) -> None:
    st.session_state[SWEEP_RESULT] = sweep


def render_error() -> None:
    if st.session_state.get(SWEEP_ERROR):
        show_error(st.session_state[SWEEP_ERROR])


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _cost(figures: ValueFigures) -> str:
    return describe(figures.cost, offline=priced_offline())


def render_charts(sweep: Sweep, figures: list[ValueFigures]) -> None:
    specs = chart_specs(sweep, figures)
    columns = st.columns(3)
    for index, spec in enumerate(specs):
        with columns[index % 3]:
            # The title is drawn by the page (a spec's own title is cut in narrow columns).
            spec = dict(spec)
            st.markdown(f"**{spec.pop('title')}**")
            st.vega_lite_chart(spec, width="stretch")


def _render_sample(result: SampleResult, key: str, number: int) -> None:
    with st.container(border=True, key=f"sweep.cell.{key}"):
        cell = result.cell
        if cell.error:
            st.caption(f"Sample {number}")
            st.error(cell.error, icon=":material/error:")
            return
        facts = [
            f"Sample {number}",
            f"{cell.latency_s:.2f} s",
            f"{cell.output_tokens:,} tokens",
            cell.finish_reason or "—",
        ]
        if result.avg_logprob is not None:
            facts.append(f"log-prob {result.avg_logprob:.3f}")
        st.caption(" · ".join(facts))
        if not cell.text.strip():
            st.caption("(empty reply)")
            return
        height = 300 if len(cell.text) > LONG_REPLY_CHARS else "content"
        with st.container(height=height, border=False):
            st.markdown(unfetch_images(cell.text))


def render_value(sweep: Sweep, index: int, figures: ValueFigures) -> None:
    """One value: its figures, Get code for its request, and its replies side by side."""
    label = f"{sweep.knob.label} = {format_value(figures.value)}"
    with st.container(border=False, key=f"sweep.value.{index}"):
        head = st.columns([4, 1], vertical_alignment="center")
        head[0].markdown(f"#### {label}")
        with head[1]:
            get_code(lambda: sweep.request(index), key=f"sweep.code.{index}", label="Get code")
        metrics = st.columns(5)
        distinct = "—" if figures.distinct is None else f"{figures.distinct} of {figures.samples}"
        metrics[0].metric(
            "Distinct replies",
            distinct,
            help="How many different replies the samples gave (whitespace aside).",
        )
        metrics[1].metric(
            "Distinct-2",
            _number(figures.distinct_2),
            help="Distinct word pairs over all word pairs of all samples: 1 when no pair repeats.",
        )
        metrics[2].metric(
            "Similarity",
            _number(figures.similarity),
            help="Mean similarity of every two samples (normalised Indel): 1 when identical.",
        )
        metrics[3].metric("Output tokens", _number(figures.tokens_mean, 0), help="Mean a sample.")
        metrics[4].metric(
            "Latency",
            "—" if figures.latency_median_s is None else f"{figures.latency_median_s:.2f} s",
            help="Median a sample.",
        )
        finish = ", ".join(f"{reason} × {n}" for reason, n in figures.finish_reasons.items())
        facts = [f"Finish: {finish}", f"Cost: {_cost(figures)}"]
        if figures.failed:
            facts.append(f"{figures.failed} failed")
        if figures.avg_logprob is not None:
            facts.append(f"Avg log-probability: {figures.avg_logprob:.3f}")
        elif sweep.logprobs:
            facts.append("Avg log-probability: not in the reply")
        st.caption(" · ".join(facts))
        for start in range(0, sweep.samples, CARDS_A_ROW):
            row = st.columns(min(CARDS_A_ROW, sweep.samples))
            for offset, column in enumerate(row):
                sample = start + offset
                if sample >= sweep.samples:
                    break
                result = sweep.results.get(SweepCell(index, sample))
                with column:
                    if result is None:
                        st.caption("not run")
                    else:
                        _render_sample(result, f"{index}.{sample}", sample + 1)


def render_downloads(sweep: Sweep, figures: list[ValueFigures]) -> None:
    cols = st.columns([1, 1, 4])
    cols[0].download_button(
        "Sweep CSV",
        data=lambda: to_csv(sweep),
        file_name="parameter-sweep.csv",
        mime="text/csv",
        key="sweep.download.csv",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Sweep JSON",
        data=lambda: to_json(sweep, figures),
        file_name="parameter-sweep.json",
        mime="application/json",
        key="sweep.download.json",
        icon=":material/download:",
        on_click="ignore",
    )


def render_results() -> None:
    """The last sweep: the chart, then each value's figures and replies, and the downloads."""
    sweep: Sweep | None = st.session_state.get(SWEEP_RESULT)
    if sweep is None or not sweep.results:
        return
    table = price_table()
    figures = all_figures(sweep, None if isinstance(table, BadInput) else table)
    st.divider()
    st.subheader(f"{sweep.knob.label} sweep on `{sweep.model}`", anchor=False)
    st.caption(
        f"**Prompt:** {preview(sweep.prompt, limit=300)} · {sweep.samples} samples a value · "
        f"the whole sweep: {describe(sweep_cost(figures), offline=priced_offline())}"
    )
    render_charts(sweep, figures)
    for index, value_figures in enumerate(figures):
        st.divider()
        render_value(sweep, index, value_figures)
    st.divider()
    render_downloads(sweep, figures)
