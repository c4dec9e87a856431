"""Every session-state key the app keeps, named once, with its initial value.

Keys are namespaced by page (`text.reply`, `chat.conversation`). Values that are not
widgets have a factory (so no two sessions share a mutable default); the sidebar's
settings widgets take their initial values from GenerationSettings, the tuning page's
from playground.tuning. `missing_values()` is what a run must add to a session.
Widget keys that only identify a button or an input (`text.run`, `chat.input`) stay at
the widget: they are a contract with the tests, listed in the README.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from copy import copy
from functools import partial
from typing import Any

from playground.conversation import Conversation
from playground.media import CheckedUploads, ImageStore
from playground.settings import (
    DEFAULT_IMAGE_MODEL,
    HARM_CATEGORIES,
    IMAGEN_ASPECT_RATIOS,
    IMAGEN_MODELS,
    GenerationSettings,
)
from playground.sweep import session_defaults as sweep_defaults
from playground.tuning import session_defaults as tuning_defaults

# --- the connection ------------------------------------------------------------------------
CONNECTED = "app.connected"  # the Connected object the entrypoint made for this run
API_KEY = "connection.api_key"  # the key the visitor pasted (never a widget key)
KEY_INPUT = "connection.key_input"  # the password box (cleared once a key is tried)
KEY_ERROR = "connection.key_error"
KEY_WARNING = "connection.key_warning"
FORCE_OFFLINE = "connection.offline"  # the visitor chose the offline demo
OFFLINE_SWITCH = "connection.offline_switch"  # the Offline demo switch (shows the mode in use)
OFFLINE_NOTICE = "connection.offline_notice"  # why the switch could not go off (no key)
OFFLINE_KEY = "connection.offline_key"  # this session's offline credential (never shown)
TIMEOUT = "connection.timeout_s"  # the Request timeout widget (seconds)
DEMO_RECORD = "connection.record"  # the Record this session switch
DEMO_RECORD_FOLDER = "connection.record_folder"  # the folder this recording goes to
DEMO_REPLAY = "connection.replay"  # the recording being replayed (a selectbox)

# --- the URL -------------------------------------------------------------------------------------
URL_SEEN = "url.seen"  # queries this session wrote or read (a new one is a link to restore)
URL_NOTES = "url.notes"  # what the link had that could not be used as it was
URL_OPEN = "url.open"  # the Library opened a setup: read the next URL even if seen before
URL_SNAPSHOTS = "url.snapshots"  # setup fingerprint -> snapshot token made this session
LIBRARY_ERROR = "library.error"  # why the library could not be used (shown in the sidebar)
SAVE_NAME = "library.save_name"  # the name box of Save
LIBRARY_IMPORTED = "library.imported"  # what the last import added (shown once)
URL_MODEL = "url.model"  # the model the link asked for, checked once the sidebar picked one

# --- the sidebar's settings ------------------------------------------------------------------
SETTINGS = "settings"  # the current GenerationSettings
SETTINGS_PROBLEMS = "settings.problems"  # messages that block a run until fixed
MODEL = "settings.model"
SYSTEM_INSTRUCTION = "settings.system_instruction"
MAX_TOKENS_EXACT = "settings.max_output_tokens.exact"  # the number box beside the slider
DEFAULT_LABEL = "Model default"  # the choice that sends nothing for a setting

# --- pages -----------------------------------------------------------------------------------
TEXT_REPLY = "text.reply"
TEXT_REPLY_JSON = "text.reply_json"  # the reply was asked for as JSON
TEXT_ERROR = "text.error"
TEXT_CHECKED = "text.checked"  # CheckedUploads of the attachments

STREAM_REPLY = "stream.reply"
STREAM_ERROR = "stream.error"
STREAM_REQUEST = "stream.request"  # the last request sent (for Retry)
STREAM_INFLIGHT = "stream.inflight"  # the StreamRun while it streams
STREAM_CHECKED = "stream.checked"

CHAT_CONVERSATION = "chat.conversation"
CHAT_WINDOW = "chat.window"  # how many recent turns are drawn
CHAT_EDITING = "chat.editing"  # id of the turn being edited
CHAT_COPYING = "chat.copying"  # id of the turn whose text is shown for copying
CHAT_NOTICE = "chat.notice"  # (problem, text kept) of a refused message
CHAT_INFLIGHT = "chat.inflight"
CHAT_SYSTEM_INSTRUCTION = "chat.system_instruction"  # the chat's own instruction (a widget)
CHAT_SAVED = "chat.saved"  # SavedChat: where the conversation is in the library
CHAT_LINK = "chat.link"  # the conversation token in the URL (`c`)
CHAT_SHARED_COPY = "chat.shared_copy"  # opened from a shared (frozen) link
CHAT_SHARE_TOKEN = "chat.share_token"  # the last read-only copy made with Share conversation

IMAGES_MODE = "images.mode"
IMAGES_MODEL = "images.model"  # widgets whose choices depend on the model: checked each run
IMAGES_ASPECT_RATIO = "images.aspect_ratio"
IMAGES_SIZE = "images.size"
IMAGES_COUNT = "images.count"
IMAGES_TEMPERATURE = "images.temperature"
IMAGEN_COUNT = "images.imagen.count"
IMAGEN_MODEL = "images.imagen.model"
IMAGEN_ASPECT_RATIO = "images.imagen.aspect_ratio"
IMAGEN_PEOPLE = "images.imagen.person_generation"
IMAGEN_NEGATIVE = "images.imagen.negative"
IMAGES_STORE = "images.store"
IMAGES_GALLERY = "images.gallery"
IMAGES_RESULT = "images.result"  # (mode, outcomes, source digests) of the last run
IMAGES_ERROR = "images.error"
IMAGES_CHAT = "images.chat"  # Conversation of the multi-turn edit
IMAGES_CHAT_OUTCOMES = "images.chat.outcomes"  # model turn id -> ImageOutcome
IMAGES_CHAT_SENT = "images.chat.sent"  # digests of uploads already sent in the edit chat
IMAGES_CHECKED = "images.checked"
IMAGES_CHAT_SAVED = "images.chat.saved"  # SavedChat of the edit chat
IMAGES_CHAT_LINK = "images.chat.link"  # the edit chat's token in the URL (`ec`)

SYSTEM_GRID = "system.grid"
SYSTEM_ERROR = "system.error"


def _none() -> None:
    return None


SESSION_DEFAULTS: dict[str, Callable[[], Any]] = {
    SETTINGS: GenerationSettings,
    SETTINGS_PROBLEMS: list,
    API_KEY: _none,
    KEY_ERROR: _none,
    KEY_WARNING: _none,
    TEXT_REPLY: _none,
    TEXT_REPLY_JSON: lambda: False,
    TEXT_ERROR: _none,
    TEXT_CHECKED: CheckedUploads,
    STREAM_REPLY: _none,
    STREAM_ERROR: _none,
    STREAM_REQUEST: _none,
    STREAM_CHECKED: CheckedUploads,
    CHAT_CONVERSATION: Conversation,
    CHAT_WINDOW: lambda: 40,
    CHAT_EDITING: _none,
    CHAT_COPYING: _none,
    CHAT_NOTICE: _none,
    CHAT_SAVED: _none,
    CHAT_LINK: _none,
    CHAT_SHARED_COPY: lambda: False,
    CHAT_SHARE_TOKEN: _none,
    IMAGES_MODE: lambda: "Generate",
    IMAGES_COUNT: lambda: 1,
    IMAGES_TEMPERATURE: lambda: 1.0,
    IMAGEN_COUNT: lambda: 1,
    IMAGEN_MODEL: lambda: IMAGEN_MODELS[0],
    IMAGEN_ASPECT_RATIO: lambda: IMAGEN_ASPECT_RATIOS[0],
    IMAGEN_PEOPLE: lambda: "allow_adult",
    IMAGEN_NEGATIVE: lambda: "",
    IMAGES_MODEL: lambda: DEFAULT_IMAGE_MODEL,
    IMAGES_ASPECT_RATIO: lambda: "Auto",
    IMAGES_SIZE: lambda: "1K",
    IMAGES_STORE: ImageStore,
    IMAGES_GALLERY: list,
    IMAGES_RESULT: _none,
    IMAGES_ERROR: _none,
    IMAGES_CHAT: Conversation,
    IMAGES_CHAT_OUTCOMES: dict,
    IMAGES_CHAT_SENT: set,
    IMAGES_CHECKED: CheckedUploads,
    IMAGES_CHAT_SAVED: _none,
    IMAGES_CHAT_LINK: _none,
    SYSTEM_GRID: _none,
    SYSTEM_ERROR: _none,
}

NUMERIC_SETTINGS = ("temperature", "top_p", "max_output_tokens", "candidate_count")
PENALTY_SETTINGS = ("presence_penalty", "frequency_penalty")


def setting_key(name: str) -> str:
    """The sidebar widget of a GenerationSettings field (or a sidebar-only control)."""
    return f"settings.{name}"


def safety_key(category: str) -> str:
    return setting_key(f"safety.{category}")


def settings_widget_defaults() -> dict[str, Any]:
    """Initial values of every settings widget in the sidebar (keys `settings.*`)."""
    defaults = GenerationSettings()
    values: dict[str, Any] = {
        setting_key(name): getattr(defaults, name)
        for name in (*NUMERIC_SETTINGS, *PENALTY_SETTINGS)
    }
    values.update(
        {
            MODEL: defaults.model,
            SYSTEM_INSTRUCTION: "",
            setting_key("top_k"): None,
            setting_key("seed"): None,
            setting_key("stop_sequences"): "",
            setting_key("response_format"): "Text",
            setting_key("response_schema"): "",
            setting_key("custom_thinking"): False,
            setting_key("thinking_budget"): -1,
            setting_key("thinking_level"): DEFAULT_LABEL,
            setting_key("include_thoughts"): False,
            setting_key("google_search"): False,
            setting_key("url_context"): False,
            setting_key("code_execution"): False,
            setting_key("functions"): "",
            setting_key("function_mode"): "AUTO",
            setting_key("allowed_functions"): "",
        }
    )
    for category in HARM_CATEGORIES:
        values[safety_key(category)] = DEFAULT_LABEL
    return values


def widget_defaults(timeout_s: float) -> dict[str, Any]:
    """Initial values of every widget that holds a setting: the sidebar's, the Request
    timeout (`timeout_s`, e.g. from PLAYGROUND_TIMEOUT_S, within the widget's bounds) and
    the tuning page's."""
    values = settings_widget_defaults()
    values[TIMEOUT] = min(600.0, max(1.0, timeout_s))
    values.update(tuning_defaults())
    return values


def missing_values(present: Container[str], timeout_s: float) -> dict[str, Any]:
    """The keys not in `present`, with their initial values (new objects for each call).

    Streamlit drops a widget's key in a run that does not draw it (a slider shown only
    when its switch is on), so this is asked on every run, not only on the first.
    """
    values = {key: factory() for key, factory in SESSION_DEFAULTS.items() if key not in present}
    values.update({k: v for k, v in widget_defaults(timeout_s).items() if k not in present})
    return values


# --- the Compare page (appended) -----------------------------------------------------------
COMPARE_RUN = "compare.run"  # the CompareRun of the last comparison (replies and the vote)
COMPARE_COUNT = "compare.count"  # how many columns (a widget)
COMPARE_MODEL = "compare.model"  # prefix of each column's model widget: compare.model.0 …
COMPARE_DIFF_A = "compare.diff.a"  # the two columns the word diff compares (widgets)
COMPARE_DIFF_B = "compare.diff.b"
COMPARE_NOTICE = "compare.notice"  # what "Use this" changed (shown once)

SESSION_DEFAULTS.update({COMPARE_RUN: _none, COMPARE_COUNT: lambda: 2, COMPARE_NOTICE: _none})
COMPARE_CHECKED = "compare.checked"  # CheckedUploads of the Compare prompt's attachments

SESSION_DEFAULTS[COMPARE_CHECKED] = CheckedUploads

TEXT_CASES = "text.cases"  # the test-case rows ({variable: value}) of the Text page
TEXT_CASE_RESULTS = "text.case_results"  # the last "Run all test cases": one dict a row
SESSION_DEFAULTS.update({TEXT_CASES: list, TEXT_CASE_RESULTS: _none})
TEXT_CASES_PROBLEM = "text.cases_problem"  # why the last test-case CSV was refused
SESSION_DEFAULTS[TEXT_CASES_PROBLEM] = _none
COMPARE_INFLIGHT = "compare.inflight"  # (CompareRun, its StreamRuns) while the columns stream


# --- the Parameter sweep page (appended) -----------------------------------------------------
SWEEP_RESULT = "sweep.result"  # the Sweep of the last run: its values, samples and results
SWEEP_ERROR = "sweep.error"
SWEEP_PROMPT = "sweep.prompt"  # the sweep's widgets (initial values: playground.sweep)
SWEEP_SETTING = "sweep.setting"
SWEEP_MODE = "sweep.mode"
SWEEP_FROM = "sweep.from"
SWEEP_TO = "sweep.to"
SWEEP_COUNT = "sweep.count"
SWEEP_TYPED = "sweep.typed"
SWEEP_SAMPLES = "sweep.samples"
SWEEP_LOGPROBS = "sweep.logprobs"

SESSION_DEFAULTS.update({SWEEP_RESULT: _none, SWEEP_ERROR: _none})
SESSION_DEFAULTS.update({key: partial(copy, value) for key, value in sweep_defaults().items()})
