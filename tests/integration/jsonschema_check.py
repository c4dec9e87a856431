"""The independent validator of the tests: the ``jsonschema`` library, plus a thin shim from
the Gemini API's OpenAPI-dialect ``Schema`` to JSON Schema (draft 2020-12).

The OpenAPI dialect (``responseSchema``) differs from JSON Schema in a few ways the shim
undoes: upper-case ``type`` names ("OBJECT", "TYPE_UNSPECIFIED"), ``nullable: true`` instead
of a ``"null"`` type, annotations JSON Schema lacks (``propertyOrdering``, ``example``),
int64 bounds sent as strings ("3"), and snake_case keys as the SDK may send them
(``any_of``, ``max_items``). A JSON Schema (``responseJsonSchema``) passes through unchanged
apart from the type names' case. Nothing here imports gemini_offline.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

#: Keywords whose value maps user-chosen names to sub-schemas.
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
#: Keywords whose value is one sub-schema, or a list of them.
_SUBSCHEMA = frozenset(
    {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
)
_SUBSCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
#: OpenAPI annotations without a JSON Schema meaning.
_DROPPED = frozenset({"propertyOrdering", "example", "nullable"})
#: int64 fields that the API's JSON mapping may send as strings.
_COUNTS = frozenset(
    {"minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"}
)


def _camel(key: str) -> str:
    if "_" not in key or key.startswith(("_", "$")):
        return key
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _type(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v).lower() for v in value]
    lowered = str(value).lower()
    return None if lowered == "type_unspecified" else lowered


def to_json_schema(schema: Any) -> Any:
    """A JSON Schema equivalent of an OpenAPI-dialect (or JSON Schema) ``schema``."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for raw_key, value in schema.items():
        key = _camel(raw_key)
        if key in _DROPPED:
            continue
        if key == "type":
            kind = _type(value)
            if kind is not None:
                out["type"] = kind
        elif key in _NAME_MAPS and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA:
            out[key] = to_json_schema(value)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [to_json_schema(sub) for sub in value]
        elif key in _COUNTS and isinstance(value, str) and value.isdigit():
            out[key] = int(value)
        else:  # enum, const, default, required, format, bounds, $ref, …: as given
            out[key] = value
    if schema.get("nullable") is True:
        out = _nullable(out)
    return out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` that also accepts ``null``."""
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            schema["type"] = [*kind, "null"]
    elif "anyOf" in schema:
        schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
    return schema


def validator(schema: Any) -> Draft202012Validator:
    """A draft 2020-12 validator (with format checks) for ``schema``, itself checked first."""
    converted = to_json_schema(schema)
    Draft202012Validator.check_schema(converted)
    return Draft202012Validator(converted, format_checker=FormatChecker())


def problems(instance: Any, schema: Any) -> list[str]:
    """Every way ``instance`` breaks ``schema``, as ``"$.path: message"``; empty when valid."""
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{error.json_path}: {error.message}" for error in errors]
