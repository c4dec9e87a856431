"""Parameter sweep: one prompt, one setting at several values, several samples each — how
much the replies spread as the setting moves."""

import streamlit as st

from components.session import connected
from components.sweep import (
    plan,
    render_error,
    render_results,
    run,
    run_row,
    sweep_form,
    sweep_prompt,
)
from components.waiting import resume
from playground.state import SETTINGS

st.title("Parameter sweep", anchor=False)
st.caption(
    "Run one prompt at several values of one setting, a few samples each, and see how much "
    "the replies differ as the setting moves. The sidebar's other settings apply to every run."
)

link = connected()
base = st.session_state[SETTINGS]
model = link.catalog.info(base.model)
prompt, values = sweep_prompt()
ask = sweep_form(model)
planned = plan(base, prompt, values, ask, model)
if run_row(planned):
    run(link, planned, prompt, values)
    st.rerun()  # redraw the form and the results of the sweep that now exists
else:
    resume("sweep")  # a sweep still running when another widget was touched

render_error()
render_results()
