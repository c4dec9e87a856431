"""AppTest: the Get code popover is on every page and follows the current settings."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_get_code


def snippets(at: AppTest) -> dict[str, str]:
    return {
        c.language: c.value for c in at.main.code if c.language in ("python", "javascript", "bash")
    }


def test_the_code_is_drawn_only_while_the_popover_is_open(app, offline):
    app.text_area(key="text.prompt").input("Explain how AI works").run()
    assert not snippets(app), "a closed popover sends no snippets"
    open_get_code(app, "text.code")
    assert "Explain how AI works" in snippets(app)["python"]
    open_get_code(app, "text.code").session_state["text.code.open"] = False
    assert not snippets(app.run())


def test_text_code_follows_the_sliders(app, offline):
    app.text_area(key="text.prompt").input("Explain how AI works").run()
    open_get_code(app, "text.code")
    app.sidebar.slider(key="settings.temperature").set_value(0.3).run()
    code = snippets(app)
    assert "temperature=0.3" in code["python"] and "temperature: 0.3" in code["javascript"]
    assert '"temperature": 0.3' in code["bash"] and "Explain how AI works" in code["python"]
    app.sidebar.slider(key="settings.temperature").set_value(1.5).run()
    app.sidebar.slider(key="settings.max_output_tokens").set_value(256).run()
    code = snippets(app)
    assert "temperature=1.5" in code["python"] and "max_output_tokens=256" in code["python"]
    assert "temperature=0.3" not in code["python"]
    assert "client.models.generate_content(" in code["python"]
    assert any(b.label == "Download Python (zip)" for b in app.main.download_button)


@pytest.mark.parametrize(
    ("page", "prepare", "key", "expected"),
    [
        (
            "views/stream.py",
            lambda at: at.text_area(key="stream.prompt").input("Hi"),
            "stream.code",
            "generate_content_stream(",
        ),
        ("views/chat.py", lambda at: None, "chat.code", "client.chats.create("),
        (
            "views/images.py",
            lambda at: at.text_area(key="images.prompt").input("A fox"),
            "images.code",
            'response_modalities=["TEXT", "IMAGE"]',
        ),
        ("views/system.py", lambda at: None, "system.code.1", "You are a cat. Your name is Neko."),
    ],
)
def test_every_page_has_get_code(app, offline, page, prepare, key, expected):
    app.switch_page(page).run()
    prepare(app)
    open_get_code(app, key)
    assert not app.exception
    code = " ".join(c.value for c in app.main.code if c.language == "python")
    assert expected in code
    assert "GEMINI_API_KEY" in code and "api_key=" not in code


def test_chat_code_carries_the_history(app, offline):
    app.switch_page("views/chat.py").run()
    app.chat_input(key="chat.input").set_value("I have 2 dogs in my house.").run()
    python = snippets(open_get_code(app, "chat.code"))["python"]
    assert "history=[" in python and "I have 2 dogs in my house." in python
