"""AppTest: the system-instruction tuning grid — requests on the wire, faults per cell,
"Use this instruction", downloads, partial re-runs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from streamlit.testing.v1 import AppTest

from playground.tuning import to_csv, to_json


@pytest.fixture
def tuning(app: AppTest) -> AppTest:
    app.switch_page("views/system.py").run()
    assert not app.exception, app.exception
    return app


def configure(at: AppTest, instructions: list[str], prompts: str) -> AppTest:
    at.slider(key="system.count").set_value(len(instructions)).run()
    for index, text in enumerate(instructions):
        at.text_area(key=f"system.variant.{index}").input(text)
    at.text_area(key="system.prompts").input(prompts)
    return at.run()


def run_grid(at: AppTest) -> AppTest:
    at.button(key="system.run").click().run(timeout=60)
    assert not at.exception, at.exception
    return at


def grid(at: AppTest):
    return at.session_state["system.grid"]


def calls(offline) -> list:
    return [r for r in offline.requests if r.action == "generateContent"]


INSTRUCTIONS = ["", "You are a cat. Your name is Neko.", "You are a terse expert. Be brief."]


def test_three_by_two_grid_sends_each_variant_its_own_instruction(tuning, offline):
    configure(tuning, INSTRUCTIONS, "Hello there\nExplain how AI works")
    tuning.toggle(key="system.temp_on.1").set_value(True).run()
    tuning.slider(key="system.temp.1").set_value(0.3)
    run_grid(tuning)
    sent = calls(offline)
    assert len(sent) == 6
    seen = {
        (r.system_text or "", r.user_texts[-1], r.generation_config.get("temperature"))
        for r in sent
    }
    for prompt in ("Hello there", "Explain how AI works"):
        assert ("", prompt, None) in seen
        assert (INSTRUCTIONS[1], prompt, 0.3) in seen
        assert (INSTRUCTIONS[2], prompt, None) in seen
    results = grid(tuning).results
    assert len(results) == 6 and all(r.error is None and r.text for r in results.values())
    assert "Neko" in " ".join(r.text for c, r in results.items() if c.variant == 1)
    shown = [m.value for m in tuning.main.markdown]
    assert not tuning.main.expander  # every cell's reply in full in its card, not collapsed
    assert all(any(r.text.strip() in m for m in shown) for r in results.values())
    assert [m.label for m in tuning.main.metric] == [
        "Variant A — best picks",
        "Variant B — best picks",
        "Variant C — best picks",
    ]


def test_a_failing_prompt_fails_only_its_cells(tuning, offline):
    configure(tuning, INSTRUCTIONS, "Hello there\nExplain AI [[fault:503]]")
    run_grid(tuning)
    results = grid(tuning).results
    failed = {c for c, r in results.items() if r.error}
    assert failed == {c for c in results if c.prompt == 1}
    assert all("503 UNAVAILABLE" in results[c].error for c in failed)
    assert len([e for e in tuning.main.error if "503" in e.value]) == 3
    assert all(results[c].text for c in results if c.prompt == 0)


def test_use_this_instruction_changes_what_the_text_page_sends(tuning, offline):
    configure(tuning, INSTRUCTIONS, "Hello there")
    tuning.toggle(key="system.temp_on.1").set_value(True).run()
    tuning.slider(key="system.temp.1").set_value(0.4).run()
    run_grid(tuning)
    tuning.button(key="system.use.1").click().run()
    tuning.switch_page("views/text.py").run()
    tuning.text_area(key="text.prompt").input("Hello there")
    tuning.button(key="text.run").click().run()
    sent = offline.last("generateContent")
    assert sent.system_text == INSTRUCTIONS[1]
    assert sent.generation_config["temperature"] == 0.4


def test_downloads_are_valid_csv_and_json_without_a_key(tuning, offline):
    configure(tuning, INSTRUCTIONS[:2], "Hello there\nExplain how AI works")
    run_grid(tuning)
    g = grid(tuning)
    rows = list(csv.DictReader(io.StringIO(to_csv(g.results, g.variants, g.prompts))))
    assert len(rows) == 4 and {r["variant"] for r in rows} == {"Variant A", "Variant B"}
    assert all(r["text"] for r in rows)
    document = json.loads(to_json(g.results, g.variants, g.prompts, g.base))
    assert document["settings"]["model"] == "gemini-2.5-flash"
    assert len(document["cells"]) == 4 and "key" not in json.dumps(document["settings"]).lower()
    labels = [b.label for b in tuning.main.download_button]
    assert "Results CSV" in labels and "Results JSON" in labels


def test_rerun_one_variant_only(tuning, offline):
    configure(tuning, INSTRUCTIONS, "Hello there\nExplain how AI works")
    run_grid(tuning)
    offline.clear_requests()
    tuning.text_area(key="system.variant.2").input("You are a pirate.").run()
    tuning.selectbox(key="system.rerun.target").select("Variant C")
    tuning.button(key="system.rerun").click().run(timeout=60)
    sent = calls(offline)
    assert len(sent) == 2 and {r.system_text for r in sent} == {"You are a pirate."}
    assert len(grid(tuning).results) == 6


def test_samples_and_best_picks(tuning, offline):
    configure(tuning, INSTRUCTIONS[:2], "Hello there")
    tuning.slider(key="system.samples").set_value(3).run()
    run_grid(tuning)
    assert len(calls(offline)) == 6
    tuning.radio(key="system.best.0").set_value("Variant B").run()
    scores = {m.label: m.value for m in tuning.main.metric}
    assert scores["Variant B — best picks"] == "1" and scores["Variant A — best picks"] == "0"


def test_grid_survives_a_page_switch(tuning, offline):
    configure(tuning, INSTRUCTIONS[:2], "Hello there")
    run_grid(tuning)
    before = dict(grid(tuning).results)
    tuning.switch_page("views/chat.py").run()
    tuning.switch_page("views/system.py").run()
    assert grid(tuning).results == before
    assert tuning.text_area(key="system.variant.1").value == INSTRUCTIONS[1]


def test_too_many_prompts_are_refused(tuning, offline):
    tuning.text_area(key="system.prompts").input("\n".join(f"p{i}" for i in range(11))).run()
    assert "At most 10 test prompts" in " ".join(w.value for w in tuning.main.warning)
    assert tuning.button(key="system.run").disabled


def test_presets_fill_the_instruction(tuning, offline):
    from playground.tuning import PRESETS

    tuning.selectbox(key="system.preset.0").select("Friendly teacher").run()
    assert tuning.text_area(key="system.variant.0").value == PRESETS["Friendly teacher"]


def test_grid_csv_keeps_formula_text_inert(tuning, offline):
    formula = '=HYPERLINK("https://example.invalid/","Click here")'
    configure(tuning, ["@cat", "You are a terse expert."], formula)
    run_grid(tuning)
    g = grid(tuning)
    data = to_csv(g.results, g.variants, g.prompts).encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 2 and {r["prompt"] for r in rows} == {"'" + formula}
    assert [r["system_instruction"] for r in rows] == ["'@cat", "You are a terse expert."]
    cells = [value for row in rows for value in row.values()]
    assert all(r["text"] for r in rows)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
