"""Visitors never share state: one session's replies do not depend on another's traffic.

Two AppTest sessions talk to the one shared offline server. gemini_offline keeps its
`[[fault:429xN]]` counters and its per-call variation counter per credential, and each
session has its own offline credential, so what session A sees is the same whether or not
session B ran the same prompts in between — even when B gave up half-way through a fault.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, all_text

FAULT_PROMPT = "Explain how AI works [[fault:429x2]]"
PLAIN_PROMPT = "Tell me about the moon"


def session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest, prompt: str, temperature: float | None = None) -> tuple:
    """Run a prompt on the Text page; return what the page shows, latency left out."""
    if temperature is not None:
        at.sidebar.slider(key="settings.temperature").set_value(temperature)
    at.text_area(key="text.prompt").input(prompt)
    at.button(key="text.run").click().run()
    assert not at.exception, at.exception
    metrics = tuple((m.label, m.value) for m in at.main.metric if m.label != "Latency")
    return (
        tuple(m.value for m in at.main.markdown),
        tuple(e.value for e in at.main.error),
        tuple(c.value for c in at.main.caption),
        metrics,
    )


def visitor_a(at: AppTest, between=lambda step: None) -> list[tuple]:
    """Session A's steps; `between(step)` runs before each (another visitor's traffic)."""
    seen = []
    between(0)
    seen.append(run(at, FAULT_PROMPT))
    between(1)
    seen.append(run(at, PLAIN_PROMPT))  # temperature unset
    between(2)
    seen.append(run(at, PLAIN_PROMPT, temperature=0.9))  # varies per call, per visitor
    between(3)
    seen.append(run(at, PLAIN_PROMPT))
    return seen


def test_a_visitor_sees_the_same_with_or_without_another_visitor(offline, monkeypatch):
    alone = visitor_a(session())

    # sanity: the fault was retried twice and then answered, and sampling varied per call
    assert not alone[0][1] and any("succeeded after 3 attempts" in c for c in alone[0][2])
    assert alone[0][0] and alone[1][0]
    assert alone[2][0] != alone[1][0]

    b = session()

    def visitor_b(step: int) -> None:
        if step == 0:
            # B gives up after one attempt: the server has counted one 429 for B only
            monkeypatch.setenv("PLAYGROUND_RETRY_ATTEMPTS", "1")
            assert any("429" in e for e in run(b, FAULT_PROMPT)[1])
            monkeypatch.delenv("PLAYGROUND_RETRY_ATTEMPTS")
        else:
            run(b, PLAIN_PROMPT, temperature=0.9 if step == 2 else None)
            run(b, PLAIN_PROMPT, temperature=0.9)

    a = session()
    together = visitor_a(a, between=visitor_b)
    assert together == alone

    # the session's offline credential never reaches the page
    key = a.session_state["connection.offline_key"]
    assert key.startswith("offline-") and key != b.session_state["connection.offline_key"]
    assert key not in all_text(a)
