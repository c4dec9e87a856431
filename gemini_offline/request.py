"""Check a generateContent body and turn it into a :class:`GenerateRequest`.

The checks mirror the real API's 400s (range limits, thinking knobs per model family,
response MIME types, undecodable attachments, …) and name the offending field in Google's
``* GenerateContentRequest.generation_config.temperature: …`` style, so an app can show the
same messages offline as online. Where the real API answers with a plain message instead
(penalties, thinking level, forced function calling with JSON, …) the same words are used,
byte for byte as recorded in tests/fixtures/wire/. Unknown field names are refused before
this, by :mod:`.wire_fields`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, Violations, invalid_argument
from .faults import DIRECTIVE_RE, Directives, parse_directives
from .media import Attachment, decode_base64, describe
from .models import ModelSpec
from .tokens import TOOLS_KEY, count_tools, modality_for_mime
from .tools import ToolSet, parse_tools

HARM_CATEGORIES = frozenset(
    {
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
        "HARM_CATEGORY_CIVIC_INTEGRITY",
    }
)
HARM_THRESHOLDS = frozenset(
    {
        "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
        "BLOCK_LOW_AND_ABOVE",
        "BLOCK_MEDIUM_AND_ABOVE",
        "BLOCK_ONLY_HIGH",
        "BLOCK_NONE",
        "OFF",
    }
)
THINKING_LEVELS = ("MINIMAL", "LOW", "MEDIUM", "HIGH", "XHIGH")
RESPONSE_MIME_TYPES = ("text/plain", "application/json", "text/x.enum")
MODALITIES = frozenset({"TEXT", "IMAGE", "AUDIO"})
ROLES = frozenset({"user", "model", "function", "tool"})
PART_DATA_KEYS = (
    "text",
    "inlineData",
    "fileData",
    "functionCall",
    "functionResponse",
    "executableCode",
    "codeExecutionResult",
)
MAX_STOP_SEQUENCES = 5
MAX_CANDIDATES = 8
#: The real API's messages (tests/fixtures/wire/error_400_invalid_argument_*.json).
THINKING_BOTH_MESSAGE = "You can only set only one of thinking budget and thinking level."
FORCED_FC_JSON_MESSAGE = (
    "Forced function calling (ANY mode) with a response mime type: 'application/json' "
    "is unsupported"
)
MULTIPLE_CANDIDATES_MESSAGE = "Multiple candidates is not enabled for this model"
#: The real 400 of a model that does not serve log-probabilities, before its name
#: ("Logprobs is not enabled for models/gemini-2.5-flash", as reported against 2.5 models).
LOGPROBS_NOT_ENABLED = "Logprobs is not enabled for"
#: Highest ``logprobs`` the API takes.
MAX_LOGPROBS = 20
#: The real API's 400 for a Gemini 3 function call sent back without its signature, as
#: reported against it (name as ``default_api:<name>``, position the 1-based content index).
MISSING_SIGNATURE_MESSAGE = (
    "Function call is missing a thought_signature in functionCall parts. This is required "
    "for tools to work correctly, and missing thought_signature may lead to degraded model "
    "performance. Additional data, function call `default_api:{name}` , position {position}. "
    "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
)


@dataclass(frozen=True)
class Thinking:
    """How the model thinks for this request."""

    #: True when the model reasons at all (thoughtsTokenCount is reported).
    active: bool = False
    #: True when thought summaries are returned as ``thought: true`` parts.
    include: bool = False
    budget: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class GenerateRequest:
    """A validated generateContent request, with the parts the reply generator needs."""

    model: ModelSpec
    contents: list[dict[str, Any]]
    system_instruction: dict[str, Any] | None
    config: dict[str, Any]
    directives: Directives
    #: Text of the last user turn with directives removed.
    prompt: str
    #: Joined text of the system instruction, or "".
    system_text: str = ""
    #: Number of user turns, including the last one.
    user_turns: int = 1
    #: Text of the user turn before the last one (directives removed), if any.
    previous_prompt: str | None = None
    #: Attachments of the last user turn, in order.
    attachments: list[Attachment] = field(default_factory=list)
    #: ``id(blob) -> (modality, tokens)`` of every described blob (see decode_attachments),
    #: and the function declarations' share under :data:`.tokens.TOOLS_KEY`.
    blob_tokens: dict[int, tuple[str, int]] = field(default_factory=dict)
    thinking: Thinking = Thinking()
    tools: ToolSet = field(default_factory=ToolSet)
    #: The latest user text (directives removed), even when the last turn holds only
    #: ``functionResponse`` parts: the question a function-call round trip answers.
    question: str = ""
    #: ``(name, response)`` of each ``functionResponse`` part of the last turn, in order.
    function_responses: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def temperature(self) -> float | None:
        """The requested temperature, or None when unset."""
        value = self.config.get("temperature")
        return None if value is None else float(value)

    @property
    def seed(self) -> int | None:
        """The requested seed, or None."""
        value = self.config.get("seed")
        return None if value is None else int(value)

    @property
    def response_logprobs(self) -> bool:
        """True when the request asks for the chosen tokens' log-probabilities."""
        return self.config.get("responseLogprobs") is True

    @property
    def logprobs(self) -> int | None:
        """Alternatives per token asked for (``logprobs``), or None."""
        value = self.config.get("logprobs")
        return None if value is None else int(value)

    @property
    def candidate_count(self) -> int:
        """How many candidates to return (default 1)."""
        return int(self.config.get("candidateCount") or 1)

    @property
    def max_output_tokens(self) -> int | None:
        """Answer token cap, or None."""
        value = self.config.get("maxOutputTokens")
        return None if value is None else int(value)

    @property
    def stop_sequences(self) -> list[str]:
        """Non-empty stop sequences."""
        return [s for s in self.config.get("stopSequences") or [] if s]

    @property
    def response_mime_type(self) -> str:
        """Requested MIME type of the answer (default text/plain)."""
        return str(self.config.get("responseMimeType") or "text/plain").lower()

    @property
    def response_modalities(self) -> list[str]:
        """Requested output modalities, upper-cased (``[]`` when unset)."""
        return [str(m).upper() for m in self.config.get("responseModalities") or []]

    @property
    def image_output(self) -> bool:
        """True when an image model is asked for IMAGE output."""
        return self.model.image is not None and "IMAGE" in self.response_modalities

    @property
    def image_config(self) -> dict[str, Any]:
        """``generationConfig.imageConfig`` (camelCase), or ``{}``."""
        value = self.config.get("imageConfig")
        return value if isinstance(value, dict) else {}

    @property
    def response_schema(self) -> Any:
        """The JSON Schema or OpenAPI schema of the answer, or None."""
        config = self.config
        return config.get("responseJsonSchema", config.get("responseSchema"))


def texts_of(content: Any) -> list[str]:
    """The non-thought text parts of a (camelCase) content, in order."""
    if not isinstance(content, Mapping):
        return []
    return [
        p["text"]
        for p in content.get("parts") or []
        if isinstance(p, Mapping) and isinstance(p.get("text"), str) and not p.get("thought")
    ]


def text_of(content: Mapping[str, Any] | None) -> str:
    """Joined non-thought text parts of a content."""
    return "\n".join(texts_of(content))


def parse_generate_request(
    body: Mapping[str, Any], model: ModelSpec, resolve_file: FileResolver | None = None
) -> GenerateRequest:
    """Validate a camelCase request ``body`` for ``model``; raise ApiError on a bad one.

    ``resolve_file(uri, mime_type)`` describes the uploaded file a ``fileData`` part names
    (None when the URI is not a Files API one; it raises for an unknown or unready file).
    """
    violations = Violations()
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        violations.add("contents", "contents is not specified")
        violations.raise_if_any()
        contents = []
    system = body.get("systemInstruction")
    if system is not None and not isinstance(system, dict):
        violations.add("system_instruction", "must be a Content object")
        system = None
    _check_contents(contents, violations)
    config = body.get("generationConfig") or {}
    if not isinstance(config, dict):
        violations.add("generation_config", "must be an object")
        config = {}
    _check_sampling(config, model, violations)
    _check_response_format(config, violations)
    thinking = _check_thinking(config, model, violations)
    _check_safety(body.get("safetySettings"), violations)
    tools = parse_tools(body, violations)
    violations.raise_if_any()
    _check_model_features(body, config, model)
    _check_modalities(config, model)
    _check_thought_signatures(contents, model)
    if model.image is not None:
        _check_image_request(config, contents, model, violations)
        violations.raise_if_any()

    user_indexes = [i for i, c in enumerate(contents) if c.get("role", "user") == "user"]
    last_user = contents[user_indexes[-1]] if user_indexes else None
    prompt, directives = parse_directives(text_of(last_user))
    previous = None
    if len(user_indexes) >= 2:
        previous = DIRECTIVE_RE.sub("", text_of(contents[user_indexes[-2]])).strip()
    blob_tokens: dict[int, tuple[str, int]] = {}
    tool_tokens = count_tools(body.get("tools"))
    if tool_tokens:
        blob_tokens[TOOLS_KEY] = ("TEXT", tool_tokens)
    question = prompt
    if not question:
        for content in reversed(contents):
            if content.get("role", "user") == "user" and text_of(content).strip():
                question = DIRECTIVE_RE.sub("", text_of(content)).strip()
                break
    return GenerateRequest(
        model=model,
        contents=contents,
        system_instruction=system,
        config=config,
        directives=directives,
        prompt=prompt,
        system_text=text_of(system).strip(),
        user_turns=max(1, len(user_indexes)),
        previous_prompt=previous,
        attachments=decode_attachments(
            contents, only=last_user, resolve_file=resolve_file, blob_tokens=blob_tokens
        ),
        blob_tokens=blob_tokens,
        thinking=thinking,
        tools=tools,
        question=question,
        function_responses=function_responses_of(contents[-1] if contents else {}),
    )


def function_responses_of(content: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """``(name, response)`` of each ``functionResponse`` part of ``content``."""
    found = []
    for part in content.get("parts") or []:
        response = part.get("functionResponse") if isinstance(part, Mapping) else None
        if isinstance(response, Mapping):
            found.append((str(response.get("name") or ""), response.get("response")))
    return found


#: ``(fileUri, mimeType) -> Attachment`` for uploaded files, None for other URIs.
FileResolver = Callable[[str, str], Attachment | None]


def decode_attachments(
    contents: list[dict[str, Any]],
    only: Mapping[str, Any] | None = None,
    *,
    resolve_file: FileResolver | None = None,
    blob_tokens: dict[int, tuple[str, int]] | None = None,
) -> list[Attachment]:
    """Decode every inline blob (a 400 if any is broken) and look up every uploaded file
    (``resolve_file``); describe those of ``only``. ``blob_tokens`` gets ``id(blob) ->
    (modality, tokens)`` for each blob described, for :func:`.tokens.count_prompt`."""
    described: list[Attachment] = []
    for ci, content in enumerate(contents):
        for pi, part in enumerate(content.get("parts") or []):
            file_data = part.get("fileData")
            if isinstance(file_data, dict) and resolve_file is not None:
                uri = str(file_data.get("fileUri") or "")
                found = resolve_file(uri, str(file_data.get("mimeType") or ""))
                if found is not None:
                    if blob_tokens is not None:
                        blob_tokens[id(file_data)] = (
                            modality_for_mime(found.mime_type),
                            found.tokens(),
                        )
                    if content is only:
                        described.append(found)
                continue
            blob = part.get("inlineData")
            if not isinstance(blob, dict):
                continue
            where = f"contents[{ci}].parts[{pi}].inline_data.data"
            data = blob.get("data")
            try:
                raw = decode_base64(data if isinstance(data, str) else "")
            except ValueError:
                shown = str(data)[:24]
                raise invalid_argument(
                    f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed for "
                    f'"{shown}"'
                ) from None
            try:
                attachment = describe(str(blob.get("mimeType", "")), raw)
            except ValueError as exc:
                raise invalid_argument(str(exc)) from None
            if blob_tokens is not None:
                blob_tokens[id(blob)] = (
                    modality_for_mime(attachment.mime_type),
                    attachment.tokens(),
                )
            if content is only:
                described.append(attachment)
    return described


def _check_contents(contents: list[Any], violations: Violations) -> None:
    for ci, content in enumerate(contents):
        if not isinstance(content, dict):
            violations.add(f"contents[{ci}]", "must be a Content object")
            continue
        role = content.get("role")
        if role is not None and role not in ROLES:
            violations.add(f"contents[{ci}].role", "Please use a valid role: user, model.")
        parts = content.get("parts")
        if not isinstance(parts, list) or not parts:
            violations.add(f"contents[{ci}].parts", "contents.parts must not be empty.")
            continue
        for pi, part in enumerate(parts):
            where = f"contents[{ci}].parts[{pi}]"
            if not isinstance(part, dict) or not any(k in part for k in PART_DATA_KEYS):
                violations.add(
                    f"{where}.data", "required oneof field 'data' must have one initialized field"
                )
                continue
            blob = part.get("inlineData")
            if isinstance(blob, dict) and not blob.get("mimeType"):
                violations.add(f"{where}.inline_data.mime_type", "mime_type must be specified")


def _number(config: Mapping[str, Any], key: str, path: str, violations: Violations) -> Any:
    value = config.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        violations.add(f"generation_config.{path}", f"must be a number, got {value!r}")
        return None
    return value


def _integer(config: Mapping[str, Any], key: str, path: str, violations: Violations) -> Any:
    value = _number(config, key, path, violations)
    if value is not None and not float(value).is_integer():
        violations.add(f"generation_config.{path}", f"must be an integer, got {value!r}")
        return None
    return value


def _check_sampling(config: Mapping[str, Any], model: ModelSpec, v: Violations) -> None:
    temperature = _number(config, "temperature", "temperature", v)
    if temperature is not None and not 0.0 <= temperature <= 2.0:
        v.add("generation_config.temperature", "must be in the range [0.0, 2.0]")
    top_p = _number(config, "topP", "top_p", v)
    if top_p is not None and not 0.0 <= top_p <= 1.0:
        v.add("generation_config.top_p", "must be in the range [0.0, 1.0]")
    top_k = _integer(config, "topK", "top_k", v)
    if top_k is not None and top_k < 1:
        v.add("generation_config.top_k", "must be greater than or equal to 1")
    count = _integer(config, "candidateCount", "candidate_count", v)
    if count is not None and not 1 <= count <= MAX_CANDIDATES:
        v.add("generation_config.candidate_count", f"must be in the range [1, {MAX_CANDIDATES}]")
    limit = model.output_token_limit
    max_tokens = _integer(config, "maxOutputTokens", "max_output_tokens", v)
    if max_tokens is not None and not 1 <= max_tokens <= limit:
        v.add("generation_config.max_output_tokens", f"must be in the range [1, {limit}]")
    _integer(config, "seed", "seed", v)
    _check_logprobs(config, v)
    for key, path in (
        ("presencePenalty", "presence_penalty"),
        ("frequencyPenalty", "frequency_penalty"),
    ):
        value = _number(config, key, path, v)
        if value is not None and not -2.0 <= value < 2.0:
            v.add(f"generation_config.{path}", "must be in the range [-2.0, 2.0)")
    stops = config.get("stopSequences")
    if stops is not None:
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            v.add("generation_config.stop_sequences", "must be a list of strings")
        elif len(stops) > MAX_STOP_SEQUENCES:
            v.add(
                "generation_config.stop_sequences",
                f"at most {MAX_STOP_SEQUENCES} stop sequences are allowed, got {len(stops)}",
            )


def _check_logprobs(config: Mapping[str, Any], v: Violations) -> None:
    """``logprobs`` is "only valid if responseLogprobs=True" and "must be in the range of
    [0, 20]" (the API reference)."""
    asked = config.get("responseLogprobs")
    if asked is not None and not isinstance(asked, bool):
        v.add("generation_config.response_logprobs", f"must be a boolean, got {asked!r}")
    top = _integer(config, "logprobs", "logprobs", v)
    if top is None:
        return
    if not 0 <= top <= MAX_LOGPROBS:
        v.add("generation_config.logprobs", f"must be in the range [0, {MAX_LOGPROBS}]")
    if asked is not True:
        v.add("generation_config.logprobs", "only valid if response_logprobs is true")


def _check_response_format(config: Mapping[str, Any], v: Violations) -> None:
    mime = config.get("responseMimeType")
    if mime is not None and str(mime).lower() not in RESPONSE_MIME_TYPES:
        allowed = ", ".join(f"`{m}`" for m in RESPONSE_MIME_TYPES)
        v.add("generation_config.response_mime_type", f"allowed mimetypes are {allowed}.")
        return
    mime = str(mime or "text/plain").lower()
    has_openapi, has_json = "responseSchema" in config, "responseJsonSchema" in config
    if has_openapi and has_json:
        v.add(
            "generation_config.response_json_schema",
            "response_schema and response_json_schema cannot both be set",
        )
    for key, path in (
        ("responseSchema", "response_schema"),
        ("responseJsonSchema", "response_json_schema"),
    ):
        if key not in config:
            continue
        if mime == "text/x.enum":
            schema = config[key]
            if not (isinstance(schema, dict) and schema.get("enum")):
                v.add(f"generation_config.{path}", "text/x.enum requires a schema with enum values")
        elif mime != "application/json":
            v.add(
                f"generation_config.{path}",
                f"a response schema requires response_mime_type application/json (got {mime})",
            )
    if mime == "text/x.enum" and not (has_openapi or has_json):
        v.add(
            "generation_config.response_mime_type", "text/x.enum requires an enum response schema"
        )


def _check_thinking(config: Mapping[str, Any], model: ModelSpec, v: Violations) -> Thinking:
    thinking_config = config.get("thinkingConfig") or {}
    if not isinstance(thinking_config, dict):
        v.add("generation_config.thinking_config", "must be an object")
        return Thinking()
    budget = thinking_config.get("thinkingBudget")
    level = thinking_config.get("thinkingLevel")
    include = bool(thinking_config.get("includeThoughts"))
    path = "generation_config.thinking_config"
    if budget is not None and level is not None:
        return Thinking()  # refused by _check_model_features, after the field checks
    if level is not None:
        level = str(level).upper()
        if level not in THINKING_LEVELS:
            v.add(f"{path}.thinking_level", f"must be one of {', '.join(THINKING_LEVELS)}")
        elif model.thinking and model.thinking_control == "budget":
            v.add(
                f"{path}.thinking_level",
                f"thinking_level is not supported by {model.name}; use thinking_budget instead",
            )
    if budget is not None:
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < -1:
            v.add(
                f"{path}.thinking_budget", "must be -1 (automatic), 0 (off) or a positive integer"
            )
            budget = None
        elif model.thinking and model.thinking_control == "level":
            v.add(
                f"{path}.thinking_budget",
                f"thinking_budget is not supported by {model.name}; use thinking_level instead",
            )
        elif budget == 0 and model.thinking and not model.can_disable_thinking:
            v.add(
                f"{path}.thinking_budget",
                "Budget 0 is invalid. This model only works in thinking mode.",
            )
        budget = None if budget is None else int(budget)
    if not model.thinking or budget == 0:
        return Thinking(budget=budget, level=level)
    active = model.thinks_by_default or budget not in (None, 0)
    return Thinking(active=active, include=active and include, budget=budget, level=level)


def _check_model_features(
    body: Mapping[str, Any], config: Mapping[str, Any], model: ModelSpec
) -> None:
    """The real API's plain 400s (no details) for knobs this model or this mix refuses.

    They come after the field checks, so a request with both kinds of fault names its
    out-of-range fields first.
    """
    thinking = config.get("thinkingConfig")
    if isinstance(thinking, dict):
        level = thinking.get("thinkingLevel")
        if thinking.get("thinkingBudget") is not None and level is not None:
            raise invalid_argument(THINKING_BOTH_MESSAGE)
        level = str(level).upper() if level is not None else None
        if level is not None and model.thinking_levels and level not in model.thinking_levels:
            raise invalid_argument(
                f"Thinking level {level} is not supported for this model. "
                "Please retry with other thinking level."
            )
    if not model.penalties and (
        config.get("presencePenalty") is not None or config.get("frequencyPenalty") is not None
    ):
        raise invalid_argument(f"Penalty is not enabled for {model.name}")
    if config.get("responseLogprobs") is True and not model.logprobs:
        raise invalid_argument(f"{LOGPROBS_NOT_ENABLED} {model.name}")
    tool_config = body.get("toolConfig")
    calling = tool_config.get("functionCallingConfig") if isinstance(tool_config, dict) else None
    mode = str(calling.get("mode", "")).upper() if isinstance(calling, dict) else ""
    if mode == "ANY" and str(config.get("responseMimeType", "")).lower() == "application/json":
        raise invalid_argument(FORCED_FC_JSON_MESSAGE)
    count = config.get("candidateCount")
    if not model.multiple_candidates and isinstance(count, (int, float)) and count > 1:
        # As reported against the real image models: a plain message, no details.
        raise invalid_argument(MULTIPLE_CANDIDATES_MESSAGE)


def _check_thought_signatures(contents: list[dict[str, Any]], model: ModelSpec) -> None:
    """Gemini 3's rule: in the current turn (everything after the last user content that is
    not only ``functionResponse`` parts), each model step's first ``functionCall`` part
    carries a ``thoughtSignature``. Any non-empty signature passes, so the documented dummy
    signatures (``skip_thought_signature_validator``, ``context_engineering_is_the_way_to_go``)
    do too; earlier turns are not checked."""
    if not model.requires_thought_signatures:
        return
    start = 0
    for ci, content in enumerate(contents):
        parts = [p for p in content.get("parts") or [] if isinstance(p, Mapping)]
        if content.get("role", "user") == "user" and any(
            "functionResponse" not in p for p in parts
        ):
            start = ci
    for ci in range(start + 1, len(contents)):
        content = contents[ci]
        if content.get("role") != "model":
            continue
        calls = [
            p for p in content.get("parts") or [] if isinstance(p, Mapping) and "functionCall" in p
        ]
        if calls and not calls[0].get("thoughtSignature"):
            call = calls[0]["functionCall"]
            name = call.get("name", "") if isinstance(call, Mapping) else ""
            raise invalid_argument(MISSING_SIGNATURE_MESSAGE.format(name=name, position=ci + 1))


def _check_safety(settings: Any, v: Violations) -> None:
    if settings is None:
        return
    if not isinstance(settings, list):
        v.add("safety_settings", "must be a list")
        return
    seen: set[str] = set()
    for i, setting in enumerate(settings):
        if not isinstance(setting, dict):
            v.add(f"safety_settings[{i}]", "must be an object")
            continue
        category = str(setting.get("category", ""))
        threshold = str(setting.get("threshold", ""))
        if category not in HARM_CATEGORIES:
            v.add(
                f"safety_settings[{i}].category",
                f'invalid value "{category}"; use one of {", ".join(sorted(HARM_CATEGORIES))}',
            )
        elif category in seen:
            v.add(f"safety_settings[{i}].category", f"duplicate category {category}")
        seen.add(category)
        if threshold not in HARM_THRESHOLDS:
            v.add(
                f"safety_settings[{i}].threshold",
                f'invalid value "{threshold}"; use one of {", ".join(sorted(HARM_THRESHOLDS))}',
            )


def _check_modalities(config: Mapping[str, Any], model: ModelSpec) -> None:
    modalities = config.get("responseModalities")
    if modalities is None:
        return
    if not isinstance(modalities, list):
        raise invalid_argument(
            "* GenerateContentRequest.generation_config.response_modalities: must be a list"
        )
    wanted = [str(m).upper() for m in modalities]
    unknown = [m for m in wanted if m not in MODALITIES]
    if unknown:
        raise invalid_argument(
            "* GenerateContentRequest.generation_config.response_modalities: "
            f"unknown modality {unknown[0]}"
        )
    unsupported = [m.lower() for m in wanted if m not in model.output_modalities]
    if unsupported:
        raise ApiError(
            400,
            f"{model.name} does not support the requested response modalities: "
            + ", ".join(unsupported),
        )


def image_parts(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``inlineData`` blobs of a content whose MIME type is ``image/*`` (not thoughts)."""
    return [
        part["inlineData"]
        for part in content.get("parts") or []
        if isinstance(part, Mapping)
        and isinstance(part.get("inlineData"), dict)
        and str(part["inlineData"].get("mimeType", "")).lower().startswith("image/")
        and not part.get("thought")
    ]


def _check_image_request(
    config: Mapping[str, Any], contents: list[Any], model: ModelSpec, v: Violations
) -> None:
    """imageConfig values, one candidate, and the reference-image limit of an image model."""
    spec = model.image
    assert spec is not None
    image_config = config.get("imageConfig")
    path = "generation_config.image_config"
    if image_config is not None and not isinstance(image_config, dict):
        v.add(path, "must be an object")
        image_config = {}
    image_config = image_config or {}
    ratio = image_config.get("aspectRatio")
    if ratio is not None and ratio not in spec.aspect_ratios:
        v.add(
            f"{path}.aspect_ratio",
            f"unsupported aspect ratio {ratio!r} for {model.name}; "
            f"use one of {', '.join(spec.aspect_ratios)}",
        )
    size = image_config.get("imageSize")
    if size is not None:
        if size not in ("1K", "2K", "4K"):
            v.add(
                f"{path}.image_size",
                f"unsupported image size {size!r}; use one of 1K, 2K, 4K (with an uppercase K)",
            )
        elif size not in spec.image_sizes:
            v.add(
                f"{path}.image_size",
                f"{model.name} does not support image size {size}; "
                f"supported: {', '.join(spec.image_sizes)}",
            )
    users = [c for c in contents if isinstance(c, dict) and c.get("role", "user") == "user"]
    if users:
        n = len(image_parts(users[-1]))
        if n > spec.max_input_images:
            v.add(
                "contents",
                f"{model.name} accepts at most {spec.max_input_images} input images per "
                f"request; got {n}",
            )
