"""models.list / models.get through the real SDK, on v1 and v1beta."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer
from gemini_offline.models import CATALOGUE


def test_list_with_page_size_2_iterates_every_model_across_pages(
    client: genai.Client, srv: OfflineServer
) -> None:
    names = [m.name for m in client.models.list(config={"page_size": 2})]

    assert names == [f"models/{spec.id}" for spec in CATALOGUE]
    pages = [r for r in srv.requests if r.action == "list"]
    assert len(pages) == -(-len(CATALOGUE) // 2)
    assert pages[0].query == {"pageSize": "2"}
    assert all(r.query.get("pageToken") for r in pages[1:])


def test_list_entries_carry_the_real_model_fields(client: genai.Client) -> None:
    models = {m.name: m for m in client.models.list()}

    flash = models["models/gemini-2.5-flash"]
    assert flash.display_name == "Gemini 2.5 Flash"
    assert "simulated" in (flash.description or "").lower()
    assert flash.input_token_limit == 1_048_576 and flash.output_token_limit == 65_536
    assert flash.supported_actions == ["generateContent", "countTokens"]
    assert flash.thinking is True and flash.temperature == 1 and flash.max_temperature == 2
    image = models["models/gemini-3.1-flash-image"]
    assert image.thinking is False and image.output_token_limit == 32_768
    assert models["models/gemini-embedding-001"].supported_actions == ["embedContent"]


def test_get_returns_one_model(client: genai.Client, srv: OfflineServer) -> None:
    model = client.models.get(model="gemini-3-pro-preview")

    assert model.name == "models/gemini-3-pro-preview" and model.thinking is True
    assert srv.last("get").model == "gemini-3-pro-preview"


def test_get_unknown_model_is_404(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.get(model="gemini-9-ultra")

    assert caught.value.code == 404 and caught.value.status == "NOT_FOUND"


def test_generate_on_unknown_model_is_404_naming_version_and_method(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3.6-flahs", contents="hi")

    assert caught.value.code == 404
    assert caught.value.message == (
        "models/gemini-3.6-flahs is not found for API version v1, or is not supported for "
        "generateContent. Call ModelService.ListModels to see the list of available models "
        "and their supported methods."
    )


def test_embedding_model_does_not_support_generate_content(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-embedding-001", contents="hi")

    assert caught.value.code == 404
    assert "not supported for generateContent" in caught.value.message


def test_v1beta_path_works(srv: OfflineServer) -> None:
    beta = genai.Client(
        api_key="test-key", http_options=types.HttpOptions(base_url=srv.url, api_version="v1beta")
    )

    reply = beta.models.generate_content(model="gemini-2.5-flash", contents="Explain tides")
    listed = list(beta.models.list())

    assert reply.text
    assert len(listed) == len(CATALOGUE)
    assert {r.api_version for r in srv.requests} == {"v1beta"}
    assert srv.last().path == "/v1beta/models/gemini-2.5-flash:generateContent"
