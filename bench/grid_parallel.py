"""A 4 x 2 tuning grid against gemini_offline with 300 ms latency per request: wall time
divided by the slowest single request (target <= 1.5: the cells really run concurrently).
Prints one JSON line. Usage: python bench/grid_parallel.py [--latency-ms 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google import genai
from google.genai import types

from gemini_offline import start_server
from playground.gemini import Gemini
from playground.settings import GenerationSettings
from playground.tuning import PRESETS, Variant, plan_cells, run_grid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = start_server(port=0, latency_ms=args.latency_ms, chunk_delay_ms=0)
    client = genai.Client(api_key="bench", http_options=types.HttpOptions(base_url=server.url))
    gemini = Gemini(client)
    variants = [Variant(name, text) for name, text in list(PRESETS.items())[:4]]
    prompts = ["Hello there", "Explain how AI works"]
    cells = plan_cells(len(variants), len(prompts), 1)
    ratios, walls, slowest_cells = [], [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        results = run_grid(gemini, GenerationSettings(), variants, prompts, cells)
        wall = time.perf_counter() - started
        assert all(r.error is None for r in results.values())
        slowest = max(r.latency_s for r in results.values())
        walls.append(wall)
        slowest_cells.append(slowest)
        ratios.append(wall / slowest)
    server.stop()
    print(
        json.dumps(
            {
                "bench": "grid_parallel",
                "cells": len(cells),
                "server_latency_ms": args.latency_ms,
                "wall_s_median": round(statistics.median(walls), 3),
                "slowest_request_s_median": round(statistics.median(slowest_cells), 3),
                "ratio_median": round(statistics.median(ratios), 3),
                "serial_would_be_s": round(len(cells) * args.latency_ms / 1000, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
