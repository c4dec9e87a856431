"""AppTest: {{variables}} in the prompt and the system instruction get inputs; a missing one
is refused before anything is sent (the typed prompt stays); filled ones go over the wire."""

from __future__ import annotations

import pytest


def _sent_texts(offline, action: str) -> tuple[str, str]:
    body = offline.last(action).body
    prompt = " ".join(p.get("text", "") for p in body["contents"][-1]["parts"])
    system = " ".join(
        p.get("text", "")
        for p in (body.get("systemInstruction") or body.get("system_instruction") or {}).get(
            "parts", []
        )
    )
    return prompt, system


@pytest.mark.parametrize(
    ("page", "action"), [("text", "generateContent"), ("stream", "streamGenerateContent")]
)
def test_variables_are_filled_before_sending_and_a_missing_one_sends_nothing(
    app, offline, page, action
):
    if page == "stream":
        app.switch_page("views/stream.py").run()
    app.text_area(key="settings.system_instruction").input("You are a guide in {{city}}.")
    app.text_area(key=f"{page}.prompt").input("Tell me about {{topic}} in {{city}}.").run()
    assert [t.label for t in app.text_input if t.key and ".var." in t.key] == [
        "{{topic}}",
        "{{city}}",
    ]  # in order of first use: the prompt, then the system instruction

    app.text_input(key=f"{page}.var.city").input("Lisbon")
    app.button(key=f"{page}.run").click().run()

    errors = " ".join(e.value for e in [*app.main.error, *app.main.warning])
    assert "The variable has no value: {{topic}}." in errors
    assert offline.last(action) is None
    assert app.text_area(key=f"{page}.prompt").value == "Tell me about {{topic}} in {{city}}."

    app.text_input(key=f"{page}.var.topic").input("trams")
    app.button(key=f"{page}.run").click().run()

    assert not app.exception, app.exception
    prompt, system = _sent_texts(offline, action)
    assert prompt == "Tell me about trams in Lisbon." and system == "You are a guide in Lisbon."


def test_test_cases_from_a_csv_run_one_call_each_and_export_with_their_values(app, offline):
    app.text_area(key="text.prompt").input("Write a haiku about {{topic}} in {{city}}.").run()
    csv_text = "city,topic\nLisbon,trams\nOslo,snow\n=cmd,rain\n"
    app.file_uploader(key="text.cases_csv").upload("cases.csv", csv_text.encode(), "text/csv").run()
    app.button(key="text.cases_run").click().run()
    assert not app.exception, app.exception

    sent = [
        " ".join(p.get("text", "") for p in r.body["contents"][-1]["parts"])
        for r in offline.requests
        if r.action == "generateContent"
    ]
    assert sorted(sent) == sorted(
        [
            "Write a haiku about trams in Lisbon.",
            "Write a haiku about snow in Oslo.",
            "Write a haiku about rain in =cmd.",
        ]
    )
    table = app.main.dataframe[-1].value
    assert list(table["city"]) == ["Lisbon", "Oslo", "=cmd"]
    assert all(table["finish"] == "STOP") and all(table["cost"].str.startswith("would cost $"))
    assert "trams" in table["reply"][0] and "Haiku" in table["reply"][0]
    download = next(b for b in app.get("download_button") if b.key == "text.cases_download")
    assert download


def test_a_test_case_missing_a_value_is_named_and_nothing_is_sent(app, offline):
    app.text_area(key="text.prompt").input("About {{topic}} in {{city}}").run()
    app.file_uploader(key="text.cases_csv").upload(
        "cases.csv", b"city,topic\nLisbon,trams\nOslo,\n", "text/csv"
    ).run()
    app.button(key="text.cases_run").click().run()

    shown = " ".join(e.value for e in [*app.main.error, *app.main.warning])
    assert "The variable has no value in test case 2: {{topic}}." in shown
    assert not [r for r in offline.requests if r.action == "generateContent"]


def test_compare_fills_variables_for_every_column(app, offline):
    app.switch_page("views/compare.py").run()
    app.text_area(key="compare.prompt").input("Describe {{city}} in one line.").run()
    app.button(key="compare.go").click().run()
    assert "The variable has no value: {{city}}." in " ".join(
        e.value for e in [*app.main.error, *app.main.warning]
    )
    assert offline.last("streamGenerateContent") is None

    app.text_input(key="compare.var.city").input("Porto")
    app.button(key="compare.go").click().run()

    assert not app.exception, app.exception
    sent = [r for r in offline.requests if r.action == "streamGenerateContent"]
    assert len({r.model for r in sent}) == 2
    assert {r.body["contents"][-1]["parts"][0]["text"] for r in sent} == {
        "Describe Porto in one line."
    }
