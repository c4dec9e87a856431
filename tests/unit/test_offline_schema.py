"""Schema instances: valid for JSON Schema and OpenAPI-style schemas, plausible values."""

from __future__ import annotations

import datetime
import enum
import uuid

import pydantic
import pytest

from gemini_offline.schema import ValueHints, instance_for
from tests.integration.jsonschema_check import problems

HINTS = ValueHints("cookie recipes", ("cookie", "recipes"))


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Node(pydantic.BaseModel):
    label: str
    children: list[Node] = []


class Order(pydantic.BaseModel):
    order_id: str
    email: str
    placed_at: datetime.datetime
    quantity: int = pydantic.Field(ge=1, le=3)
    price: float
    colour: Colour
    gift: bool | None = None
    tags: list[str] = pydantic.Field(min_length=2, max_length=2)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string"},
        {"type": ["integer", "null"], "minimum": 10, "maximum": 12},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        {"type": "array", "items": {"type": "boolean"}, "minItems": 5},
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "maxItems": 2},
        {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]},
        {
            "allOf": [
                {"properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"required": ["b"]},
            ]
        },
        {"type": "object", "additionalProperties": {"type": "integer"}},
        {"const": {"fixed": [1, 2]}},
        Node.model_json_schema(),
        Order.model_json_schema(),
    ],
)
def test_instance_validates(schema: dict) -> None:
    assert problems(instance_for(schema, HINTS), schema) == []


def test_values_follow_field_names_and_formats() -> None:
    order = instance_for(Order.model_json_schema(), HINTS)

    assert "@" in order["email"]
    datetime.datetime.fromisoformat(order["placed_at"].replace("Z", "+00:00"))
    assert order["colour"] in ("red", "blue")
    assert order["order_id"].startswith("order-")
    parsed = Order.model_validate(order)
    assert parsed.quantity in (1, 2, 3)
    uuid.UUID(instance_for({"type": "string", "format": "uuid"}, HINTS))


def test_recursive_refs_terminate() -> None:
    tree = instance_for(Node.model_json_schema(), HINTS)

    depth, node = 0, tree
    while node.get("children"):
        node, depth = node["children"][0], depth + 1
    assert 0 < depth < 10


def test_openapi_schema_uses_property_ordering_and_upper_case_types() -> None:
    schema = {
        "type": "ARRAY",
        "items": {
            "type": "OBJECT",
            "properties": {
                "recipe_name": {"type": "STRING"},
                "servings": {"type": "INTEGER", "nullable": True},
                "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}},
            },
            "propertyOrdering": ["ingredients", "recipe_name", "servings"],
            "required": ["recipe_name"],
        },
    }

    recipes = instance_for(schema, HINTS)

    assert problems(recipes, schema) == []
    assert list(recipes[0]) == ["ingredients", "recipe_name", "servings"]
    assert recipes[0]["recipe_name"].endswith("Cookie Recipe")
    assert len({r["recipe_name"] for r in recipes}) == len(recipes)


def test_enum_prefers_a_value_the_prompt_mentions() -> None:
    hints = ValueHints("review", ("loved", "negative", "ending"))

    assert instance_for({"enum": ["positive", "negative", "neutral"]}, hints) == "negative"


OPENAPI_RECIPE = {
    "type": "OBJECT",
    "properties": {
        "recipe_name": {"type": "STRING", "max_length": "20"},
        "servings": {"type": "INTEGER", "nullable": True, "minimum": 1},
        "course": {"type": "STRING", "enum": ["main", "dessert"], "nullable": True},
        "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "maxItems": "2"},
        "any": {"type": "TYPE_UNSPECIFIED"},
    },
    "propertyOrdering": ["recipe_name", "servings"],
    "required": ["recipe_name"],
}


def test_the_validator_shim_reads_the_openapi_dialect() -> None:
    from tests.integration.jsonschema_check import to_json_schema

    converted = to_json_schema(OPENAPI_RECIPE)

    assert converted["type"] == "object" and "propertyOrdering" not in converted
    props = converted["properties"]
    assert props["servings"] == {"type": ["integer", "null"], "minimum": 1}
    assert props["course"]["enum"] == ["main", "dessert", None]
    assert props["recipe_name"] == {"type": "string", "maxLength": 20}
    assert props["any"] == {}


@pytest.mark.parametrize(
    ("instance", "where"),
    [
        ({"servings": 2}, "$"),  # required recipe_name missing
        ({"recipe_name": 5}, "$.recipe_name"),
        ({"recipe_name": "x" * 21}, "$.recipe_name"),
        ({"recipe_name": "Soup", "servings": 0}, "$.servings"),
        ({"recipe_name": "Soup", "servings": "two"}, "$.servings"),
        ({"recipe_name": "Soup", "course": "starter"}, "$.course"),
        ({"recipe_name": "Soup", "tags": ["a", "b", "c"]}, "$.tags"),
    ],
)
def test_the_validator_finds_what_breaks_an_openapi_schema(instance: dict, where: str) -> None:
    found = problems(instance, OPENAPI_RECIPE)

    assert found and all(p.startswith(where) for p in found)


def test_the_validator_accepts_nulls_where_nullable() -> None:
    instance = {"recipe_name": "Soup", "servings": None, "course": None, "any": [1]}
    assert problems(instance, OPENAPI_RECIPE) == []


def test_the_validator_checks_formats() -> None:
    assert problems("not-an-email", {"type": "string", "format": "email"})
    assert problems("cook@example.com", {"type": "string", "format": "email"}) == []
