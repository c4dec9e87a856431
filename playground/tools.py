"""Tools in the run settings: Google Search grounding, URL context, code execution and
function calling. Function declarations are typed as JSON and checked here before anything
is sent (the API's own rules: names, a JSON-schema `parameters` object, unique names)."""

from __future__ import annotations

import json
import re
from typing import Any

from google.genai import types

FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
MAX_FUNCTIONS = 128
FUNCTION_MODES = ("AUTO", "ANY", "NONE")

# Starting points for the function declarations box (from the Gemini function-calling guide).
FUNCTION_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "Weather lookup": [
        {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location.",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["location"],
            },
        }
    ],
    "Theater finder": [
        {
            "name": "find_movies",
            "description": "Find movie titles currently playing in theaters by genre or title.",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "City and state, e.g. Mountain View, CA",
                    },
                    "description": {"type": "string", "description": "Genre or title"},
                },
                "required": ["description"],
            },
        },
        {
            "name": "find_theaters",
            "description": "Find theaters by location and optionally a movie title.",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "City and state"},
                    "movie": {"type": "string", "description": "A movie title"},
                },
                "required": ["location"],
            },
        },
    ],
}


def example_text(name: str) -> str:
    return json.dumps(FUNCTION_EXAMPLES[name], indent=2)


def parse_function_declarations(text: str) -> list[dict[str, Any]]:
    """The declarations in `text` (a JSON list, or one object); [] when blank.

    Raises ValueError saying what is wrong and where.
    """
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The function declarations are not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})."
        ) from exc
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_FUNCTIONS:
        raise ValueError(f"At most {MAX_FUNCTIONS} functions can be declared.")
    names: set[str] = set()
    declarations = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Function {number} must be a JSON object with a name.")
        name = item.get("name")
        if not isinstance(name, str) or not FUNCTION_NAME.match(name):
            raise ValueError(
                f"Function {number} needs a name of letters, digits, _ . or - (at most 64, "
                "not starting with a digit)."
            )
        if name in names:
            raise ValueError(f"Two functions are named “{name}”.")
        names.add(name)
        parameters = item.get("parameters")
        if parameters is not None and (
            not isinstance(parameters, dict) or parameters.get("type", "object") != "object"
        ):
            raise ValueError(f"The parameters of “{name}” must be a JSON schema of type object.")
        try:
            types.FunctionDeclaration.model_validate(item)
        except ValueError as exc:
            first = str(exc).splitlines()[1:2] or [str(exc)]
            raise ValueError(f"“{name}” is not a valid declaration: {first[0].strip()}") from exc
        declarations.append(item)
    return declarations


def parse_names(text: str) -> list[str]:
    """Allowed function names, one per line or comma-separated."""
    return [n.strip() for n in re.split(r"[,\n]", text or "") if n.strip()]


def build_tools(
    *,
    google_search: bool,
    url_context: bool,
    code_execution: bool,
    function_declarations: list[dict[str, Any]],
    function_mode: str,
    allowed_function_names: list[str],
) -> tuple[list[types.Tool], types.ToolConfig | None]:
    """The request's `tools` and `tool_config` for these switches."""
    tools: list[types.Tool] = []
    if google_search:
        tools.append(types.Tool(google_search=types.GoogleSearch()))
    if url_context:
        tools.append(types.Tool(url_context=types.UrlContext()))
    if code_execution:
        tools.append(types.Tool(code_execution=types.ToolCodeExecution()))
    tool_config = None
    if function_declarations:
        tools.append(
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration.model_validate(d) for d in function_declarations
                ]
            )
        )
        if function_mode != "AUTO" or allowed_function_names:
            tool_config = types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(
                    mode=function_mode,  # type: ignore[arg-type]
                    allowed_function_names=allowed_function_names or None,
                )
            )
    return tools, tool_config
