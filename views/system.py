"""System-instruction tuning: variants × test prompts, run side by side, judged at a glance."""

import streamlit as st

from components.code import get_code
from components.session import connected, run_blockers
from components.tuning import (
    GRID,
    grid_matches,
    prompt_editor,
    render_charts,
    render_downloads,
    render_error,
    render_grid,
    render_scoreboard,
    run,
    variant_editors,
)
from playground.errors import PlaygroundError
from playground.gemini import build_request

st.title("System-instruction tuning", anchor=False)
st.caption(
    "Write a few system instructions, run them on the same test prompts side by side, "
    "pick the best answer per prompt, then use the winner everywhere."
)

link = connected()
base = st.session_state["settings"]
variants = variant_editors([m.id for m in link.catalog.text_models])
prompts, samples, problems = prompt_editor()
for problem in problems:
    st.warning(problem, icon=":material/edit_note:")

cells = len(variants) * len(prompts) * samples
grid = st.session_state.get(GRID)
cols = st.columns([1.2, 2, 2], vertical_alignment="bottom")
run_all = cols[0].button(
    f"Run {cells} cells",
    key="system.run",
    type="primary",
    icon=":material/grid_view:",
    disabled=bool(problems),
)
partial = grid_matches(grid, variants, prompts, samples)
targets = [v.name for v in variants] + [f"Prompt {p + 1}" for p in range(len(prompts))]
target = cols[1].selectbox(
    "Re-run one variant or prompt",
    targets,
    key="system.rerun.target",
    disabled=not partial,
    help="Available once the grid has run with these variants and prompts.",
)
rerun = cols[2].button(
    "Re-run it", key="system.rerun", icon=":material/refresh:", disabled=not partial
)

if prompts:
    code_columns = st.columns(len(variants))
    for index, (column, variant) in enumerate(zip(code_columns, variants, strict=True)):
        with column:
            get_code(
                build_request(variant.settings(base), prompts[0]),
                key=f"system.code.{index}",
                label=f"Code: {variant.name}",
            )

if run_all or rerun:
    only_variant = only_prompt = None
    if rerun and target in targets:
        position = targets.index(target)
        if position < len(variants):
            only_variant = position
        else:
            only_prompt = position - len(variants)
    try:
        run_blockers()
        run(
            link,
            base,
            variants,
            prompts,
            samples,
            only_variant=only_variant,
            only_prompt=only_prompt,
        )
    except PlaygroundError as error:
        st.session_state["system.error"] = error
    st.rerun()  # redraw the controls for the grid that now exists

render_error()
grid = st.session_state.get(GRID)
if grid is not None and grid.results:
    st.divider()
    render_charts(grid)
    best = render_grid(grid)
    st.divider()
    st.subheader("Scoreboard", anchor=False)
    render_scoreboard(grid, best)
    render_downloads(grid)
