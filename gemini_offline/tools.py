"""Tools in a generateContent request, and the reply parts they produce.

Requests name tools as the real API takes them (``tools: [{"functionDeclarations": […]},
{"googleSearch": {}}, {"codeExecution": {}}, {"urlContext": {}}]`` plus
``toolConfig.functionCallingConfig``); :func:`parse_tools` checks them and
:func:`plan_tool_reply` turns a request into the parts and candidate fields the real API
sends (recorded shapes in tests/fixtures/wire/tool_*):

- **function calling**: ``functionCall`` parts naming a declared function, with arguments
  taken from the prompt and valid for its schema; modes AUTO (call when the prompt is about
  a function), ANY and VALIDATED (always call; only ``allowedFunctionNames`` if given),
  NONE (answer in words); several calls when the prompt names several things ("in Paris
  and Tokyo") or asks for several functions; Gemini 3 signs the first call. A last turn of
  ``functionResponse`` parts is answered in words that use what the functions returned.
  Streams send the calls in one chunk, then an empty text chunk with the finish.
- **googleSearch** (:mod:`.grounding`): a grounded answer with ``groundingMetadata``
  (``webSearchQueries``, web ``groundingChunks``, ``groundingSupports`` whose segments are
  UTF-8 byte offsets of the sentences they support, ``searchEntryPoint.renderedContent``)
  and ``toolUsePromptTokenCount``.
- **codeExecution** (:mod:`.code_execution`): for arithmetic in the prompt,
  ``executableCode`` / ``codeExecutionResult`` pairs (one per calculation; OUTCOME_FAILED for
  division by zero), then the answer. Nothing from a request is ever executed.
- **urlContext** (:mod:`.grounding`): ``urlContextMetadata.urlMetadata`` for each URL in
  the prompt, ``URL_RETRIEVAL_STATUS_SUCCESS`` (the pages become grounding chunks) unless
  ``[[url:ERROR]]`` (PAYWALL, UNSAFE) forces another status; ``toolUsePromptTokenCount``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import Violations
from .schema import ValueHints, instance_for

FUNCTION_MODES = ("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED")
#: The real API's rule for function names (``tools[].function_declarations[].name``).
FUNCTION_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:\-]{0,63}$")
FUNCTION_NAME_MESSAGE = (
    "Invalid function name. Must start with a letter or an underscore. Must be alphameric "
    "(a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum "
    "length of 64."
)
MODE_ENUM = "type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode"

# Words that never name a function's subject or a value ("What's the weather in …").
_FILLER = frozenset(
    """
    a about an and any are as at be by can could do does for from get give how i in is it
    its me my of on or please set show some tell the their them then there these this to
    up use what whats what's when where which who why will with would you your call find
    look check current currently now today right make let
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
_LEAD_VERBS = frozenset(
    """
    book find send set turn play schedule check get look search call add create remove
    delete show open order tell give what what's whats how when where who why which is are
    can could would will please convert compute calculate list make let start stop email
    text remind move cancel buy compare explain describe summarise summarize translate write
    fetch read send share reserve plan track update switch dim put note save
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class FunctionDecl:
    """One declared function."""

    name: str
    description: str
    #: JSON Schema or OpenAPI schema of the arguments (camelCase), or None.
    schema: Any


@dataclass(frozen=True)
class ToolSet:
    """The tools of one request."""

    functions: tuple[FunctionDecl, ...] = ()
    #: ``functionCallingConfig.mode``, upper-cased ("AUTO" when unset).
    mode: str = "AUTO"
    allowed: tuple[str, ...] = ()
    google_search: bool = False
    url_context: bool = False
    code_execution: bool = False

    @property
    def callable_functions(self) -> tuple[FunctionDecl, ...]:
        """The functions the model may call under the mode and ``allowedFunctionNames``."""
        if self.mode == "NONE":
            return ()
        if self.allowed:
            return tuple(f for f in self.functions if f.name in self.allowed)
        return self.functions

    @property
    def active(self) -> bool:
        """True when any tool can change the reply."""
        return bool(
            self.callable_functions or self.google_search or self.url_context or self.code_execution
        )


def parse_tools(body: Mapping[str, Any], v: Violations) -> ToolSet:
    """The request's tools and function-calling config; problems go to ``v``."""
    tools = body.get("tools") or []
    if not isinstance(tools, list):
        v.add("tools", "must be a list of Tool objects")
        return ToolSet()
    functions: list[FunctionDecl] = []
    flags = {"googleSearch": False, "urlContext": False, "codeExecution": False}
    for ti, tool in enumerate(tools):
        if not isinstance(tool, dict):
            v.add(f"tools[{ti}]", "must be a Tool object")
            continue
        for key in flags:
            if key in tool:
                flags[key] = True
        declarations = tool.get("functionDeclarations") or []
        if not isinstance(declarations, list):
            v.add(f"tools[{ti}].function_declarations", "must be a list")
            continue
        for fi, decl in enumerate(declarations):
            where = f"tools[{ti}].function_declarations[{fi}]"
            if not isinstance(decl, dict):
                v.add(where, "must be a FunctionDeclaration object")
                continue
            name = str(decl.get("name") or "")
            if not FUNCTION_NAME_RE.match(name):
                v.add(f"{where}.name", FUNCTION_NAME_MESSAGE)
                continue
            if any(f.name == name for f in functions):
                v.add(f"{where}.name", f"Duplicate function declaration: {name}")
                continue
            schema = decl.get("parametersJsonSchema", decl.get("parameters"))
            functions.append(FunctionDecl(name, str(decl.get("description") or ""), schema))
    tool_config = body.get("toolConfig") or {}
    calling = tool_config.get("functionCallingConfig") if isinstance(tool_config, dict) else None
    calling = calling if isinstance(calling, dict) else {}
    raw_mode = calling.get("mode")
    mode = str(raw_mode or "AUTO").upper()
    path = "tool_config.function_calling_config"
    if mode not in FUNCTION_MODES:
        v.add(f"{path}.mode", f"Invalid value at '{path}.mode' ({MODE_ENUM}), \"{raw_mode}\"")
        mode = "AUTO"
    if mode == "MODE_UNSPECIFIED":
        mode = "AUTO"
    allowed = calling.get("allowedFunctionNames") or []
    if not isinstance(allowed, list):
        v.add(f"{path}.allowed_function_names", "must be a list of strings")
        allowed = []
    allowed = [str(a) for a in allowed]
    if allowed and mode not in ("ANY", "VALIDATED"):
        v.add(
            f"{path}.allowed_function_names",
            "allowed_function_names may only be set when the function calling mode is ANY "
            "or VALIDATED",
        )
    declared = {f.name for f in functions}
    for ai, name in enumerate(allowed):
        if name not in declared:
            v.add(
                f"{path}.allowed_function_names[{ai}]",
                f"{name} is not the name of a declared function",
            )
    if mode in ("ANY", "VALIDATED") and not functions and tools:
        v.add(f"{path}.mode", f"mode {mode} requires function declarations")
    return ToolSet(
        functions=tuple(functions),
        mode=mode,
        allowed=tuple(allowed),
        google_search=flags["googleSearch"],
        url_context=flags["urlContext"],
        code_execution=flags["codeExecution"],
    )


# -- the reply ---------------------------------------------------------------------------


@dataclass
class ToolReply:
    """What the tools add to one candidate."""

    parts: list[dict[str, Any]]
    #: Candidate fields: groundingMetadata, urlContextMetadata.
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``usageMetadata.toolUsePromptTokenCount``.
    tool_use_tokens: int = 0
    #: Streams end with an empty text chunk carrying the finish (function calls).
    empty_tail: bool = False


@dataclass(frozen=True)
class ToolContext:
    """What the tool planners need from the request, without importing it."""

    prompt: str
    #: Text of the latest user turn that has text (the question a function reply answers).
    question: str
    tools: ToolSet
    #: ``functionResponse`` payloads of the last turn, in order (name, response).
    function_responses: list[tuple[str, Any]]
    #: ``[[url:STATUS]]`` of the prompt (None: every URL is retrieved).
    url_status: str | None
    gemini_3: bool
    #: Picks among equally good wordings (the candidate's variation).
    rotation: int
    #: A stable hash of the request, for signatures and links.
    h: int
    closing: str


def plan_tool_reply(ctx: ToolContext, sign: Callable[[int], str]) -> ToolReply | None:
    """The parts of a reply shaped by the request's tools, or None for a plain answer.

    ``sign(i)`` gives a thought signature (for Gemini 3 function-call parts).
    """
    tools = ctx.tools
    if ctx.function_responses:
        if tools.mode in ("ANY", "VALIDATED") and tools.callable_functions:
            calls = plan_calls(ctx)
            if calls:
                return _call_reply(calls, ctx, sign)
        return ToolReply([{"text": _answer_from_responses(ctx)}])
    if tools.callable_functions:
        calls = plan_calls(ctx)
        if calls:
            return _call_reply(calls, ctx, sign)
    if tools.code_execution:
        from .code_execution import code_reply, find_calculations  # they build on this module

        runs = find_calculations(ctx.prompt)
        if runs:
            return code_reply(runs, ctx, sign)
    if tools.url_context:
        from .grounding import url_reply, urls_in

        urls = urls_in(ctx.prompt)
        if urls:
            return url_reply(urls, ctx)
    if tools.google_search:
        from .grounding import search_reply

        return search_reply(ctx)
    return None


def _call_reply(
    calls: list[dict[str, Any]], ctx: ToolContext, sign: Callable[[int], str]
) -> ToolReply:
    parts: list[dict[str, Any]] = []
    for i, call in enumerate(calls):
        part: dict[str, Any] = {"functionCall": call}
        if ctx.gemini_3 and i == 0:
            # Gemini 3 signs the first function call of a turn (parallel calls: only it).
            part["thoughtSignature"] = sign(i)
        parts.append(part)
    return ToolReply(parts, empty_tail=True)


# -- function calling ----------------------------------------------------------------------


def _word_forms(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z']+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text))
    return [_stem(w.lower()) for w in words]


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for suffix in ("ing", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _vocabulary(fn: FunctionDecl) -> set[str]:
    """Word stems of the function's name and description."""
    own = {w for w in _word_forms(fn.name.replace("_", " ")) if w not in _FILLER}
    return own | {w for w in _word_forms(fn.description) if w not in _FILLER and len(w) > 3}


def _relevance(fn: FunctionDecl, prompt_words: list[str]) -> tuple[int, int]:
    """(how many prompt words the function's name and description share, first position)."""
    own = _vocabulary(fn)
    hits = [i for i, w in enumerate(prompt_words) if w in own]
    return len(set(prompt_words[i] for i in hits)), (hits[0] if hits else 10**6)


def plan_calls(ctx: ToolContext) -> list[dict[str, Any]]:
    """The ``functionCall`` values for the prompt (empty: answer in words)."""
    functions = ctx.tools.callable_functions
    prompt = ctx.question
    words = _word_forms(prompt)
    scored = [(fn, *_relevance(fn, words)) for fn in functions]
    relevant = sorted([s for s in scored if s[1] > 0], key=lambda s: s[2])
    forced = ctx.tools.mode in ("ANY", "VALIDATED")
    if not relevant:
        if not forced or not functions:
            return []
        relevant = [(functions[0], 0, 0)]
    if len(relevant) > 1 and _asks_for_several(prompt):
        chosen = [fn for fn, _, _ in relevant]
    else:
        best = max(relevant, key=lambda s: (s[1], -s[2]))
        chosen = [best[0]]
    calls: list[dict[str, Any]] = []
    for fn in chosen:
        for args in arguments_for(fn, prompt, several=len(chosen) == 1):
            calls.append({"name": fn.name, "args": args})
    return calls


def _asks_for_several(prompt: str) -> bool:
    return bool(re.search(r"\b(?:and|also|then|plus)\b|[,;]", prompt, re.IGNORECASE))


def _object_schema(schema: Any) -> dict[str, Any]:
    return schema if isinstance(schema, dict) else {"type": "object", "properties": {}}


def arguments_for(fn: FunctionDecl, prompt: str, *, several: bool) -> list[dict[str, Any]]:
    """Arguments for ``fn`` taken from ``prompt``: one dict per call.

    A required string argument the prompt gives several values for ("Paris, Rome and
    Oslo") makes one call per value when ``several``.
    """
    schema = _object_schema(fn.schema)
    props: dict[str, Any] = schema.get("properties") or {}
    required = [p for p in schema.get("required") or [] if p in props]
    found = _Found(prompt, exclude=_vocabulary(fn))
    base: dict[str, Any] = {}
    fan_out: tuple[str, list[str]] | None = None
    for name, sub in props.items():
        sub = sub if isinstance(sub, dict) else {}
        value, values = found.value_for(name, sub)
        if value is _MISSING:
            if name not in required:
                continue
            value = instance_for(sub, ValueHints(prompt, tuple(_word_forms(prompt))))
        base[name] = value
        if several and fan_out is None and len(values) > 1 and name in required:
            fan_out = (name, values)
    # A list argument that took the values already holds them all: one call.
    if fan_out is None or any(isinstance(v, list) for v in base.values()):
        return [base]
    name, values = fan_out
    return [{**base, name: v} for v in values]


class _Missing:
    pass


_MISSING: Any = _Missing()

_PLACE_WORDS = frozenset({"location", "city", "place", "country", "destination", "where", "town"})
_TEXT_WORDS = frozenset(
    {"query", "text", "topic", "message", "content", "prompt", "q", "search", "body", "subject"}
)


class _Found:
    """Values a prompt offers: quoted strings, capitalised names, numbers, enum words."""

    def __init__(self, prompt: str, exclude: set[str]) -> None:
        self.prompt = prompt
        self.quoted = [
            a or b or c
            for a, b, c in re.findall(r"“([^”]+)”|\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])", prompt)
        ]
        self.names = _capitalised(prompt, exclude)
        self.numbers = [
            float(n) if "." in n else int(n)
            for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", prompt)
        ]
        self._used_numbers = 0

    def value_for(self, name: str, schema: dict[str, Any]) -> tuple[Any, list[Any]]:
        """(the value for argument ``name``, every value the prompt offers for it)."""
        words = set(re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()))
        kind = str(schema.get("type") or "").lower()
        if isinstance(schema.get("type"), list):
            kinds = [str(k).lower() for k in schema["type"] if str(k).lower() != "null"]
            kind = kinds[0] if kinds else ""
        if schema.get("enum"):
            for value in schema["enum"]:
                if re.search(rf"\b{re.escape(str(value))}\b", self.prompt, re.IGNORECASE):
                    return value, [value]
            if "default" in schema:
                return schema["default"], [schema["default"]]
            return _MISSING, []
        if kind in ("integer", "number"):
            if self._used_numbers < len(self.numbers):
                value = self.numbers[self._used_numbers]
                self._used_numbers += 1
                return (int(value) if kind == "integer" else value), [value]
            return _MISSING, []
        if kind == "boolean":
            if words & {"on", "enable", "enabled", "active", "power"}:
                if re.search(r"\b(?:off|disable|stop)\b", self.prompt, re.IGNORECASE):
                    return False, [False]
                if re.search(r"\b(?:on|enable|start)\b", self.prompt, re.IGNORECASE):
                    return True, [True]
            mentioned = any(w and w in self.prompt.lower() for w in words if len(w) > 2)
            return (True, [True]) if mentioned else (_MISSING, [])
        if kind == "array":
            raw_items = schema.get("items")
            items: dict[str, Any] = raw_items if isinstance(raw_items, dict) else {}
            item_kind = str(items.get("type") or "string").lower()
            if item_kind in ("integer", "number"):
                return (list(self.numbers), [self.numbers]) if self.numbers else (_MISSING, [])
            values = self.quoted or self.names
            return (list(values), [values]) if values else (_MISSING, [])
        if kind == "object":
            return _MISSING, []
        # A string.
        if words & _TEXT_WORDS:
            text = self.quoted[0] if self.quoted else _topic_text(self.prompt)
            return (text, [text]) if text else (_MISSING, [])
        values = self.names if (words & _PLACE_WORDS or not self.quoted) else self.quoted
        if not values:
            values = self.quoted
        return (values[0], list(values)) if values else (_MISSING, [])


def _capitalised(prompt: str, exclude: set[str]) -> list[str]:
    """Capitalised names in ``prompt`` ("New York", "Tokyo"), in order, without duplicates
    and without the words (stems) in ``exclude``."""
    found: list[str] = []
    run: list[str] = []

    def close() -> None:
        if run and " ".join(run) not in found:
            found.append(" ".join(run))
        run.clear()

    last_end = 0
    for m in re.finditer(r"[^\W\d_][\w'’\-]*", prompt):
        if prompt[last_end : m.start()].strip():
            close()  # punctuation between the words: "Paris, New York"
        last_end = m.end()
        bare = re.sub(r"['’]s$", "", m.group(0))
        lowered = bare.lower()
        if (
            bare[:1].isupper()
            and lowered not in _FILLER | _LEAD_VERBS
            and _stem(lowered) not in exclude
        ):
            run.append(bare)
        else:
            close()
    close()
    return found


def _topic_text(prompt: str) -> str:
    text = re.sub(
        r"^(?:please\s+)?(?:search|look up|find|google)\s+(?:for\s+)?", "", prompt, flags=re.I
    )
    return text.strip().rstrip("?.!")


def _answer_from_responses(ctx: ToolContext) -> str:
    lines = []
    for name, response in ctx.function_responses:
        lines.append(f"- **{name}** returned {_describe_value(_unwrap(response))}.")
    question = " ".join(ctx.question.split())
    intro = (
        f"Here is what I found for “{question}”, using the results of the function "
        f"call{'s' if len(lines) > 1 else ''}:"
        if question
        else f"Here is what the function call{'s' if len(lines) > 1 else ''} returned:"
    )
    return "\n\n".join([intro, "\n".join(lines), ctx.closing])


def _unwrap(response: Any) -> Any:
    if isinstance(response, dict) and len(response) == 1:
        ((key, value),) = response.items()
        if key in ("result", "output", "return_value", "value", "content"):
            return value
    return response


def _describe_value(value: Any) -> str:
    if isinstance(value, dict):
        if not value:
            return "nothing"
        pairs = [f"{k}: {_describe_value(v)}" for k, v in list(value.items())[:8]]
        return ", ".join(pairs)
    if isinstance(value, list):
        return ", ".join(_describe_value(v) for v in value[:8]) or "an empty list"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def signature(h: int, index: int) -> str:
    """A thought signature for a tool part (offline-made, recognisable by its prefix)."""
    digest = hashlib.sha256(f"tool|{h}|{index}".encode()).digest()[:24]
    return base64.b64encode(b"gemini_offline:thought:" + digest).decode()
