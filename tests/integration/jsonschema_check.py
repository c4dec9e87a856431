"""A tiny JSON Schema checker for tests (no third-party validator is installed).

Covers what the offline server's schemas use: type (string or list, either case),
properties/required, items/prefixItems, minItems/maxItems, enum, const, anyOf/oneOf/allOf,
$ref into $defs/definitions, nullable, minimum/maximum, minLength/maxLength and
additionalProperties: false. Returns a list of problems; empty means valid.
"""

from __future__ import annotations

from typing import Any

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def problems(instance: Any, schema: Any, root: Any = None, path: str = "$") -> list[str]:
    """Every way ``instance`` breaks ``schema``."""
    root = schema if root is None else root
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: schema false"]
    out: list[str] = []
    if "$ref" in schema:
        target: Any = root
        for token in schema["$ref"].lstrip("#/").split("/"):
            target = target[token]
        out += problems(instance, target, root, path)
    if schema.get("nullable") and instance is None:
        return out
    kind = schema.get("type")
    if kind is not None:
        kinds = [k.lower() for k in (kind if isinstance(kind, list) else [kind])]
        if not any(_TYPES[k](instance) for k in kinds):
            return [*out, f"{path}: {instance!r} is not {kinds}"]
    if "const" in schema and instance != schema["const"]:
        out.append(f"{path}: {instance!r} != const {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        out.append(f"{path}: {instance!r} not in enum {schema['enum']!r}")
    for sub in schema.get("allOf", []):
        out += problems(instance, sub, root, path)
    if "anyOf" in schema and all(problems(instance, s, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches no anyOf branch")
    if "oneOf" in schema:
        matches = sum(not problems(instance, s, root, path) for s in schema["oneOf"])
        if matches != 1:
            out.append(f"{path}: matches {matches} oneOf branches")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                out.append(f"{path}: missing required {name!r}")
        for name, value in instance.items():
            if name in props:
                out += problems(value, props[name], root, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unexpected property {name!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += problems(value, schema["additionalProperties"], root, f"{path}.{name}")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than minItems")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            out.append(f"{path}: more than maxItems")
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(instance):
            sub = prefix[i] if i < len(prefix) else schema.get("items", {})
            out += problems(item, sub, root, f"{path}[{i}]")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            out.append(f"{path}: below minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            out.append(f"{path}: above maximum")
        if "exclusiveMinimum" in schema and instance <= schema["exclusiveMinimum"]:
            out.append(f"{path}: not above exclusiveMinimum")
        if "exclusiveMaximum" in schema and instance >= schema["exclusiveMaximum"]:
            out.append(f"{path}: not below exclusiveMaximum")
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            out.append(f"{path}: shorter than minLength")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            out.append(f"{path}: longer than maxLength")
    return out
