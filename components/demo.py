"""Record a demo at the desk, replay it in the meeting room: the sidebar's Demo recording
controls and what they do to the session's connection.

Recording (with a real key): the session's API traffic goes through a `RecordingProxy`
(gemini_offline.recordings) that forwards it to Gemini and writes each exchange to a
folder under `recordings/` (the key is never written). Replaying: a `ReplayServer` serves
a chosen folder with no network and no key, streams paced as recorded; a request that was
not recorded gets an error that names it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import streamlit as st

from gemini_offline.recordings import DEFAULT_UPSTREAM, RecordingProxy, ReplayServer
from playground.connection import (
    ConnectionPlan,
    recording_folders,
    recording_plan,
    recordings_root,
    replay_plan,
)
from playground.state import DEMO_RECORD, DEMO_RECORD_FOLDER, DEMO_REPLAY, OFFLINE_KEY

NO_REPLAY = "Don't replay"


def _stop(server: RecordingProxy | ReplayServer) -> None:
    server.stop()


@st.cache_resource(on_release=_stop, show_spinner=False)
def _proxy(directory: str, upstream: str) -> RecordingProxy:
    return RecordingProxy(directory, upstream=upstream).start()


@st.cache_resource(on_release=_stop, show_spinner=False)
def _replayer(directory: str, files: int) -> ReplayServer:
    # `files` is in the cache key so a folder that has grown is served afresh
    return ReplayServer(directory).start()


def apply_demo(plan: ConnectionPlan) -> ConnectionPlan:
    """The plan with this session's recording or replay applied (replay wins)."""
    root = recordings_root(os.environ)
    chosen = st.session_state.get(DEMO_REPLAY)
    if chosen and chosen != NO_REPLAY and chosen in recording_folders(root):
        directory = root / chosen
        server = _replayer(str(directory), len(list(directory.glob("*.json"))))
        return replay_plan(server.url, chosen, st.session_state.get(OFFLINE_KEY))
    if st.session_state.get(DEMO_RECORD) and plan.mode == "gemini":
        folder = st.session_state.get(DEMO_RECORD_FOLDER)
        if not folder:
            folder = datetime.now().strftime("demo-%Y%m%d-%H%M%S")
            st.session_state[DEMO_RECORD_FOLDER] = folder
        proxy = _proxy(str(root / folder), plan.base_url or DEFAULT_UPSTREAM)
        return recording_plan(plan, proxy.url, folder)
    return plan


def _new_recording() -> None:
    st.session_state[DEMO_RECORD_FOLDER] = None  # the next recording gets a folder of its own


def demo_controls(plan: ConnectionPlan) -> None:
    """Record this session (with a real key) or replay a recording (no key needed)."""
    root = recordings_root(os.environ)
    folders = recording_folders(root)
    with st.expander("Demo recording", icon=":material/radio_button_checked:"):
        can_record = plan.mode == "gemini" or (plan.mode != "replay" and plan.demo is not None)
        st.toggle(
            "Record this session",
            key=DEMO_RECORD,
            disabled=not can_record,
            on_change=_new_recording,
            help="Needs a real Gemini key. Every request and reply goes to a folder under "
            f"{_shown(root)}; the key is never written.",
        )
        if plan.demo and plan.mode != "replay":
            st.caption(f":material/fiber_manual_record: Recording to `{plan.demo}`")
        elif not can_record:
            st.caption("Recording needs a real Gemini key (the offline demo is already offline).")
        st.selectbox(
            "Replay a recording",
            [NO_REPLAY, *folders],
            key=DEMO_REPLAY,
            help="Serve a recorded demo with no network and no key; a request that was not "
            "recorded gets an error that says so.",
        )
        if not folders:
            st.caption("No recordings yet.")


def _shown(root: Path) -> str:
    try:
        return f"`{root.relative_to(Path.cwd())}`"
    except ValueError:
        return f"`{root}`"
