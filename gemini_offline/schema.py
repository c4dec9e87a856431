"""Build a JSON instance that validates against a response schema.

Handles both dialects Gemini accepts: JSON Schema (``responseJsonSchema``: ``type`` strings
or lists, ``$ref``/``$defs``, ``anyOf``/``oneOf``/``allOf``, ``const``, ``enum``, ``format``,
``minItems``/``maxItems``, bounds) and the OpenAPI subset (``responseSchema``: upper-case
``"STRING"``/``"OBJECT"``, ``nullable``, ``propertyOrdering``). Values are plausible for the
field names (an ``email`` looks like one, an ``age`` is a small integer) and borrow words
from the prompt through :class:`ValueHints`. ``pattern`` is not honoured.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 6
_HARD_DEPTH = 12

PEOPLE = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Katherine Johnson", "Tim Berners-Lee")
CITIES = ("Lisbon", "Kyoto", "Nairobi", "Montreal", "Melbourne")
COUNTRIES = ("Portugal", "Japan", "Kenya", "Canada", "Australia")
COLOURS = ("teal", "amber", "crimson", "indigo", "olive")
ADJECTIVES = ("Classic", "Golden", "Rustic", "Modern", "Simple", "Bright")
INGREDIENTS = ("flour", "butter", "sugar", "eggs", "vanilla", "sea salt", "milk")
LANGUAGES = ("English", "Portuguese", "Japanese", "Swahili", "French")


@dataclass(frozen=True)
class ValueHints:
    """Words from the prompt that generated values may reuse."""

    topic: str = "the topic"
    keywords: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 0

    @property
    def subject(self) -> str:
        """A short title-cased noun phrase for names and titles."""
        words = [_singular(w) for w in self.keywords[-2:]] or ["Item"]
        return " ".join(w[:1].upper() + w[1:] for w in words)


def instance_for(schema: Any, hints: ValueHints | None = None) -> Any:
    """A value that validates against ``schema`` (camelCase keys, either dialect)."""
    return _Builder(schema, hints or ValueHints()).value(schema, "", 0, 0)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(name: str) -> list[str]:
    """``recipeName`` / ``recipe_name`` / ``Recipe Name`` -> ["recipe", "name"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [str(k).lower() for k in kind if str(k).lower() != "null"]
        return non_null[0] if non_null else "null"
    if isinstance(kind, str) and kind.upper() != "TYPE_UNSPECIFIED":
        return kind.lower()
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


class _Builder:
    def __init__(self, root: Any, hints: ValueHints) -> None:
        self.root = root
        self.hints = hints

    # -- dispatch -------------------------------------------------------------------------
    def value(self, schema: Any, name: str, depth: int, index: int) -> Any:
        if depth > _HARD_DEPTH:
            return None
        if schema is True or not isinstance(schema, dict) or not schema:
            return self.string({}, name, index)
        if "$ref" in schema:
            target = self.resolve(schema["$ref"])
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return self.value(merged, name, depth + 1, index)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.enum_value(schema["enum"], index)
        if schema.get("allOf"):
            return self.value(_merge_all(schema), name, depth, index)
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self.value(self.pick_branch(schema[key], depth), name, depth, index)
        kind = _type_of(schema)
        if kind == "null" or (depth >= MAX_DEPTH and schema.get("nullable")):
            return None
        builder: Callable[[dict[str, Any], str, int, int], Any] = {
            "object": self.object,
            "array": self.array,
            "integer": self.integer,
            "number": self.number,
            "boolean": self.boolean,
        }.get(kind or "", lambda s, n, d, i: self.string(s, n, i))
        return builder(schema, name, depth, index)

    def resolve(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#"):
            return {}
        node: Any = self.root
        for token in filter(None, ref[1:].split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict):
                return {}
            if token not in node and token == "$defs":
                token = "defs"  # the SDK's own Schema model spells it without the "$"
            node = node.get(token, {})
        return node if isinstance(node, dict) else {}

    def pick_branch(self, branches: list[Any], depth: int) -> Any:
        dicts = [b for b in branches if isinstance(b, dict)]
        non_null = [b for b in dicts if _type_of(b) != "null" or "$ref" in b]
        if depth >= MAX_DEPTH and len(non_null) < len(dicts):
            return {"type": "null"}
        return (non_null or dicts or [{}])[0]

    def enum_value(self, values: list[Any], index: int) -> Any:
        # Prefer a value the prompt mentions, so "classify this as positive" picks "positive".
        words = {w.lower() for w in self.hints.keywords}
        for candidate in values:
            if isinstance(candidate, str) and candidate.lower() in words:
                return candidate
        return values[(self.hints.seed + index) % len(values)]

    # -- containers -----------------------------------------------------------------------
    def object(self, schema: dict[str, Any], name: str, depth: int, index: int) -> Any:
        props: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        order = [p for p in schema.get("propertyOrdering") or [] if p in props]
        order += [p for p in props if p not in order]
        if depth >= MAX_DEPTH:
            order = [p for p in order if p in required]
        result = {prop: self.value(props[prop], prop, depth + 1, index) for prop in order}
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict) and depth < MAX_DEPTH:
            key = self.hints.keywords[0] if self.hints.keywords else "example"
            result[key] = self.value(extra, key, depth + 1, index)
        for prop in sorted(required - result.keys()):
            result[prop] = self.string({}, prop, index)
        return result

    def array(self, schema: dict[str, Any], name: str, depth: int, index: int) -> Any:
        prefix = schema.get("prefixItems") or []
        items = schema.get("items", {})
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        wanted = 0 if depth >= MAX_DEPTH else (3 if depth <= 1 else 2)
        count = max(low, len(prefix) if prefix else wanted)
        if high is not None:
            count = min(count, int(high))
        out = []
        for i in range(count):
            sub = prefix[i] if i < len(prefix) else items
            if sub is False:
                break
            out.append(self.value(sub, name, depth + 1, i))
        return out

    # -- scalars --------------------------------------------------------------------------
    def string(self, schema: dict[str, Any], name: str, index: int) -> str:
        fmt = str(schema.get("format", "")).lower()
        text = self.formatted(fmt, index) if fmt else None
        if text is None:
            text = self.named_string(_words(name), index)
        low = int(schema.get("minLength", 0))
        if len(text) < low:
            text = (text + " " + "x" * low)[:low] if text else "x" * low
        high = schema.get("maxLength")
        if high is not None:
            text = text[: int(high)]
        return text

    def formatted(self, fmt: str, index: int) -> str | None:
        digest = hashlib.sha256(f"{self.hints.topic}|{index}".encode()).digest()
        day = 10 + index % 18
        return {
            "date": f"2024-05-{day:02d}",
            "date-time": f"2024-05-{day:02d}T09:30:00Z",
            "time": f"09:{30 + index % 30:02d}:00",
            "email": f"{PEOPLE[index % len(PEOPLE)].split()[0].lower()}@example.com",
            "uri": f"https://example.com/{self.slug()}/{index + 1}",
            "url": f"https://example.com/{self.slug()}/{index + 1}",
            "uuid": str(uuid.UUID(bytes=digest[:16], version=4)),
            "hostname": "example.com",
            "ipv4": f"192.0.2.{index + 1}",
            "ipv6": f"2001:db8::{index + 1}",
            "duration": f"PT{15 + 5 * index}M",
            "enum": None,
        }.get(fmt)

    def slug(self) -> str:
        return "-".join(self.hints.keywords[:2]) or "item"

    def named_string(self, words: list[str], index: int) -> str:
        joined = " ".join(words)
        last = words[-1] if words else ""
        h = self.hints
        pick = lambda bank: bank[index % len(bank)]  # noqa: E731
        if joined in ("name", "full name", "author", "person", "username", "first name"):
            return pick(PEOPLE) if joined != "first name" else pick(PEOPLE).split()[0]
        if last in ("name", "title", "label", "heading", "headline"):
            return f"{pick(ADJECTIVES)} {h.subject}"
        if last in ("email", "mail"):
            return f"{pick(PEOPLE).split()[0].lower()}@example.com"
        if last in ("url", "link", "website", "homepage", "uri"):
            return f"https://example.com/{self.slug()}/{index + 1}"
        if last == "id" or joined.endswith(" id"):
            return f"{words[0] if len(words) > 1 else 'item'}-{index + 1:03d}"
        if last in ("date", "day", "birthday", "deadline") or last.endswith("at"):
            return f"2024-05-{10 + index % 18:02d}"
        if last in ("city", "town", "location", "place"):
            return pick(CITIES)
        if last in ("country", "nation"):
            return pick(COUNTRIES)
        if last in ("color", "colour"):
            return pick(COLOURS)
        if last in ("language", "lang"):
            return pick(LANGUAGES)
        if last in ("phone", "telephone"):
            return f"+1 555 01{index:02d}"
        if last in ("ingredient", "ingredients"):
            return pick(INGREDIENTS)
        if last in ("step", "steps", "instruction", "instructions"):
            return f"Step {index + 1}: work on the {h.subject.lower()} carefully."
        if last in ("tag", "tags", "keyword", "keywords", "topic", "topics", "word", "words"):
            return h.keywords[index % len(h.keywords)] if h.keywords else f"tag-{index + 1}"
        if last in ("sentiment", "mood", "emotion", "tone"):
            return pick(("positive", "neutral", "negative"))
        if last in ("status", "state"):
            return pick(("active", "pending", "done"))
        if last in ("category", "type", "kind", "genre", "group"):
            return pick(("general", "featured", "classic"))
        if last in ("currency",):
            return "EUR"
        if last in (
            "description",
            "summary",
            "explanation",
            "details",
            "reason",
            "reasoning",
            "answer",
            "text",
            "content",
            "body",
            "comment",
            "notes",
            "note",
            "bio",
            "message",
        ):
            return f"A short simulated {last} about {h.topic} (item {index + 1})."
        label = joined or "value"
        return f"{label.capitalize()} for {h.topic}" + (f" #{index + 1}" if index else "")

    def integer(self, schema: dict[str, Any], name: str, depth: int, index: int) -> int:
        base = _named_number(_words(name), index)
        return int(_clamp(round(base), schema, integer=True))

    def number(self, schema: dict[str, Any], name: str, depth: int, index: int) -> float:
        base = _named_number(_words(name), index, fractional=True)
        return float(_clamp(base, schema, integer=False))

    def boolean(self, schema: dict[str, Any], name: str, depth: int, index: int) -> bool:
        words = _words(name)
        if words and words[0] in ("is", "has", "can", "should", "enabled", "available"):
            return True
        return (self.hints.seed + index) % 2 == 0


def _named_number(words: list[str], index: int, fractional: bool = False) -> float:
    last = words[-1] if words else ""
    table: dict[str, float] = {
        "age": 34,
        "year": 2024,
        "rating": 4,
        "score": 4,
        "stars": 4,
        "servings": 4,
        "minutes": 25,
        "duration": 25,
        "price": 12,
        "cost": 12,
        "calories": 250,
        "population": 1_200_000,
        "percent": 42,
        "percentage": 42,
        "width": 640,
        "height": 480,
        "latitude": 38.72,
        "longitude": -9.14,
        "temperature": 21,
        "id": 1,
        "rank": 1,
        "position": 1,
        "index": 1,
    }
    base = table.get(last, 3)
    if fractional and float(base).is_integer() and last not in ("year", "population", "id"):
        base += 0.5
    return base + index


def _clamp(value: float, schema: dict[str, Any], *, integer: bool) -> float:
    step = 1 if integer else 0.5
    if "minimum" in schema:
        value = max(value, float(schema["minimum"]))
    if "maximum" in schema:
        value = min(value, float(schema["maximum"]))
    low_x = schema.get("exclusiveMinimum")
    if isinstance(low_x, (int, float)) and not isinstance(low_x, bool) and value <= low_x:
        value = low_x + step
    high_x = schema.get("exclusiveMaximum")
    if isinstance(high_x, (int, float)) and not isinstance(high_x, bool) and value >= high_x:
        value = high_x - step
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        value = round(value / multiple) * multiple
    if integer:
        value = int(value)
        if "minimum" in schema and value < float(schema["minimum"]):
            value += 1
    return value


def _merge_all(schema: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged
