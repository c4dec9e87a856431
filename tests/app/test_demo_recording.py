"""Record a demo with a key, then replay it with no network: the sidebar's Demo recording."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from gemini_offline import OfflineServer
from tests.app.conftest import APP

SECRET = "demo-recording-test-secret-0123456789"


def reply_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.main.markdown if "Simulated by gemini_offline" in m.value)


def test_a_recorded_run_replays_identically_with_the_upstream_gone(offline, monkeypatch, tmp_path):
    upstream = OfflineServer().start()  # stands in for Gemini
    monkeypatch.setenv("PLAYGROUND_ACCESS", "local")  # the deployment's key is for this user
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", upstream.url)
    monkeypatch.setenv("PLAYGROUND_RECORDINGS_DIR", str(tmp_path))
    try:
        at = AppTest.from_file(APP, default_timeout=30)
        at.secrets["GEMINI_API_KEY"] = SECRET
        at.run()
        at.sidebar.toggle(key="connection.record").set_value(True).run()
        assert any("Recording to" in c.value for c in at.sidebar.caption)
        at.text_area(key="text.prompt").input("Explain how AI works").run()
        at.button(key="text.run").click().run()
        assert not at.exception, at.exception
        recorded = reply_text(at)
        assert recorded
    finally:
        upstream.stop()

    folders = [d for d in tmp_path.iterdir() if d.is_dir()]
    assert len(folders) == 1
    files = list(folders[0].glob("*.json"))
    assert any("generateContent" in f.name for f in files)
    assert all(SECRET not in f.read_text() for f in files), "the key is never written"

    at.sidebar.toggle(key="connection.record").set_value(False).run()
    at.sidebar.selectbox(key="connection.replay").select(folders[0].name).run()
    assert not at.exception, at.exception
    assert "Replay of the recording" in " ".join(i.value for i in at.main.info)
    at.button(key="text.run").click().run()
    assert not at.exception and not at.main.error, [e.value for e in at.main.error]
    assert reply_text(at) == recorded

    at.text_area(key="text.prompt").input("A question nobody recorded").run()
    at.button(key="text.run").click().run()
    errors = " ".join(e.value for e in at.main.error)
    assert "Not recorded" in errors and "A question nobody recorded" in errors
    assert at.text_area(key="text.prompt").value == "A question nobody recorded"


def test_recording_needs_a_real_key(offline):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert at.sidebar.toggle(key="connection.record").disabled
    assert any("needs a real Gemini key" in c.value for c in at.sidebar.caption)
