"""Garbage collection off the critical path.

Streamlit's `runner.postScriptGC` (a full `gc.collect(2)` after every script run) is off in
`.streamlit/config.toml`. What the collector would rescan on every pass is mostly
start-up state — modules, the SDK's pydantic types, Streamlit itself. `freeze_startup()`
moves everything alive after the first run's imports into the permanent generation once
per process, so later collections only look at what the sessions allocate. It does not
collect first: that full pass cost ~80 ms of the first page's run, and the few cycles the
imports leave behind are kilobytes.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup() -> None:
    """Once per process: freeze everything alive now (a no-op afterwards)."""
    global _frozen
    if _frozen:
        return
    gc.freeze()
    _frozen = True
