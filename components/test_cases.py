"""Test cases for a prompt with ``{{variables}}``: a table of values (typed, or from a CSV),
one run per row through the bounded pool, and the results side by side with their tokens,
finish reason and cost — downloadable as CSV with the variables' values."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.cost import cost_text
from components.errors import show_error
from components.prompt import PromptInput
from components.session import connected, run_blockers
from components.waiting import resume, wait_for
from playground import variables
from playground.errors import BadInput, PlaygroundError
from playground.gemini import GenerateRequest, build_request
from playground.reply import Reply
from playground.settings import GenerationSettings
from playground.state import (
    SETTINGS,
    TEXT_CASE_RESULTS,
    TEXT_CASES,
    TEXT_CASES_PROBLEM,
    TEXT_ERROR,
)

RESULT_COLUMNS = ["reply", "output tokens", "finish", "cost"]
WAIT_KEY = "text.cases"  # the waiting call's id (components/waiting.py)
CSV_KEY = "text.cases_csv"  # the CSV uploader (a widget)


def test_cases(prompt: PromptInput, names: list[str]) -> None:
    """The test-case block of the Text page (shown when the prompt has variables)."""
    if not names:
        return
    with st.expander(
        f"Test cases ({len(st.session_state[TEXT_CASES])})",
        icon=":material/table_rows:",
        expanded=bool(st.session_state[TEXT_CASES]),
    ):
        st.file_uploader(
            "Test cases (CSV with a header row of variable names)",
            type=["csv"],
            key=CSV_KEY,
            on_change=_read_csv,
            args=(names,),
        )
        if st.session_state.get(TEXT_CASES_PROBLEM):
            show_error(st.session_state[TEXT_CASES_PROBLEM])
        rows = [{n: str(r.get(n, "")) for n in names} for r in st.session_state[TEXT_CASES]]
        edited = st.data_editor(
            rows or [{n: "" for n in names}],
            num_rows="dynamic",
            key="text.cases_editor",
            width="stretch",
        )
        st.session_state[TEXT_CASES] = [
            {n: str(row.get(n) or "") for n in names}
            for row in _records(edited)
            if any(str(row.get(n) or "").strip() for n in names)
        ]
        if st.button("Run all test cases", key="text.cases_run", icon=":material/playlist_play:"):
            _run_all(prompt, names)
        else:
            resume(WAIT_KEY)  # runs still on their way when another widget was touched
        _show_results(names)


def _read_csv(names: list[str]) -> None:
    """Load an uploaded CSV into the table (before the page redraws, so counts are right)."""
    upload = st.session_state.get(CSV_KEY)
    st.session_state[TEXT_CASES_PROBLEM] = None
    if upload is None:
        return
    try:
        st.session_state[TEXT_CASES] = variables.parse_cases_csv(upload.getvalue(), names)
    except BadInput as problem:
        st.session_state[TEXT_CASES_PROBLEM] = problem


def _records(edited: object) -> list[Mapping[str, object]]:
    if isinstance(edited, list):
        return [r for r in edited if isinstance(r, Mapping)]
    to_dict = getattr(edited, "to_dict", None)  # a DataFrame
    return list(to_dict("records")) if to_dict else []


def _request_for(
    settings: GenerationSettings, prompt: PromptInput, values: Mapping[str, str]
) -> GenerateRequest:
    filled = {**prompt.variables, **{k: v for k, v in values.items() if v}}
    system = variables.fill(settings.system_instruction, filled)
    row_settings = settings.model_copy(update={"system_instruction": system})
    return build_request(row_settings, variables.fill(prompt.text, filled), prompt.attachments)


def _run_all(prompt: PromptInput, names: list[str]) -> None:
    st.session_state[TEXT_ERROR] = None
    cases = st.session_state[TEXT_CASES]
    try:
        run_blockers()
        if not cases:
            raise BadInput("There are no test cases to run.", "Add a row to the table first.")
        for number, row in enumerate(cases, 1):
            filled = {**prompt.variables, **{k: v for k, v in row.items() if v}}
            variables.require(names, filled, where=f" in test case {number}")
    except PlaygroundError as problem:
        show_error(problem)
        return
    settings: GenerationSettings = st.session_state[SETTINGS]
    requests = [_request_for(settings, prompt, row) for row in cases]
    link = connected()

    def keep(results: list[Reply | PlaygroundError]) -> None:
        st.session_state[TEXT_CASE_RESULTS] = [
            _result_row(row, result, settings.model)
            for row, result in zip(cases, results, strict=True)
        ]

    try:
        wait_for(
            lambda emit: link.gemini.generate_all(requests),
            key=WAIT_KEY,
            error_key=TEXT_ERROR,
            label=f"Running {len(requests)} test cases…",
            finish=keep,
        )
    except PlaygroundError as problem:
        show_error(problem)


def _result_row(
    row: Mapping[str, str], result: Reply | PlaygroundError, model: str
) -> dict[str, str]:
    if isinstance(result, PlaygroundError):
        return {**row, "reply": f"Error: {result.message}", "output tokens": "", "finish": "",
                "cost": ""}  # fmt: skip
    return {
        **row,
        "reply": result.text,
        "output tokens": f"{result.usage.output_tokens:,}",
        "finish": result.finish_reason or "",
        "cost": cost_text(result, model).removeprefix("Cost: "),
    }


def _show_results(names: list[str]) -> None:
    results = st.session_state[TEXT_CASE_RESULTS]
    if not results:
        return
    columns = [*names, *RESULT_COLUMNS]
    st.dataframe(
        [{c: r.get(c, "") for c in columns} for r in results],
        width="stretch",
        hide_index=True,
    )
    st.download_button(
        "Download results (CSV)",
        variables.cases_to_csv(results, names, RESULT_COLUMNS),
        file_name="test-case-results.csv",
        mime="text/csv",
        key="text.cases_download",
        icon=":material/download:",
    )
