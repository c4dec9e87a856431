"""The model catalogue from a real models.list body, and its fallback."""

from google.genai import types
from google.genai.models import _ListModelsResponse_from_mldev

from playground.catalog import FALLBACK_MODELS, Catalog, ModelInfo
from playground.errors import ApiError
from tests.conftest import wire_json


def models_from_wire() -> list[types.Model]:
    """Parse the recorded body exactly as the SDK's models.list does."""
    body = _ListModelsResponse_from_mldev(wire_json("models_list_v1beta_page1_cookbook.json"))
    response = types.ListModelsResponse._from_response(response=body, kwargs={})
    return list(response.models or [])


def test_catalog_from_the_recorded_models_list():
    models = models_from_wire()
    catalog = Catalog.from_models(models)
    assert not catalog.from_fallback
    generating = [m for m in models if "generateContent" in (m.supported_actions or [])]
    assert len(catalog.models) == len(generating)
    assert all(m.generates_content for m in catalog.models)
    thinking = catalog.get("calmriver")
    assert thinking is not None and thinking.thinking and thinking.output_token_limit == 65536


def test_capabilities():
    assert ModelInfo("gemini-3-pro-preview", "x", thinking=True).thinking_style == "level"
    assert ModelInfo("gemini-2.5-flash", "x", thinking=True).thinking_style == "budget"
    assert ModelInfo("gemini-2.0-flash", "x").thinking_style is None
    image = ModelInfo("gemini-3.1-flash-image", "x")
    assert image.image_output and not image.text_output
    embed = ModelInfo("gemini-embedding-001", "x", actions=("embedContent",))
    assert not embed.generates_content and not embed.text_output


def test_listing_failure_falls_back_with_the_reason():
    error = ApiError("API key not valid.", "Check the key.", code=400, status="INVALID_ARGUMENT")
    catalog = Catalog.fallback(error)
    assert catalog.from_fallback and catalog.models == FALLBACK_MODELS
    assert "400 INVALID_ARGUMENT" in catalog.problem
    assert any(m.id == "gemini-2.5-flash" for m in catalog.text_models)
    assert catalog.image_models


def test_unknown_model_gets_a_conservative_guess():
    info = Catalog(FALLBACK_MODELS).info("gemini-2.5-experimental")
    assert info.id == "gemini-2.5-experimental" and info.thinking_style == "budget"
