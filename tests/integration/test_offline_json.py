"""Structured output: responseJsonSchema, responseSchema (pydantic), JSON without schema, enum."""

from __future__ import annotations

import enum
import json

import pydantic
from google import genai
from google.genai import types

from gemini_offline import OfflineServer

from .jsonschema_check import problems

MODEL = "gemini-2.5-flash"


class Recipe(pydantic.BaseModel):
    recipe_name: str
    ingredients: list[str]
    servings: int
    rating: float | None = None


class Sentiment(enum.Enum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 40},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 4},
        "status": {"enum": ["draft", "published"]},
        "version": {"const": 2},
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "owner": {"$ref": "#/$defs/Person"},
        "note": {"type": ["string", "null"]},
        "contact": {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
    },
    "required": ["title", "tags", "status", "version", "score", "owner"],
    "additionalProperties": False,
    "$defs": {
        "Person": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        }
    },
}


def test_response_json_schema_gives_a_valid_instance(client: genai.Client) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="Draft a blog post about sourdough baking",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_json_schema=SCHEMA
        ),
    )

    instance = json.loads(reply.text)
    assert problems(instance, SCHEMA) == []
    assert reply.parsed == instance


def test_pydantic_response_schema_parses_into_the_model(
    client: genai.Client, srv: OfflineServer
) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="List a few popular cookie recipes",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=list[Recipe]
        ),
    )

    assert isinstance(reply.parsed, list) and reply.parsed
    assert all(isinstance(r, Recipe) for r in reply.parsed)
    assert all(r.ingredients and r.servings > 0 for r in reply.parsed)
    sent = srv.last().body["generationConfig"]["responseSchema"]["items"]
    assert list(json.loads(reply.text)[0]) == sent["property_ordering"]


def test_json_mime_without_schema_gives_a_small_object(client: genai.Client) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="Tell me about volcanoes",
        config=types.GenerateContentConfig(response_mime_type="application/json"),
    )

    obj = json.loads(reply.text)
    assert obj["topic"] == "volcanoes" and obj["simulated"] is True


def test_enum_mime_type_returns_one_enum_value(client: genai.Client) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="Classify the sentiment: I love this, it feels so positive!",
        config=types.GenerateContentConfig(
            response_mime_type="text/x.enum", response_schema=Sentiment
        ),
    )

    assert reply.text == "positive"
    assert reply.parsed == Sentiment.POSITIVE


OPENAPI_SCHEMA = {
    "type": "ARRAY",
    "minItems": 2,
    "items": {
        "type": "OBJECT",
        "properties": {
            "recipe_name": {"type": "STRING"},
            "servings": {"type": "INTEGER", "nullable": True, "minimum": 1, "maximum": 8},
            "course": {"type": "STRING", "enum": ["main", "dessert"]},
            "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}, "maxItems": 5},
        },
        "propertyOrdering": ["recipe_name", "course", "servings", "ingredients"],
        "required": ["recipe_name", "course", "ingredients"],
    },
}


def test_openapi_response_schema_gives_a_valid_instance_in_order(
    client: genai.Client, srv: OfflineServer
) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="List a few cookie recipes",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=OPENAPI_SCHEMA
        ),
    )

    recipes = json.loads(reply.text)
    assert problems(recipes, OPENAPI_SCHEMA) == []
    # As the SDK sent it (snake_case keys such as property_ordering, max_items), too.
    sent = srv.last().body["generationConfig"]["responseSchema"]
    assert "property_ordering" in sent["items"] and problems(recipes, sent) == []
    assert [list(r) for r in recipes] == [
        [k for k in OPENAPI_SCHEMA["items"]["propertyOrdering"] if k in r] for r in recipes
    ]
