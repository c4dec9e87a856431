"""playground.tuning runs through the real SDK against gemini_offline: a whole grid, then one
variant re-run with a new instruction and merged into it."""

from __future__ import annotations

from google import genai

from gemini_offline import OfflineServer
from playground.gemini import Gemini, RetryPolicy
from playground.settings import GenerationSettings
from playground.tuning import Cell, Variant, plan_run, run_into

PROMPTS = ["Hello there", "Explain how AI works"]


def generate_calls(srv: OfflineServer) -> list:
    return [r for r in srv.requests if r.action == "generateContent"]


def test_rerunning_one_variant_replaces_only_its_cells(client: genai.Client, srv):
    gemini = Gemini(client, retry=RetryPolicy(attempts=1))
    base = GenerationSettings()
    variants = [Variant("Variant A"), Variant("Variant B", "You are a cat. Your name is Neko.")]
    grid, cells = plan_run(None, base, variants, PROMPTS, 1)
    done: list[tuple[int, int]] = []
    run_into(gemini, grid, cells, on_done=lambda d, t: done.append((d, t)), workers=2)
    assert len(grid.results) == 4 and done[-1] == (4, 4)
    before = dict(grid.results)
    srv.clear_requests()

    pirate = [variants[0], Variant("Variant B", "You are a pirate.")]
    grid_again, cells = plan_run(grid, base, pirate, PROMPTS, 1, only_variant=1)
    run_into(gemini, grid_again, cells)
    sent = generate_calls(srv)
    assert grid_again is grid and len(grid.results) == 4
    assert len(sent) == 2 and {r.system_text for r in sent} == {"You are a pirate."}
    for prompt in range(2):
        assert grid.results[Cell(0, prompt)] is before[Cell(0, prompt)]  # kept as it was
        assert grid.results[Cell(1, prompt)] is not before[Cell(1, prompt)]  # re-run
    assert grid.variants[1].system_instruction == "You are a pirate."
