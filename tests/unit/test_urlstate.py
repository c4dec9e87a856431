"""playground.urlstate: a page's setup as query parameters and back, bounded and noted."""

from __future__ import annotations

import pytest

from playground import state
from playground.urlstate import MAX_TEXT, decode, defaults, encode, page_params

PAGES = ["", "streaming", "chat", "images", "system"]


@pytest.mark.parametrize("page", PAGES)
def test_defaults_make_an_empty_query(page):
    assert encode(page_params(page), defaults(), defaults()) == {}


@pytest.mark.parametrize("page", PAGES)
def test_every_param_round_trips(page):
    params = page_params(page)
    assert len({p.name for p in params}) == len(params), "two settings share a URL name"
    values = dict(defaults())
    for param in params:
        if param.kind == "float":
            values[param.key] = (param.low or 0) + 0.25
        elif param.kind in ("int", "optional_int"):
            values[param.key] = int(param.high if param.high is not None else 7)
        elif param.kind == "bool":
            values[param.key] = not values.get(param.key)
        elif param.kind == "choice":
            values[param.key] = param.choices[-1]
        elif param.kind == "model":
            values[param.key] = "gemini-3-pro-preview"
        elif param.kind == "token":
            values[param.key] = "T0ken_of-32-characters-xxxxxxxxx"
        else:
            values[param.key] = f"{param.label} with ünïcode & = ? # signs\nand a line"
    query = encode(params, values, defaults())
    assert query["v"] == "1" and len(query) == len(params) + 1
    restored = decode(params, query)
    assert restored.notes == []
    assert restored.values == {p.key: values[p.key] for p in params}


def test_numbers_are_clamped_and_bad_values_dropped_with_notes():
    restored = decode(
        page_params(""),
        {"temp": "-1", "max": "10000000", "n": "2.6", "seed": "nan", "format": "XML"},
    )
    assert restored.values[state.setting_key("temperature")] == 0.0
    assert restored.values[state.setting_key("max_output_tokens")] == 65536
    assert restored.values[state.setting_key("candidate_count")] == 3
    assert state.setting_key("seed") not in restored.values
    assert state.setting_key("response_format") not in restored.values
    assert len(restored.notes) == 4  # the rounded candidate count is in bounds: no note


def test_unknown_names_and_other_pages_fields_are_ignored():
    restored = decode(page_params(""), {"utm_source": "x", "samples": "3", "prompt": "Hi"})
    assert restored.values == {"text.prompt": "Hi"} and restored.notes == []


def test_an_overlong_text_is_cut_with_a_note():
    restored = decode(page_params(""), {"prompt": "a" * (MAX_TEXT + 5)})
    assert len(restored.values["text.prompt"]) == MAX_TEXT
    assert "cut" in restored.notes[0]


def test_nothing_secret_or_binary_has_a_url_name():
    keys = {p.key for page in PAGES for p in page_params(page)}
    assert not keys & {state.API_KEY, state.KEY_INPUT, state.OFFLINE_KEY, state.TIMEOUT}
    assert not any("upload" in key or "checked" in key for key in keys)
