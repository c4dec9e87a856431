"""Per-caller state: one visitor's fault counters and sample variation are its own.

Two SDK clients with different API keys share one server. Client A's outcomes — the
fail-fail-succeed pattern of ``[[fault:429x2]]``, the text of temperature-1 samples and
the bytes of unseeded images — must be the same whether or not client B sent the very
same prompts in between.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer

from .conftest import TIMEOUT_MS
from .helpers import raw_call

MODEL = "gemini-2.5-flash"
IMAGE_MODEL = "gemini-2.5-flash-image"

Step = Callable[[genai.Client], str]


def _fault(client: genai.Client) -> str:
    try:
        reply = client.models.generate_content(model=MODEL, contents="Tides [[fault:429x2]]")
    except errors.ClientError as error:
        return f"error {error.code}"
    return f"ok {reply.text}"


def _sample(client: genai.Client) -> str:
    reply = client.models.generate_content(
        model=MODEL,
        contents="Describe the sea in one line.",
        config=types.GenerateContentConfig(temperature=1.0),
    )
    return f"sample {reply.text}"


def _image(client: genai.Client) -> str:
    reply = client.models.generate_content(
        model=IMAGE_MODEL,
        contents="A lighthouse at dusk",
        config=types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio="1:1"),
        ),
    )
    data = b"".join(p.inline_data.data for p in reply.parts or [] if p.inline_data)
    return "image " + hashlib.sha256(data).hexdigest()


#: A's script: the retry pattern twice over, three samples, two unseeded images.
SCRIPT: list[Step] = [_fault, _fault, _fault, _sample, _sample, _fault, _image, _sample, _image]


@pytest.fixture
def make_client(srv: OfflineServer) -> Iterator[Callable[[str], genai.Client]]:
    made: list[genai.Client] = []

    def make(key: str) -> genai.Client:
        client = genai.Client(
            api_key=key,
            http_options=types.HttpOptions(base_url=srv.url, timeout=TIMEOUT_MS),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def test_a_callers_outcomes_do_not_depend_on_another_callers_traffic(make_client) -> None:
    alone = make_client("visitor-a-first-session")
    solo = [step(alone) for step in SCRIPT]

    a = make_client("visitor-a-second-session")
    b = make_client("visitor-b")
    mixed = []
    for step in SCRIPT:
        step(b)  # B sends the same prompt just before A, and again just after
        mixed.append(step(a))
        step(b)

    assert solo == mixed
    # The script really exercises the counters: retries fail twice, then succeed …
    assert solo[:3] == ["error 429", "error 429", solo[2]] and solo[2].startswith("ok ")
    # … and samples / images really vary between A's own calls.
    samples = [s for s in solo if s.startswith("sample ")]
    images = [s for s in solo if s.startswith("image ")]
    assert len(set(samples)) == len(samples) == 3
    assert len(set(images)) == len(images) == 2


def test_header_key_query_key_and_bearer_token_are_callers_of_their_own(
    srv: OfflineServer,
) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "Tides [[fault:429x1]]"}]}]}
    path = f"/v1beta/models/{MODEL}:generateContent"
    # Each credential has its own counter: the first call of each fails, the second succeeds.
    for key in ("header-key-1", "header-key-2"):
        assert raw_call(srv, path, body, key=key)[0] == 429
    for key in ("header-key-1", "header-key-2"):
        assert raw_call(srv, path, body, key=key)[0] == 200
    assert raw_call(srv, f"{path}?key=query-key", body, key=None)[0] == 429
    assert raw_call(srv, f"{path}?key=query-key", body, key=None)[0] == 200
    # Enterprise callers authenticate with a bearer token; each token is its own caller.
    predict = "/v1beta1/publishers/google/models/imagen-4.0-fast-generate-001:predict"
    imagen = {"instances": [{"prompt": "A kite [[fault:429x1]]"}], "parameters": {}}
    tokens = ("token-1", "token-2", "token-1", "token-2")
    assert [_bearer_call(srv, predict, imagen, t) for t in tokens] == [429, 429, 200, 200]


def _bearer_call(srv: OfflineServer, path: str, body: dict, token: str) -> int:
    request = urllib.request.Request(
        srv.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
