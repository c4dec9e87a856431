"""The setup lives in the URL: a new session opened with a page's query parameters shows
the same widget values; bad values are clamped or dropped with a note; no key in it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, all_text


def fresh(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """A new session opened with `query` on `page` (AppTest starts on the default page, so
    the link is opened on a second run, as a pasted link would be)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if page:
        at.run()
        at.switch_page(page)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def query_of(at: AppTest) -> dict[str, str]:
    return {name: at.query_params[name] for name in at.query_params}


def widget_values(at: AppTest, keys: list[str]) -> dict[str, object]:
    return {key: at.session_state[key] for key in keys}


SIDEBAR_KEYS = [
    "settings.temperature",
    "settings.top_p",
    "settings.max_output_tokens",
    "settings.top_k",
    "settings.seed",
    "settings.presence_penalty",
    "settings.stop_sequences",
    "settings.response_format",
    "settings.response_schema",
    "settings.custom_thinking",
    "settings.thinking_budget",
    "settings.include_thoughts",
    "settings.safety.HARM_CATEGORY_HARASSMENT",
    "settings.system_instruction",
]


def set_every_sidebar_control(at: AppTest) -> None:
    side = at.sidebar
    side.slider(key="settings.temperature").set_value(0.35)
    side.slider(key="settings.top_p").set_value(0.8)
    side.slider(key="settings.max_output_tokens").set_value(512)
    side.number_input(key="settings.top_k").set_value(40)
    side.number_input(key="settings.seed").set_value(1234)
    side.slider(key="settings.presence_penalty").set_value(0.5)
    side.text_area(key="settings.stop_sequences").input("END\nSTOP")
    side.toggle(key="settings.include_thoughts").set_value(True)
    side.selectbox(key="settings.safety.HARM_CATEGORY_HARASSMENT").select("BLOCK_ONLY_HIGH")
    side.toggle(key="settings.custom_thinking").set_value(True)
    at.run()
    at.sidebar.slider(key="settings.thinking_budget").set_value(1024)
    at.sidebar.segmented_control(key="settings.response_format").set_value("JSON")
    at.run()
    at.sidebar.text_area(key="settings.response_schema").input('{"type": "object"}')
    at.text_area(key="settings.system_instruction").input("You are a cat. Your name is Neko.")


def test_the_text_page_reopens_exactly_from_its_url(offline):
    at = fresh()
    assert query_of(at) == {}, "an untouched page has a clean URL"
    set_every_sidebar_control(at)
    at.text_area(key="text.prompt").input("Explain how AI works\nin two lines")
    at.run()
    query = query_of(at)
    assert query["v"] == "1" and query["temp"] == "0.35" and query["max"] == "512"
    assert "top_p" in query and "prompt" in query and "system" in query
    assert "n" not in query, "values at their defaults stay out of the link"

    again = fresh(query)
    assert widget_values(again, SIDEBAR_KEYS) == widget_values(at, SIDEBAR_KEYS)
    assert again.text_area(key="text.prompt").value == "Explain how AI works\nin two lines"
    assert again.session_state["settings"] == at.session_state["settings"]
    assert query_of(again) == query
    assert not again.warning


def test_streaming_chat_images_and_tuning_pages_reopen_from_their_urls(offline):
    at = fresh(page="views/stream.py")
    at.text_area(key="stream.prompt").input("Tell me a story").run()
    again = fresh(query_of(at), page="views/stream.py")
    assert again.text_area(key="stream.prompt").value == "Tell me a story"

    at = fresh(page="views/chat.py")
    at.text_area(key="chat.system_instruction").input("Answer as a pirate.").run()
    again = fresh(query_of(at), page="views/chat.py")
    assert again.text_area(key="chat.system_instruction").value == "Answer as a pirate."

    at = fresh(page="views/images.py")
    at.text_area(key="images.prompt").input("A nano banana dish").run()
    at.slider(key="images.temperature").set_value(0.4)
    at.slider(key="images.count").set_value(3)
    at.selectbox(key="images.aspect_ratio").select("16:9")
    at.run()
    keys = ["images.prompt", "images.temperature", "images.count", "images.aspect_ratio"]
    keys += ["images.model", "images.size", "images.mode"]
    again = fresh(query_of(at), page="views/images.py")
    assert widget_values(again, keys) == widget_values(at, keys)

    at = fresh(page="views/system.py")
    at.slider(key="system.count").set_value(4).run()
    at.text_area(key="system.variant.0").input("Reply in French.")
    at.text_area(key="system.variant.3").input("Reply in one word.")
    at.text_area(key="system.prompts").input("Hello\nWhat is AI?")
    at.slider(key="system.samples").set_value(2)
    at.selectbox(key="system.model.2").select("gemini-2.5-pro")
    at.toggle(key="system.temp_on.1").set_value(True).run()
    at.slider(key="system.temp.1").set_value(0.2).run()
    keys = ["system.count", "system.variant.0", "system.variant.3", "system.prompts"]
    keys += ["system.samples", "system.model.2", "system.temp_on.1", "system.temp.1"]
    again = fresh(query_of(at), page="views/system.py")
    assert widget_values(again, keys) == widget_values(at, keys)


def test_tampered_values_are_clamped_or_dropped_with_a_note(offline):
    at = fresh(
        {
            "v": "1",
            "temp": "7",
            "max": "-20",
            "top_k": "abc",
            "level": "HUGE",
            "thoughts": "maybe",
            "model": "<script>alert(1)</script>",
            "prompt": "Kept as typed",
        }
    )
    assert at.sidebar.slider(key="settings.temperature").value == 2.0
    assert at.sidebar.slider(key="settings.max_output_tokens").value == 1
    assert at.sidebar.number_input(key="settings.top_k").value is None
    assert at.text_area(key="text.prompt").value == "Kept as typed"
    notes = " ".join(w.value for w in at.warning)
    for expected in ("Temperature 7", "Max output tokens -20", "Top K “abc”", "HUGE", "maybe"):
        assert expected in notes, (expected, notes)
    assert "not a model id" in notes
    at.button(key="url.dismiss").click().run()
    assert not [w for w in at.warning if "could not be used" in w.value]


def test_a_model_the_deployment_lacks_is_named_in_a_note(offline):
    at = fresh({"v": "1", "model": "gemini-9-ultra"})
    notes = " ".join(w.value for w in at.warning)
    assert "gemini-9-ultra" in notes and "not available" in notes
    assert at.sidebar.selectbox(key="settings.model").value != "gemini-9-ultra"


def test_a_link_from_a_newer_version_still_opens(offline):
    at = fresh({"v": "9", "temp": "0.5"})
    assert at.sidebar.slider(key="settings.temperature").value == 0.5
    assert "newer version" in " ".join(w.value for w in at.warning)


def test_the_key_never_goes_into_the_url(offline):
    secret = "url-state-test-secret-0123456789abcdef"
    at = fresh()
    at.sidebar.text_input(key="connection.key_input").input(secret)
    at.sidebar.button(key="connection.use_key").click().run()
    at.text_area(key="text.prompt").input("Hi").run()
    assert secret not in str(query_of(at))
    assert all(secret not in value for value in query_of(at).values())
    assert "prompt" in query_of(at)
    assert secret not in " ".join(all_text(at))


def test_a_long_prompt_round_trips_through_a_snapshot_token(offline):
    at = fresh()
    long_prompt = "Explain how AI works. " * 300
    at.text_area(key="text.prompt").input(long_prompt)
    at.sidebar.slider(key="settings.temperature").set_value(0.5)
    at.run()
    query = query_of(at)
    assert set(query) == {"v", "s"} and len(query["s"]) >= 32
    again = fresh(query)
    assert again.text_area(key="text.prompt").value == long_prompt
    assert again.sidebar.slider(key="settings.temperature").value == 0.5
    assert query_of(again) == query, "the same setup keeps its snapshot"
    assert not again.warning


def test_an_unknown_snapshot_token_says_so(offline):
    at = fresh({"v": "1", "s": "A" * 32, "temp": "0.4"})
    notes = " ".join(w.value for w in at.warning)
    assert "saved setup this link points to was not found" in notes
    assert at.sidebar.slider(key="settings.temperature").value == 0.4


def test_without_a_library_a_long_setup_leaves_its_longest_text_out(offline, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "nosuchdb://nowhere")
    at = fresh()
    at.text_area(key="text.prompt").input("Explain how AI works. " * 300)
    at.sidebar.slider(key="settings.temperature").set_value(0.5)
    at.run()
    assert not at.exception, at.exception
    query = query_of(at)
    assert "prompt" not in query and query["temp"] == "0.5"
    shown = " ".join(w.value for w in at.sidebar.warning)
    assert "Too long for a link" in shown and "Prompt" in shown
    assert "library is unavailable" in shown and "nowhere" not in shown
