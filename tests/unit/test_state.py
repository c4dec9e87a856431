"""playground.state: every session key named once, with fresh initial values."""

from __future__ import annotations

import re
from pathlib import Path

from playground import state
from playground.settings import HARM_CATEGORIES, GenerationSettings

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = (
    "app",
    "connection",
    "settings",
    "url",
    "library",
    "text",
    "stream",
    "chat",
    "images",
    "system",
    "compare",
    "sweep",
)


def declared_keys() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(state).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("DEFAULT_")
    }


def test_keys_are_unique_and_namespaced_by_page():
    keys = declared_keys()
    assert len(set(keys.values())) == len(keys), "two constants name the same key"
    for name, key in keys.items():
        assert key == "settings" or key.split(".")[0] in NAMESPACES, (name, key)


def test_no_two_sessions_share_a_mutable_default():
    first = state.missing_values((), timeout_s=120)
    second = state.missing_values((), timeout_s=120)
    for key, value in first.items():
        if isinstance(value, list | dict | set) or hasattr(value, "__dict__"):
            assert value is not second[key] or value is None, key
    first[state.IMAGES_GALLERY].append("x")
    assert second[state.IMAGES_GALLERY] == []


def test_only_missing_keys_are_filled():
    present = {state.TEXT_REPLY, state.MODEL, state.TIMEOUT}
    values = state.missing_values(present, timeout_s=120)
    assert not present & values.keys()
    assert state.TEXT_ERROR in values and state.setting_key("temperature") in values


def test_widget_defaults_follow_the_settings_model():
    defaults = GenerationSettings()
    values = state.settings_widget_defaults()
    assert values[state.MODEL] == defaults.model
    assert values[state.setting_key("temperature")] == defaults.temperature
    assert values[state.setting_key("max_output_tokens")] == defaults.max_output_tokens
    for category in HARM_CATEGORIES:
        assert values[state.safety_key(category)] == state.DEFAULT_LABEL


def test_the_request_timeout_starts_within_its_widgets_bounds():
    assert state.widget_defaults(0.2)[state.TIMEOUT] == 1.0
    assert state.widget_defaults(45)[state.TIMEOUT] == 45
    assert state.widget_defaults(10_000)[state.TIMEOUT] == 600.0


def test_pages_and_components_use_the_named_keys():
    """No page or component reads or writes session state by a string it spells itself,
    except widget ids private to one component (chat's editor and seed boxes)."""
    literal = re.compile(r"session_state(?:\.get\(|\[|\.setdefault\(|\.pop\()f?\"([^\"]+)\"")
    allowed = re.compile(r"chat\.(edit|seed)\.|chat\.upload$|system\.(preset|variant)\.")
    found = []
    for path in [*ROOT.glob("views/*.py"), *ROOT.glob("components/*.py"), ROOT / "app.py"]:
        for key in literal.findall(path.read_text()):
            if not allowed.match(key):
                found.append(f"{path.relative_to(ROOT)}: {key}")
    assert not found, found
