"""The sidebar: connection status and key entry, model picker, and the settings.

The widgets are rendered by the entrypoint on every page, so their values follow the user
across pages. Numeric widgets take their bounds, defaults, labels and help text from
GenerationSettings (playground.settings), so a bound is declared once.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from components.connection import Connected, access_decision, check_key, connect, has_key
from components.demo import demo_controls
from components.library import show_library_error
from components.urlstate import save_button, share_button
from playground.access import AccessDecision
from playground.catalog import ModelInfo
from playground.settings import (
    BLOCK_THRESHOLDS,
    HARM_CATEGORIES,
    THINKING_BUDGET_MAX,
    THINKING_LEVELS,
    GenerationSettings,
    field_ui,
    parse_json_schema,
    parse_stop_sequences,
)
from playground.state import (
    API_KEY,
    DEFAULT_LABEL,
    FORCE_OFFLINE,
    KEY_ERROR,
    KEY_INPUT,
    KEY_WARNING,
    MAX_TOKENS_EXACT,
    MODEL,
    OFFLINE_NOTICE,
    OFFLINE_SWITCH,
    PENALTY_SETTINGS,
    SETTINGS,
    SETTINGS_PROBLEMS,
    SYSTEM_INSTRUCTION,
    TIMEOUT,
    safety_key,
    setting_key,
    settings_widget_defaults,
)
from playground.tools import (
    FUNCTION_EXAMPLES,
    FUNCTION_MODES,
    example_text,
    parse_function_declarations,
    parse_names,
)


def reset_settings() -> None:
    """Put every settings widget back to its default (a button callback)."""
    for key, value in settings_widget_defaults().items():
        if key != MODEL:
            st.session_state[key] = value


def _use_key() -> None:
    key = (st.session_state.get(KEY_INPUT) or "").strip()
    st.session_state[KEY_INPUT] = ""  # never render the key back, not even masked
    if not key:
        st.session_state[KEY_ERROR] = "Paste a key first."
        return
    problem = check_key(key)
    if problem is not None and problem.kind in ("bad_key", "permission_denied"):
        st.session_state[KEY_ERROR] = f"{problem.message} {problem.remedy}"
        return
    st.session_state[API_KEY] = key
    st.session_state[FORCE_OFFLINE] = False
    st.session_state[OFFLINE_NOTICE] = None
    st.session_state[KEY_ERROR] = None
    if problem is not None:  # not a verdict on the key: keep it, say what happened
        st.session_state[KEY_WARNING] = f"Couldn't verify the key: {problem.message}"
    else:
        st.session_state[KEY_WARNING] = None


def _forget_key() -> None:
    st.session_state[API_KEY] = None


NO_KEY_NOTICE = (
    "The offline demo stays on: there is no Gemini API key yet. "
    "Paste one below to use Gemini itself."
)


def _switch_offline() -> None:
    """The Offline demo switch moved: on is always possible; off needs a key."""
    on = bool(st.session_state.get(OFFLINE_SWITCH))
    st.session_state[FORCE_OFFLINE] = on
    st.session_state[OFFLINE_NOTICE] = None if on or has_key() else NO_KEY_NOTICE


def _access_section() -> AccessDecision:
    """The access mode's one line, Sign in / Sign out, and a notice (an email not allowed)."""
    decision = access_decision()
    st.caption(decision.explanation)
    if decision.show_sign_in:
        st.button("Sign in", key="access.sign_in", on_click=st.login, icon=":material/login:")
    if decision.show_sign_out:
        st.button("Sign out", key="access.sign_out", on_click=st.logout, icon=":material/logout:")
    if decision.notice:
        st.warning(decision.notice, icon=":material/block:")
    return decision


def _why_offline(decision: AccessDecision) -> str:
    if decision.key == "none":
        return "this deployment does not use its own key for you; paste yours to go online"
    return "there is no API key"


def _connection_section() -> None:
    decision = _access_section()
    keyed = has_key(decision)
    if keyed:
        st.session_state[OFFLINE_NOTICE] = None
    # The switch shows the mode in use: on whenever the app is offline, chosen or not.
    st.session_state[OFFLINE_SWITCH] = bool(st.session_state.get(FORCE_OFFLINE)) or not keyed
    st.toggle(
        "Offline demo",
        key=OFFLINE_SWITCH,
        on_change=_switch_offline,
        help="Use the built-in simulated Gemini (no key, no network, no quota)."
        + ("" if keyed else f" It is on because {_why_offline(decision)}."),
    )
    if st.session_state.get(OFFLINE_NOTICE):
        st.info(st.session_state[OFFLINE_NOTICE], icon=":material/key:")
    if st.session_state.get(API_KEY):
        st.caption("Using the API key you pasted (kept in this browser session only).")
        if st.session_state.get(KEY_WARNING):
            st.warning(st.session_state[KEY_WARNING], icon=":material/wifi_off:")
        st.button("Forget my key", key="connection.forget", on_click=_forget_key)
        return
    with st.expander(
        "Use your Gemini API key", expanded=bool(st.session_state.get(OFFLINE_NOTICE))
    ):
        st.text_input(
            "API key",
            key=KEY_INPUT,
            type="password",
            placeholder="Paste a key from Google AI Studio",
            help="Held only in this session's memory; never stored, logged or shown.",
        )
        st.button("Use key", key="connection.use_key", on_click=_use_key)
        st.caption("Get a key at aistudio.google.com/apikey.")
    if st.session_state.get(KEY_ERROR):
        st.error(st.session_state[KEY_ERROR], icon=":material/key_off:")


def _model_picker(connected: Connected) -> ModelInfo:
    models = connected.catalog.text_models
    ids = [m.id for m in models]
    if st.session_state.get(MODEL) not in ids:
        preferred = GenerationSettings().model
        st.session_state[MODEL] = preferred if preferred in ids else ids[0]
    names = {m.id: m.display_name for m in models}
    model_id = st.selectbox("Model", ids, key=MODEL, format_func=names.get)
    info = connected.catalog.info(model_id)
    facts = [f"`{info.id}`"]
    if info.input_token_limit and info.output_token_limit:
        facts.append(f"{info.input_token_limit:,} in / {info.output_token_limit:,} out tokens")
    if info.thinking:
        facts.append("thinking")
    st.caption(" · ".join(facts))
    if connected.catalog.from_fallback:
        st.caption(f"Model list unavailable ({connected.catalog.problem}); showing defaults.")
    return info


def _number_slider(name: str, max_override: int | float | None = None) -> Any:
    ui = field_ui(name)
    max_value = max_override if max_override is not None else ui["max_value"]
    key = setting_key(name)
    if st.session_state.get(key) is not None and st.session_state[key] > max_value:
        st.session_state[key] = max_value
    return st.slider(
        ui["label"],
        min_value=ui["min_value"],
        max_value=max_value,
        step=ui["step"],
        key=key,
        help=ui["help"],
    )


def _exact_max_tokens() -> None:
    """The number box changed: it sets the setting (the slider follows on the next run)."""
    value = st.session_state.get(MAX_TOKENS_EXACT)
    if value is not None:
        st.session_state[setting_key("max_output_tokens")] = int(value)


def _max_tokens_controls(max_override: int | None) -> Any:
    """Max output tokens as a slider (coarse) with a number box beside it (exact).

    The slider's key holds the setting (URL state, Reset and the library write it); the box
    is refreshed from it on every run and writes back to it only through its callback, so
    the two never fight."""
    ui = field_ui("max_output_tokens")
    max_value = max_override or ui["max_value"]
    key = setting_key("max_output_tokens")
    if st.session_state.get(key) is not None and st.session_state[key] > max_value:
        st.session_state[key] = max_value
    st.session_state[MAX_TOKENS_EXACT] = st.session_state.get(key, ui["default"])
    slider_col, box_col = st.columns([3, 2], vertical_alignment="bottom", gap="small")
    value = slider_col.slider(
        ui["label"],
        min_value=ui["min_value"],
        max_value=max_value,
        step=ui["step"],
        key=key,
        help=ui["help"],
    )
    box_col.number_input(
        f"{ui['label']} (exact)",
        min_value=ui["min_value"],
        max_value=max_value,
        step=1,
        key=MAX_TOKENS_EXACT,
        on_change=_exact_max_tokens,
        label_visibility="collapsed",
    )
    return value


def _thinking_controls(model: ModelInfo) -> dict[str, Any]:
    style = model.thinking_style
    values: dict[str, Any] = {}
    if style is None:
        return values
    st.markdown("**Thinking**")
    if style == "budget":
        if st.toggle("Set thinking budget", key=setting_key("custom_thinking")):
            values["thinking_budget"] = st.slider(
                "Thinking budget (tokens)",
                min_value=-1,
                max_value=THINKING_BUDGET_MAX,
                step=128,
                key=setting_key("thinking_budget"),
                help="-1 lets the model decide; 0 turns thinking off (where the model allows).",
            )
    else:
        level = st.selectbox(
            "Thinking level",
            [DEFAULT_LABEL, *THINKING_LEVELS],
            key=setting_key("thinking_level"),
            help="How much the model reasons before answering.",
        )
        if level != DEFAULT_LABEL:
            values["thinking_level"] = level
    values["include_thoughts"] = st.toggle(
        "Include thoughts", key=setting_key("include_thoughts"), help="Show thought summaries."
    )
    return values


def _output_controls(problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    fmt = st.segmented_control(
        "Response format", ["Text", "JSON"], key=setting_key("response_format")
    )
    values["response_format"] = "json" if fmt == "JSON" else "text"
    if values["response_format"] == "json":
        schema_text = st.text_area(
            "JSON schema (optional)",
            key=setting_key("response_schema"),
            height=140,
            placeholder='{"type": "object", "properties": {"name": {"type": "string"}}}',
            help="A JSON Schema the reply must follow (sent as responseJsonSchema).",
        )
        try:
            values["response_schema"] = parse_json_schema(schema_text or "")
        except ValueError as exc:
            st.error(str(exc), icon=":material/data_object:")
            problems.append(f"{exc} Fix the JSON schema in the sidebar.")
    stops_text = st.text_area(
        "Stop sequences (one per line)",
        key=setting_key("stop_sequences"),
        height=68,
        help=field_ui("stop_sequences")["help"],
    )
    try:
        values["stop_sequences"] = parse_stop_sequences(stops_text or "")
    except ValueError as exc:
        st.error(str(exc))
        problems.append(f"{exc} Remove some stop sequences in the sidebar.")
    return values


def _fill_example() -> None:
    choice = st.session_state.get(setting_key("function_example"))
    if choice in FUNCTION_EXAMPLES:
        st.session_state[setting_key("functions")] = example_text(choice)
    st.session_state[setting_key("function_example")] = None


def _tool_controls(model: ModelInfo, problems: list[str]) -> dict[str, Any]:
    """Google Search, URL context, code execution and function calling (off by default)."""
    values: dict[str, Any] = {}
    if not model.text_output:
        return values
    with st.expander("Tools", icon=":material/build:"):
        values["google_search"] = st.toggle(
            "Grounding with Google Search", key=setting_key("google_search")
        )
        values["url_context"] = st.toggle("URL context", key=setting_key("url_context"))
        values["code_execution"] = st.toggle("Code execution", key=setting_key("code_execution"))
        st.selectbox(
            "Start from an example",
            list(FUNCTION_EXAMPLES),
            index=None,
            key=setting_key("function_example"),
            placeholder="Function declarations example",
            on_change=_fill_example,
        )
        text = st.text_area(
            "Function declarations (JSON)",
            key=setting_key("functions"),
            height=140,
            placeholder='[{"name": "get_current_weather", "parameters": {"type": "object"}}]',
            help="Functions the model may ask you to call. Its calls are shown as cards.",
        )
        try:
            values["function_declarations"] = parse_function_declarations(text or "")
        except ValueError as exc:
            st.error(str(exc), icon=":material/data_object:")
            problems.append(f"{exc} Fix the function declarations in the sidebar.")
            values["function_declarations"] = []
        if values["function_declarations"]:
            mode = st.segmented_control(
                "Function calling", list(FUNCTION_MODES), key=setting_key("function_mode")
            )
            values["function_mode"] = mode or "AUTO"
            if values["function_mode"] == "ANY":
                values["allowed_function_names"] = parse_names(
                    st.text_input(
                        "Allowed functions (optional)",
                        key=setting_key("allowed_functions"),
                        placeholder="e.g. find_movies, find_theaters",
                    )
                )
    return values


def _advanced_controls() -> dict[str, Any]:
    values: dict[str, Any] = {}
    with st.expander("Advanced sampling"):
        top_k = field_ui("top_k")
        values["top_k"] = st.number_input(
            top_k["label"],
            min_value=top_k["min_value"],
            max_value=top_k["max_value"],
            step=1,
            key=setting_key("top_k"),
            placeholder=DEFAULT_LABEL,
            help=top_k["help"],
        )
        seed = field_ui("seed")
        values["seed"] = st.number_input(
            "Seed",
            min_value=seed["min_value"],
            max_value=seed["max_value"],
            step=1,
            key=setting_key("seed"),
            placeholder="Random",
            help=seed["help"],
        )
        for name in PENALTY_SETTINGS:
            values[name] = _number_slider(name)
    return values


def _safety_controls() -> dict[str, str]:
    safety: dict[str, str] = {}
    with st.expander("Safety settings"):
        for category, label in HARM_CATEGORIES.items():
            choice = st.selectbox(
                label,
                [DEFAULT_LABEL, *BLOCK_THRESHOLDS],
                key=safety_key(category),
            )
            if choice != DEFAULT_LABEL:
                safety[category] = choice
    return safety


def _request_controls() -> None:
    with st.expander("Requests"):
        st.number_input(
            "Request timeout (s)",
            min_value=1.0,
            max_value=600.0,
            step=5.0,
            format="%.0f",
            key=TIMEOUT,
            help="How long a run waits for Gemini before giving up with a timeout message. "
            "A run can also be cancelled while it waits.",
        )


def render_sidebar(page: str) -> Connected:
    """Draw the sidebar; store the resulting settings in session state; return the connection.

    `page` is the url path of the page in view (its setup is what Share links to)."""
    problems: list[str] = []
    with st.sidebar:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("### :material/auto_awesome: Gemini Playground")
            share_button(page)
            save_button(page)
        _connection_section()
        connected = connect()
        st.divider()
        model = _model_picker(connected)
        values: dict[str, Any] = {"model": model.id}
        values["temperature"] = _number_slider("temperature", model.max_temperature or 2.0)
        values["top_p"] = _number_slider("top_p")
        values["max_output_tokens"] = _max_tokens_controls(model.output_token_limit or None)
        values["candidate_count"] = _number_slider("candidate_count")
        values.update(_thinking_controls(model))
        values.update(_output_controls(problems))
        values.update(_advanced_controls())
        values.update(_tool_controls(model, problems))
        values["safety"] = _safety_controls()
        _request_controls()
        demo_controls(connected.plan)
        show_library_error()
        st.button("Reset settings", key="settings.reset", on_click=reset_settings)
    values["system_instruction"] = st.session_state.get(SYSTEM_INSTRUCTION) or ""
    try:
        settings = GenerationSettings(**values).for_model(
            model.thinking_style, model.output_token_limit
        )
    except ValidationError as exc:
        problems.extend(err["msg"] for err in exc.errors())
        settings = st.session_state.get(SETTINGS) or GenerationSettings()
    st.session_state[SETTINGS] = settings
    st.session_state[SETTINGS_PROBLEMS] = problems
    return connected
