"""Refuse unknown field names in a generateContent body, as the real API's JSON parser does.

The known names are not a hand-kept list: they come from the google-genai SDK's own pydantic
request types (``types.Content``, ``Part``, ``Tool``, ``ToolConfig``, ``SafetySetting``,
``GenerationConfig`` / ``GenerateContentConfig``, ``ThinkingConfig``, ``ImageConfig``, …),
whose camelCase aliases are exactly the wire names the SDK sends (checked against the SDK's
``_*_to_mldev`` converters). Only the routing is written here: which ``GenerateContentConfig``
fields the SDK moves to the top of the request (:data:`TOP_LEVEL`), and which are never sent
(:data:`SDK_ONLY`).

Both spellings are accepted, as by the real API (``thinking_budget`` and ``thinkingBudget``).
Values typed ``dict``/``Any`` (function-call ``args``, ``labels``, JSON schemas) and schemas
(``types.Schema``) are user data and are not walked.

An unknown name gets the real 400 (see tests/fixtures/wire/
error_400_invalid_argument_unknown_field_includeThoughts.json)::

    Invalid JSON payload received. Unknown name "includeThoughts" at 'generation_config':
    Cannot find field.

with one ``google.rpc.BadRequest`` field violation per unknown name.
"""

from __future__ import annotations

import functools
import re
import types as pytypes
import typing
from collections.abc import Mapping
from typing import Any, Union

from google.genai import types as genai_types
from pydantic import BaseModel

from .errors import ApiError
from .keys import camel

#: A field's children: None for a leaf or opaque value, else the known names below it.
Spec = dict[str, "Spec | None"]

#: SDK config fields that never reach the wire (client-side behaviour only).
SDK_ONLY = frozenset(
    {"httpOptions", "automaticFunctionCalling", "shouldReturnHttpResponse", "automaticContinuation"}
)
#: Types whose values are user data (JSON / OpenAPI schemas): never walked.
_OPAQUE_TYPES: tuple[type, ...] = tuple(
    t for t in (getattr(genai_types, n, None) for n in ("Schema", "JSONSchema")) if t is not None
)


def _model_classes(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """The pydantic classes inside ``annotation`` and whether it may hold free-form data."""
    if annotation is Any:
        return [], True
    if isinstance(annotation, type):
        if _OPAQUE_TYPES and issubclass(annotation, _OPAQUE_TYPES):
            return [], True
        if issubclass(annotation, BaseModel):
            return [annotation], False
        return [], issubclass(annotation, dict)
    origin = typing.get_origin(annotation)
    if origin in (dict, Mapping) or origin is typing.Mapping:
        return [], True
    if origin in (Union, pytypes.UnionType, list, tuple, set, frozenset, typing.Annotated):
        classes: list[type[BaseModel]] = []
        free = False
        for arg in typing.get_args(annotation):
            found, opaque = _model_classes(arg)
            classes += [c for c in found if c not in classes]
            free = free or opaque
        return classes, free
    return [], False


def _child_spec(annotation: Any) -> Spec | None:
    classes, free = _model_classes(annotation)
    if free or not classes:
        return None
    merged: Spec = {}
    for cls in classes:
        merged.update(spec_of(cls))
    return merged


_SPECS: dict[type[BaseModel], Spec] = {}


def spec_of(cls: type[BaseModel]) -> Spec:
    """The known wire names of ``cls`` (camelCase) and the spec of each child (memoised)."""
    if cls in _SPECS:
        return _SPECS[cls]
    spec: Spec = {}
    # Register before filling, so self-referencing types do not recurse forever.
    _SPECS[cls] = spec
    for name, info in cls.model_fields.items():
        spec[info.alias or camel(name)] = _child_spec(info.annotation)
    return spec


def _generation_config_spec() -> Spec:
    """``generationConfig``: GenerationConfig plus the GenerateContentConfig fields the SDK
    puts there (``imageConfig`` exists only on the latter)."""
    spec: Spec = {}
    for cls in (genai_types.GenerationConfig, genai_types.GenerateContentConfig):
        for name, child in spec_of(cls).items():
            if name not in TOP_LEVEL and name not in SDK_ONLY:
                spec[name] = child
    return spec


#: The GenerateContentConfig fields the SDK moves to the top of the request body (see
#: ``_GenerateContentConfig_to_mldev``), with the type of their value.
TOP_LEVEL: dict[str, Any] = {
    "systemInstruction": genai_types.Content,
    "safetySettings": genai_types.SafetySetting,
    "tools": genai_types.Tool,
    "toolConfig": genai_types.ToolConfig,
    "labels": None,
    "cachedContent": None,
    "serviceTier": None,
    "continuationToken": None,
    "store": None,
}


@functools.cache
def request_spec() -> Spec:
    """Known names of a GenerateContentRequest body, top level down."""
    spec: Spec = {"model": None, "contents": spec_of(genai_types.Content)}
    for name, cls in TOP_LEVEL.items():
        spec[name] = spec_of(cls) if cls is not None else None
    spec["generationConfig"] = _generation_config_spec()
    return spec


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def unknown_fields(body: Any, spec: Spec | None = None, path: str = "") -> list[tuple[str, str]]:
    """``(path, name)`` of every unknown key of ``body``; ``path`` in Google's snake_case
    form (``generation_config``, ``contents[0].parts[1]``; "" at the top)."""
    spec = request_spec() if spec is None else spec
    found: list[tuple[str, str]] = []
    if not isinstance(body, Mapping):
        return found
    for key, value in body.items():
        name = camel(str(key))
        if name not in spec:
            found.append((path, str(key)))
            continue
        child = spec[name]
        if child is None:
            continue
        where = f"{path}.{_snake(name)}" if path else _snake(name)
        if isinstance(value, list):
            for i, item in enumerate(value):
                found += unknown_fields(item, child, f"{where}[{i}]")
        else:
            found += unknown_fields(value, child, where)
    return found


def check_known_fields(body: Any) -> None:
    """Raise the real 400 if ``body`` (as sent, before normalising) has unknown names."""
    unknown = unknown_fields(body)
    if not unknown:
        return
    lines = []
    violations = []
    for path, name in unknown:
        at = f" at '{path}'" if path else ""
        line = f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.'
        lines.append(line)
        violation = {"field": path, "description": line} if path else {"description": line}
        violations.append(violation)
    detail = {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": violations}
    raise ApiError(400, "\n".join(lines), "INVALID_ARGUMENT", [detail])
