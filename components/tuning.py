"""System-instruction tuning building blocks: the variant editors, the run controls, the
charts, the grid with per-row "best" picks, the scoreboard and the downloads."""

from __future__ import annotations

from dataclasses import dataclass, replace

import altair as alt
import pandas as pd
import streamlit as st

from components.code import get_code
from components.connection import Connected
from components.cost import cell_cost_text, grid_cost_text
from components.errors import show_error
from components.session import run_blockers
from components.waiting import wait_for
from playground.errors import BadInput, PlaygroundError
from playground.gemini import build_request
from playground.markdown import unfetch_images
from playground.settings import GenerationSettings, field_ui
from playground.state import MODEL, SYSTEM_ERROR, SYSTEM_GRID, SYSTEM_INSTRUCTION, setting_key
from playground.tuning import (
    MAX_SAMPLES,
    MAX_VARIANTS,
    MIN_VARIANTS,
    PRESETS,
    SHARED_MODEL,
    Cell,
    CellResult,
    Grid,
    Variant,
    box_variants,
    grid_matches,
    parse_prompts,
    plan_run,
    preview,
    rerun_targets,
    run_into,
    summarize,
    tally,
    target_scope,
    to_csv,
    to_json,
    variant_name,
)

GRID = SYSTEM_GRID
ERROR = SYSTEM_ERROR


def _load_preset(index: int) -> None:
    name = st.session_state.get(f"system.preset.{index}")
    if name in PRESETS:
        st.session_state[f"system.variant.{index}"] = PRESETS[name]


def _use_variant(variant: Variant) -> None:
    st.session_state[SYSTEM_INSTRUCTION] = variant.system_instruction
    if variant.temperature is not None:
        st.session_state[setting_key("temperature")] = variant.temperature
    if variant.model:
        st.session_state[MODEL] = variant.model
    st.toast(
        f"{variant.name} is now the shared system instruction for Text, Streaming and Chat.",
        icon=":material/check:",
    )


def variant_editors(model_ids: list[str]) -> list[Variant]:
    """2–6 variant editors (instruction, optional temperature and model override)."""
    count = st.slider(
        "Variants", MIN_VARIANTS, MAX_VARIANTS, key="system.count", persist_state="session"
    )
    temperature = field_ui("temperature")
    variants = []
    columns = st.columns(min(count, 3))
    for index in range(count):
        with columns[index % len(columns)], st.container(border=True):
            st.markdown(f"**{variant_name(index)}**")
            st.selectbox(
                "Start from a preset",
                list(PRESETS),
                index=None,
                key=f"system.preset.{index}",
                placeholder="Load a preset…",
                on_change=_load_preset,
                args=(index,),
                label_visibility="collapsed",
            )
            text = st.text_area(
                "System instruction",
                key=f"system.variant.{index}",
                height=100,
                placeholder="(none: the baseline)",
                persist_state="session",
            )
            override = st.toggle(
                "Own temperature", key=f"system.temp_on.{index}", persist_state="session"
            )
            temp = None
            if override:
                temp = st.slider(
                    "Temperature",
                    temperature["min_value"],
                    temperature["max_value"],
                    step=temperature["step"],
                    key=f"system.temp.{index}",
                    persist_state="session",
                )
            model = st.selectbox(
                "Model",
                [SHARED_MODEL, *model_ids],
                key=f"system.model.{index}",
                persist_state="session",
            )
            variants.append(
                Variant(
                    variant_name(index), text or "", temp, None if model == SHARED_MODEL else model
                )
            )
    return variants


def prompt_editor() -> tuple[list[str], int, list[str]]:
    """Test prompts (one per line) and samples per cell; returns problems too."""
    cols = st.columns([4, 1])
    text = cols[0].text_area(
        "Test prompts (one per line, up to 10)",
        key="system.prompts",
        height=120,
        persist_state="session",
    )
    samples = cols[1].slider(
        "Samples per cell",
        1,
        MAX_SAMPLES,
        key="system.samples",
        persist_state="session",
        help="Several samples show the spread at temperature > 0.",
    )
    try:
        return parse_prompts(text or ""), samples, []
    except ValueError as exc:
        return [], samples, [str(exc)]


@dataclass(frozen=True)
class RunAsk:
    """What the run controls asked for: the whole grid, one variant or prompt, or nothing."""

    run: bool
    only_variant: int | None = None
    only_prompt: int | None = None


def run_controls(
    variants: list[Variant], prompts: list[str], samples: int, problems: list[str]
) -> RunAsk:
    """Run all cells, or pick one variant or prompt to re-run into the current grid."""
    cells = len(variants) * len(prompts) * samples
    cols = st.columns([1.2, 2, 2], vertical_alignment="bottom")
    run_all = cols[0].button(
        f"Run {cells} cells",
        key="system.run",
        type="primary",
        icon=":material/grid_view:",
        disabled=bool(problems),
    )
    partial = grid_matches(st.session_state.get(GRID), variants, prompts, samples)
    target = cols[1].selectbox(
        "Re-run one variant or prompt",
        rerun_targets(variants, prompts),
        key="system.rerun.target",
        disabled=not partial,
        help="Available once the grid has run with these variants and prompts.",
    )
    rerun = cols[2].button(
        "Re-run it", key="system.rerun", icon=":material/refresh:", disabled=not partial
    )
    if rerun:
        only_variant, only_prompt = target_scope(target, variants, prompts)
        return RunAsk(True, only_variant, only_prompt)
    return RunAsk(run_all)


def code_popovers(base: GenerationSettings, variants: list[Variant], prompts: list[str]) -> None:
    """A Get code popover per variant, for its request on the first test prompt."""
    if not prompts:
        return
    for index, (column, variant) in enumerate(
        zip(st.columns(len(variants)), variants, strict=True)
    ):
        with column:
            get_code(
                build_request(variant.settings(base), prompts[0]),
                key=f"system.code.{index}",
                label=f"Code: {variant.name}",
            )


def run(
    link: Connected,
    base: GenerationSettings,
    variants: list[Variant],
    prompts: list[str],
    samples: int,
    ask: RunAsk,
) -> None:
    """Run the whole grid, or one column or row merged into it, with progress."""
    st.session_state[ERROR] = None
    try:
        run_blockers()
        if not prompts:
            raise BadInput(
                "There are no test prompts.",
                "Write at least one prompt, one per line.",
                kind="empty_prompt",
            )
    except PlaygroundError as error:
        st.session_state[ERROR] = error
        return
    grid, cells = plan_run(
        st.session_state.get(GRID),
        base,
        variants,
        prompts,
        samples,
        only_variant=ask.only_variant,
        only_prompt=ask.only_prompt,
    )
    bar = st.progress(0.0, text=f"0 / {len(cells)} cells")

    def progress(item: tuple[int, int]) -> None:
        done, total = item
        bar.progress(done / total, text=f"{done} / {total} cells")

    # The worker fills a copy: a cancelled run leaves the grid on screen as it was.
    working = replace(grid, results=dict(grid.results))
    try:
        wait_for(
            lambda emit: run_into(link.gemini, working, cells, lambda *item: emit(item)),
            key="system",
            error_key=ERROR,
            label=f"Running {len(cells)} cells…",
            on_item=progress,
            finish=_keep_grid,
        )
    except PlaygroundError as error:
        st.session_state[ERROR] = error
        st.session_state[GRID] = grid
    bar.empty()


def _keep_grid(grid: Grid) -> None:
    st.session_state[GRID] = grid


def _metrics_frame(grid: Grid) -> pd.DataFrame:
    rows = [
        {
            "variant": grid.variants[c.variant].name,
            "latency (s)": r.latency_s,
            "output tokens": r.output_tokens,
            "finish": r.finish_reason or "—",
        }
        for c, r in grid.results.items()
    ]
    return pd.DataFrame(rows)


def spread_chart(frame: pd.DataFrame, measure: str, order: list[str]) -> alt.LayerChart:
    """Every value as a point; a box (median and spread) only for the variants with enough
    values for one to mean something."""
    base = alt.Chart(frame).encode(
        x=alt.X("variant:N", sort=order, title=None),
        y=alt.Y(f"{measure}:Q"),
        color=alt.Color("variant:N", sort=order, legend=None),
    )
    layers = []
    boxed = box_variants(frame.groupby("variant").size().to_dict())
    if boxed:
        layers.append(
            base.transform_filter(
                alt.FieldOneOfPredicate(field="variant", oneOf=boxed)
            ).mark_boxplot(extent="min-max", opacity=0.5)
        )
    layers.append(base.mark_circle(size=60, opacity=0.9).encode(tooltip=[f"{measure}:Q"]))
    return alt.layer(*layers).properties(height=220, title=measure.capitalize())


def finish_chart(frame: pd.DataFrame, order: list[str]) -> alt.Chart:
    """Cells per variant by finish reason: whole numbers on the axis."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("variant:N", sort=order, title=None),
            y=alt.Y("count():Q", title="cells", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("finish:N", title="finish"),
        )
        .properties(height=220, title="Finish reasons")
    )


def render_charts(grid: Grid) -> None:
    """Per variant: latency and output tokens (points; a box with enough samples), finish
    reasons."""
    frame = _metrics_frame(grid)
    if frame.empty:
        return
    ok = frame[frame["finish"] != "ERROR"]
    order = [v.name for v in grid.variants]
    cols = st.columns(3)
    if not ok.empty:
        for col, measure in zip(cols[:2], ["latency (s)", "output tokens"], strict=True):
            col.altair_chart(spread_chart(ok, measure, order), width="stretch")
    cols[2].altair_chart(finish_chart(frame, order), width="stretch")


LONG_REPLY_CHARS = 1500  # a longer reply scrolls inside its card, so rows stay comparable


def _render_cell(result: CellResult, key: str, cost: str = "") -> None:
    with st.container(border=True, key=f"system.cell.{key}"):
        if result.error:
            st.error(result.error, icon=":material/error:")
            return
        st.caption(
            f"{result.latency_s:.2f} s · {result.output_tokens:,} tokens · "
            f"{result.finish_reason or '—'}" + (f" · {cost}" if cost else "")
        )
        if not result.text.strip():
            st.caption("(empty reply)")
            return
        height = 360 if len(result.text) > LONG_REPLY_CHARS else "content"
        with st.container(height=height, border=False):
            st.markdown(unfetch_images(result.text))


def render_grid(grid: Grid) -> dict[int, int | None]:
    """Rows = prompts, columns = variants; returns the user's best pick per row."""
    best: dict[int, int | None] = {}
    names = [v.name for v in grid.variants]
    header = st.columns(len(names))
    for col, variant in zip(header, grid.variants, strict=True):
        col.markdown(f"**{variant.name}**")
        col.caption(preview(variant.system_instruction, empty="(no system instruction)"))
    for p, prompt in enumerate(grid.prompts):
        st.divider()
        st.markdown(f"**Prompt {p + 1}:** {preview(prompt, limit=400)}")
        columns = st.columns(len(names))
        for v, col in enumerate(columns):
            with col:
                for s in range(grid.samples):
                    result = grid.results.get(Cell(v, p, s))
                    if result is None:
                        st.caption("not run yet")
                        continue
                    if grid.samples > 1:
                        st.caption(f"Sample {s + 1}")
                    cost = cell_cost_text(grid, Cell(v, p, s), result)
                    _render_cell(result, key=f"{v}.{p}.{s}", cost=cost)
        choice = st.radio(
            "Best for this prompt",
            ["—", *names],
            horizontal=True,
            key=f"system.best.{p}",
            persist_state="session",
        )
        best[p] = names.index(choice) if choice in names else None
    return best


def render_scoreboard(grid: Grid, best: dict[int, int | None]) -> None:
    scores = tally(best, len(grid.variants))
    cols = st.columns(len(grid.variants))
    for index, (col, variant) in enumerate(zip(cols, grid.variants, strict=True)):
        summary = summarize(grid.results, index)
        latency = (
            f"{summary.latency_median_s:.2f} s" if summary.latency_median_s is not None else "—"
        )
        col.metric(
            f"{variant.name} — best picks",
            scores[index],
            help="How many prompts you picked this variant as best for.",
        )
        col.caption(
            f"median {latency} · {summary.failed} failed of {summary.cells} · "
            f"{grid_cost_text(grid, index)}"
        )
        col.button(
            "Use this instruction",
            key=f"system.use.{index}",
            on_click=_use_variant,
            args=(variant,),
            icon=":material/input:",
        )


def render_downloads(grid: Grid) -> None:
    cols = st.columns([1, 1, 4])
    cols[0].download_button(
        "Results CSV",
        data=lambda: to_csv(grid.results, grid.variants, grid.prompts),
        file_name="tuning-grid.csv",
        mime="text/csv",
        key="system.download.csv",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Results JSON",
        data=lambda: to_json(grid.results, grid.variants, grid.prompts, grid.base),
        file_name="tuning-grid.json",
        mime="application/json",
        key="system.download.json",
        icon=":material/download:",
        on_click="ignore",
    )


def render_error() -> None:
    if st.session_state.get(ERROR):
        show_error(st.session_state[ERROR])


def render_results() -> None:
    """Charts, the grid with best picks, the scoreboard and the downloads of the last run."""
    grid: Grid | None = st.session_state.get(GRID)
    if grid is None or not grid.results:
        return
    st.divider()
    render_charts(grid)
    best = render_grid(grid)
    st.divider()
    st.subheader("Scoreboard", anchor=False)
    render_scoreboard(grid, best)
    st.caption(f":material/payments: The whole grid: {grid_cost_text(grid)}")
    render_downloads(grid)
