"""Session memory after generating 20 1K images on the Images page, against the raw bytes
of those images (target: at most 1.5x). Prints one JSON line.

Memory is the deep size of everything the session keeps in st.session_state (each object
counted once), apart from the shared, cached connection.
Usage: python bench/image_memory.py [--images N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import types

from _offline import use_offline_demo

ROOT = use_offline_demo()

from pydantic import BaseModel  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

SKIPPED = (type, types.FunctionType, types.MethodType, types.ModuleType)
SHARED_KEYS = {"app.connected"}  # the cached client and catalogue, shared by all sessions


def deep_size(root: object) -> int:
    """Bytes of every object reachable from root, each counted once."""
    seen: set[int] = set()
    total = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, SKIPPED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, str | bytes | bytearray | int | float | bool | type(None)):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif isinstance(obj, BaseModel):
            stack.extend(obj.__dict__.values())
        elif dataclasses.is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=20)
    wanted = parser.parse_args().images
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/images.py").run()
    at.slider(key="images.count").set_value(4).run()
    run = 0
    while len(at.session_state["images.gallery"]) < wanted:
        at.text_area(key="images.prompt").input(f"Generate an image of scene number {run}")
        at.button(key="images.run").click().run()
        assert not at.exception, at.exception
        run += 1
    store = at.session_state["images.store"]
    state = {k: v for k, v in at.session_state.to_dict().items() if k not in SHARED_KEYS}
    session_bytes = deep_size(state)
    raw = store.original_bytes
    sizes = sorted({(i.width, i.height) for i in store})
    print(
        json.dumps(
            {
                "bench": "image_memory",
                "images": len(store),
                "image_px": [f"{w}x{h}" for w, h in sizes],
                "raw_image_bytes": raw,
                "thumbnail_bytes": sum(len(i.thumbnail) for i in store),
                "session_bytes": session_bytes,
                "ratio": round(session_bytes / raw, 3) if raw else None,
            }
        )
    )


if __name__ == "__main__":
    main()
