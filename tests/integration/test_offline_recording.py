"""The request log is opt-in: servers record nothing unless asked, so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google import genai

from gemini_offline import OfflineServer, start_server

from .conftest import sdk_client

MODEL = "gemini-2.5-flash"


@pytest.fixture
def quiet() -> Iterator[OfflineServer]:
    server = start_server(port=0, chunk_delay_ms=0)
    yield server
    server.stop()


@pytest.fixture
def quiet_client(quiet: OfflineServer) -> Iterator[genai.Client]:
    client = sdk_client(quiet)
    yield client
    client.close()


def ask(client: genai.Client, prompt: str) -> str:
    return client.models.generate_content(model=MODEL, contents=prompt).text or ""


def test_a_server_records_nothing_by_default(quiet: OfflineServer, quiet_client) -> None:
    assert ask(quiet_client, "Explain tides")
    assert quiet.log.active is False
    assert quiet.requests == [] and quiet.last() is None and len(quiet.log) == 0


def test_recording_is_turned_on_and_off_by_the_test(quiet: OfflineServer, quiet_client) -> None:
    ask(quiet_client, "before recording")
    quiet.log.start()
    ask(quiet_client, "while recording")
    quiet_client.models.count_tokens(model=MODEL, contents="counted")

    assert [r.action for r in quiet.requests] == ["generateContent", "countTokens"]
    assert quiet.last().user_texts == ["while recording"]

    quiet.log.stop()  # stops and frees the log
    ask(quiet_client, "after recording")
    assert quiet.requests == [] and quiet.log.active is False


def test_start_clears_unless_told_to_keep(quiet: OfflineServer, quiet_client) -> None:
    quiet.log.start()
    ask(quiet_client, "first")
    quiet.log.stop(clear=False)
    ask(quiet_client, "not recorded")
    quiet.log.start(clear=False)
    ask(quiet_client, "second")
    assert [r.user_texts for r in quiet.requests] == [["first"], ["second"]]
    quiet.log.start()
    assert quiet.requests == []


def test_the_shared_server_does_not_record_by_itself() -> None:
    from gemini_offline import shared_server

    server = shared_server()
    assert server.log.active is False
    client = sdk_client(server)
    ask(client, "Explain tides")
    client.close()
    assert server.requests == []
