"""Tools in the run settings: each switch changes the request (seen at gemini_offline),
function declarations are checked before sending, and the tools travel in the link."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.app.test_url_state import fresh, query_of


def run(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="text.prompt").input(prompt)
    at.button(key="text.run").click().run()
    assert not at.exception, at.exception
    return at


def test_each_tool_switch_changes_the_request(offline):
    at = fresh()
    at.sidebar.toggle(key="settings.google_search").set_value(True)
    at.sidebar.toggle(key="settings.code_execution").set_value(True)
    at.run()
    run(at, "What is 12 times 34? Search the web too.")
    body = offline.last("generateContent").body
    assert {key for tool in body["tools"] for key in tool} == {"googleSearch", "codeExecution"}
    assert "toolConfig" not in body

    at.sidebar.toggle(key="settings.google_search").set_value(False)
    at.sidebar.toggle(key="settings.code_execution").set_value(False)
    at.sidebar.toggle(key="settings.url_context").set_value(True).run()
    run(at, "Summarise https://example.com/story")
    assert offline.last("generateContent").body["tools"] == [{"urlContext": {}}]


def test_function_declarations_from_an_example_with_forced_calling(offline):
    at = fresh()
    at.sidebar.selectbox(key="settings.function_example").select("Theater finder").run()
    declared = json.loads(at.sidebar.text_area(key="settings.functions").value)
    assert [d["name"] for d in declared] == ["find_movies", "find_theaters"]
    at.sidebar.segmented_control(key="settings.function_mode").set_value("ANY").run()
    at.sidebar.text_input(key="settings.allowed_functions").input("find_theaters").run()
    run(at, "Which theaters in Mountain View show Barbie?")
    body = offline.last("generateContent").body
    names = [f["name"] for f in body["tools"][0]["functionDeclarations"]]
    assert names == ["find_movies", "find_theaters"]
    assert body["toolConfig"]["functionCallingConfig"] == {
        "mode": "ANY",
        "allowedFunctionNames": ["find_theaters"],
    }
    again = fresh(query_of(at))
    assert again.sidebar.text_area(key="settings.functions").value == (
        at.sidebar.text_area(key="settings.functions").value
    )
    assert again.session_state["settings"].function_mode == "ANY"
    assert again.session_state["settings"].allowed_function_names == ["find_theaters"]


def test_bad_declarations_are_refused_before_anything_is_sent(offline):
    at = fresh()
    at.sidebar.text_area(key="settings.functions").input('[{"name": "1bad"}]').run()
    assert any("needs a name" in e.value for e in at.sidebar.error)
    before = len(offline.requests)
    run(at, "Hello")
    assert not [r for r in offline.requests[before:] if r.action == "generateContent"]
    assert any("Fix the function declarations" in w.value for w in at.main.warning)
    at.sidebar.text_area(key="settings.functions").input("[{not json").run()
    assert any("not valid JSON" in e.value for e in at.sidebar.error)
    assert at.text_area(key="text.prompt").value == "Hello"


def test_what_the_tools_return_renders_on_the_text_page(offline):
    at = fresh()
    at.sidebar.toggle(key="settings.google_search").set_value(True).run()
    run(at, "Who won the Tour de France in 2024?")
    page = " ".join(m.value for m in at.main.markdown)
    assert "**Sources**" in page and "[[1]](https://" in page  # markers link to sources
    assert any("Searched for:" in c.value for c in at.main.caption)
    assert any("tool-use prompt tokens" in c.value for c in at.main.caption)
    frames = at.get("iframe")
    assert frames and all(f.proto.src.startswith("data:text/html;base64,") for f in frames)

    at.sidebar.toggle(key="settings.google_search").set_value(False)
    at.sidebar.toggle(key="settings.code_execution").set_value(True).run()
    run(at, "What is 12 times 34?")
    code = [c.value for c in at.main.code]
    assert any("12" in c and "34" in c for c in code) and any("408" in c for c in code)

    at.sidebar.toggle(key="settings.code_execution").set_value(False)
    at.sidebar.selectbox(key="settings.function_example").select("Weather lookup").run()
    run(at, "What's the weather like in Boston?")
    assert any("get_current_weather" in m.value for m in at.main.markdown)
    assert any("Boston" in str(j.value) for j in at.main.json)


def test_a_streamed_grounded_answer_keeps_its_sources_and_markers(offline):
    at = fresh(page="views/stream.py")
    at.sidebar.toggle(key="settings.google_search").set_value(True).run()
    at.text_area(key="stream.prompt").input("Who won the Tour de France in 2024?")
    at.button(key="stream.run").click().run()
    assert not at.exception, at.exception
    page = " ".join(m.value for m in at.main.markdown)
    assert "**Sources**" in page and "[[1]](https://" in page
    assert offline.last("streamGenerateContent").body["tools"] == [{"googleSearch": {}}]
