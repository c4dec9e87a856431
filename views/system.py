"""System-instruction tuning: variants × test prompts, run side by side, judged at a glance."""

import streamlit as st

from components.session import connected
from components.tuning import (
    code_popovers,
    prompt_editor,
    render_error,
    render_results,
    run,
    run_controls,
    variant_editors,
)
from components.waiting import resume
from playground.state import SETTINGS

st.title("System-instruction tuning", anchor=False)
st.caption(
    "Write a few system instructions, run them on the same test prompts side by side, "
    "pick the best answer per prompt, then use the winner everywhere."
)

link = connected()
base = st.session_state[SETTINGS]
variants = variant_editors([m.id for m in link.catalog.text_models])
prompts, samples, problems = prompt_editor()
for problem in problems:
    st.warning(problem, icon=":material/edit_note:")

ask = run_controls(variants, prompts, samples, problems)
code_popovers(base, variants, prompts)
if ask.run:
    run(link, base, variants, prompts, samples, ask)
    st.rerun()  # redraw the controls for the grid that now exists
else:
    resume("system")  # a grid still running when another widget was touched

render_error()
render_results()
