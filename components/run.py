"""The prompt block the Text and Streaming pages share: system instruction, prompt, the Run
row (Run, Retry on Streaming, Get code, the prompt's token count), and the checked request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.code import get_code
from components.connection import token_count
from components.errors import show_error
from components.library import record_run
from components.prompt import (
    PromptInput,
    prompt_editor,
    system_instruction_editor,
    variables_editor,
)
from components.session import connected, run_blockers
from playground import variables
from playground.gemini import GenerateRequest, build_request, user_content
from playground.reply import Reply
from playground.settings import GenerationSettings
from playground.state import SETTINGS, TEXT_REPLY, TEXT_REPLY_JSON


@dataclass(frozen=True)
class PromptRow:
    """What the visitor wrote, and which button started this run."""

    prompt: PromptInput
    run: bool
    retry: bool


def prompt_row(
    namespace: str, *, placeholder: str, stream: bool = False, can_retry: bool = False
) -> PromptRow:
    """Draw the prompt block; Retry is offered (Streaming only) when `can_retry`."""
    link = connected()
    settings = st.session_state[SETTINGS]
    system_instruction_editor()
    prompt = prompt_editor(namespace, placeholder=placeholder)
    prompt.variables = variables_editor(namespace, prompt.text, settings.system_instruction)
    for problem in prompt.rejected:
        show_error(problem)
    cols = st.columns([1, 1, 1.3, 3] if stream else [1, 1.3, 4], vertical_alignment="center")
    run = cols[0].button(
        "Run", key=f"{namespace}.run", type="primary", icon=":material/play_arrow:"
    )
    retry = bool(
        stream
        and can_retry
        and cols[1].button("Retry", key=f"{namespace}.retry", icon=":material/refresh:")
    )
    has_prompt = bool(prompt.text.strip() or prompt.attachments)
    filled_settings, text = filled(settings, prompt)
    with cols[-2]:
        get_code(
            build_request(filled_settings, text, prompt.attachments, stream=stream)
            if has_prompt
            else None,
            key=f"{namespace}.code",
        )
    if has_prompt:
        tokens = token_count(link, settings.model, [user_content(text, prompt.attachments)])
        cols[-1].caption(f"Prompt: {tokens:,} tokens" if tokens is not None else "Prompt: — tokens")
    return PromptRow(prompt, run, retry)


def checked_request(prompt: PromptInput, *, stream: bool = False) -> GenerateRequest:
    """The request to send; BadInput when a sidebar setting or an attachment blocks it."""
    run_blockers()
    prompt.require_sendable()
    settings = st.session_state[SETTINGS]
    names = variables.names_in(prompt.text, settings.system_instruction)
    variables.require(names, prompt.variables)
    filled_settings, text = filled(settings, prompt)
    return build_request(filled_settings, text, prompt.attachments, stream=stream)


def filled(settings: GenerationSettings, prompt: PromptInput) -> tuple[GenerationSettings, str]:
    """The settings and prompt text with the typed ``{{variables}}`` put in (placeholders
    without a value stay, so Get code shows what is still missing)."""
    system = variables.fill(settings.system_instruction, prompt.variables)
    if system != settings.system_instruction:
        settings = settings.model_copy(update={"system_instruction": system})
    return settings, variables.fill(prompt.text, prompt.variables)


def keep_text_reply(request: GenerateRequest) -> Callable[[Reply], None]:
    """What the Text page does with its reply when it arrives (in this run or a later one):
    keep it (and whether it was asked for as JSON), and add it to the run history."""
    as_json = st.session_state[SETTINGS].response_format == "json"

    def keep(reply: Reply) -> None:
        st.session_state[TEXT_REPLY] = reply
        st.session_state[TEXT_REPLY_JSON] = as_json
        record_run("", request, reply)

    return keep
