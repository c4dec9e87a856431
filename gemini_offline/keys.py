"""Normalise request bodies to camelCase, the way the real API accepts both spellings.

The SDK sends a mix (``inlineData: {mime_type, data}``, ``thinkingConfig: {thinking_budget}``),
so everything downstream reads camelCase only. Two kinds of map are left alone because their
keys belong to the user: the property names inside a schema (``properties``, ``$defs``) and
opaque payloads such as function-call ``args``.
"""

from __future__ import annotations

from typing import Any

#: Keys whose value is a schema: walk it with :func:`_schema`, not :func:`_message`.
SCHEMA_VALUED = frozenset(
    {"responseSchema", "responseJsonSchema", "parameters", "parametersJsonSchema"}
)
#: Keys whose value is user data that must be kept byte-for-byte.
OPAQUE = frozenset({"args", "response", "labels", "metadata", "partialArgs"})
#: Schema keywords whose value maps user-chosen names to sub-schemas.
SCHEMA_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "defs", "dependentSchemas"}
)
#: Schema keywords whose value is literal data (or a list of user names).
SCHEMA_LITERALS = frozenset(
    {"enum", "const", "default", "example", "examples", "required", "propertyOrdering"}
)


def camel(key: str) -> str:
    """``thinking_budget`` -> ``thinkingBudget``; keys without underscores are unchanged."""
    if "_" not in key or key.startswith(("_", "@", "$")):
        return key
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def normalize(body: Any) -> Any:
    """A camelCase copy of a request body; the input is not modified."""
    return _message(body)


def _message(value: Any) -> Any:
    if isinstance(value, list):
        return [_message(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = camel(raw_key)
        if key in SCHEMA_VALUED:
            out[key] = _schema(item)
        elif key in OPAQUE:
            out[key] = item
        else:
            out[key] = _message(item)
    return out


def _schema(value: Any) -> Any:
    if isinstance(value, list):
        return [_schema(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = camel(raw_key)
        if key in SCHEMA_NAME_MAPS and isinstance(item, dict):
            out[key] = {name: _schema(sub) for name, sub in item.items()}
        elif key in SCHEMA_LITERALS:
            out[key] = item
        else:
            out[key] = _schema(item)
    return out
