"""Code execution, simulated: ``executableCode`` / ``codeExecutionResult`` pairs for the
calculations a prompt asks for, then the answer.

Nothing from a request is ever executed. A calculation is found in the prompt's text
("12 * 7", "2^10", "15 divided by 4", "the average of 3, 5 and 10"), parsed with
:mod:`ast`, accepted only if every node is a number, a bracket or one of ``+ - * / // %
**`` (:func:`parse_arithmetic`), and evaluated here node by node (:func:`evaluate`), with
powers bounded so no run can take long. The code shown is what a model would write for it;
its printed output is the value computed here. Division by zero (or an overflow) gives an
``OUTCOME_FAILED`` run with the traceback Python would print, as the real tool reports it.
Several calculations give several runs, in the order the prompt asks for them.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .tools import ToolContext, ToolReply

#: Prompt tokens a run adds to ``toolUsePromptTokenCount`` (the code and its output).
CODE_RUN_TOKENS = 120


_BINARY_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY_OPS: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_WORD_OPS = (
    (r"\bmultiplied by\b|\btimes\b", "*"),
    (r"\bdivided by\b|\bover\b", "/"),
    (r"\bplus\b", "+"),
    (r"\bminus\b", "-"),
    (r"\bto the power of\b", "**"),
    (r"\bmod(?:ulo)?\b", "%"),
)
_EXPRESSION_RE = re.compile(
    r"[(\s]*-?\d+(?:\.\d+)?[)\s]*(?:(?:\*\*|//|[-+*/%^×÷x])[(\s]*-?\d+(?:\.\d+)?[)\s]*)+"
)
_NUMBER = r"-?\d+(?:\.\d+)?"
_LIST_OP_RE = re.compile(
    r"\b(sum|total|average|mean|product)\s+of\s+(?:the\s+numbers\s+)?"
    # "1, 2, 3", "1, 2 and 3", "3 and 4": two numbers at least, and an "and" ends the list.
    rf"({_NUMBER}(?:\s*,\s*{_NUMBER})+(?:,?\s+and\s+{_NUMBER})?|{_NUMBER}\s+and\s+{_NUMBER})"
    r"(?![\d.]|\s*(?:\*\*|//|[-+*/%^×÷]))",
    re.IGNORECASE,
)
MAX_EXPONENT = 1000
MAX_DIGITS = 1000


class NotSimple(Exception):
    """The text is not simple arithmetic (only numbers and + - * / // % ** and brackets)."""


def evaluate(node: ast.AST) -> int | float:
    """The value of an arithmetic expression tree, allowing numbers and operators only.

    Raises NotSimple for anything else (names, calls, attributes, huge powers) and the
    arithmetic's own ZeroDivisionError / OverflowError.
    """
    if isinstance(node, ast.Expression):
        return evaluate(node.body)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        raise NotSimple(type(value).__name__)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY_OPS:
        return _number(_UNARY_OPS[type(node.op)](evaluate(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPS:
        left, right = evaluate(node.left), evaluate(node.right)
        if isinstance(node.op, ast.Pow) and (
            abs(right) > MAX_EXPONENT
            or (abs(left) > 1 and abs(right) * math.log10(abs(left)) > MAX_DIGITS)
        ):
            raise NotSimple("power too large")
        return _number(_BINARY_OPS[type(node.op)](left, right))
    raise NotSimple(type(node).__name__)


def _number(result: Any) -> int | float:
    """``result`` if it is a real number of printable size, else NotSimple."""
    if isinstance(result, int) and result.bit_length() > MAX_DIGITS * 10 // 3:
        raise NotSimple("result too large")
    if not isinstance(result, (int, float)):
        raise NotSimple("complex result")
    return result


def parse_arithmetic(text: str) -> ast.Expression:
    """The expression tree of ``text`` if it is simple arithmetic, else NotSimple."""
    source = text.replace("×", "*").replace("÷", "/").replace("^", "**")
    source = re.sub(r"(?<=\d)\s*x\s*(?=[\d(-])", " * ", source)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        raise NotSimple("syntax") from None
    for node in ast.walk(tree):
        allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator, ast.unaryop)
        if not isinstance(node, allowed):
            raise NotSimple(type(node).__name__)
    if not any(isinstance(n, ast.BinOp) for n in ast.walk(tree)):
        raise NotSimple("no operator")
    return tree


@dataclass(frozen=True)
class Run:
    """One simulated code run."""

    code: str
    #: What the code computes, for the answer ("12 * 7").
    label: str
    outcome: str
    output: str
    value: int | float | None = None


def _traceback(exc: Exception, line: int) -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "<string>", line {line}, in <module>\n'
        f"{type(exc).__name__}: {exc}\n"
    )


def _run_for(tree: ast.Expression) -> Run:
    expression = ast.unparse(tree)
    code = f"result = {expression}\nprint(result)"
    try:
        value = evaluate(tree)
    except (ZeroDivisionError, OverflowError) as exc:
        return Run(code, expression, "OUTCOME_FAILED", _traceback(exc, 1))
    return Run(code, expression, "OUTCOME_OK", f"{value}\n", value)


def _list_run(op: str, numbers_text: str) -> Run:
    numbers = [
        float(n) if "." in n else int(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers_text)
    ]
    listed = ", ".join(str(n) for n in numbers)
    op = op.lower()
    value: int | float
    if op in ("sum", "total"):
        code, value, label = f"numbers = [{listed}]\nprint(sum(numbers))", sum(numbers), "sum"
    elif op == "product":
        code, value, label = (
            f"import math\n\nnumbers = [{listed}]\nprint(math.prod(numbers))",
            math.prod(numbers),
            "product",
        )
    else:
        value, label = sum(numbers) / len(numbers), "average"
        code = f"numbers = [{listed}]\nprint(sum(numbers) / len(numbers))"
    return Run(code, f"the {label} of {listed}", "OUTCOME_OK", f"{value}\n", value)


def find_calculations(prompt: str) -> list[Run]:
    """One run per calculation the prompt asks for, in order (empty: nothing to compute)."""
    runs: list[tuple[int, Run]] = []
    taken: list[tuple[int, int]] = []
    for m in _LIST_OP_RE.finditer(prompt):
        runs.append((m.start(), _list_run(m.group(1), m.group(2))))
        taken.append(m.span())
    text = prompt
    for pattern, symbol in _WORD_OPS:
        # Same length, so positions in ``text`` stay positions in ``prompt``.
        text = re.sub(pattern, _padded(symbol), text, flags=re.IGNORECASE)
    for m in _EXPRESSION_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        chunk = m.group(0)
        try:
            tree = parse_arithmetic(_balance(chunk))
        except NotSimple:
            continue
        try:
            run = _run_for(tree)
        except NotSimple:
            continue
        runs.append((m.start(), run))
    return [r for _, r in sorted(runs, key=lambda pair: pair[0])]


def _padded(symbol: str) -> Callable[[re.Match[str]], str]:
    return lambda m: symbol.center(len(m.group(0)))


def _balance(chunk: str) -> str:
    text = chunk.strip()
    while text.count("(") > text.count(")") and text.startswith("("):
        text = text[1:].strip()
    while text.count(")") > text.count("(") and text.endswith(")"):
        text = text[:-1].strip()
    return text


def _format(value: int | float | None) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


def code_reply(runs: list[Run], ctx: ToolContext, sign: Callable[[int], str]) -> ToolReply:
    parts: list[dict[str, Any]] = []
    lines = []
    for run in runs:
        parts.append({"executableCode": {"language": "PYTHON", "code": run.code}})
        parts.append({"codeExecutionResult": {"outcome": run.outcome, "output": run.output}})
        if run.outcome == "OUTCOME_OK":
            lines.append(f"- `{run.label}` = **{_format(run.value)}**")
        else:
            error = run.output.strip().splitlines()[-1]
            lines.append(f"- `{run.label}` has no value: the run failed with `{error}`.")
    intro = (
        "I ran the calculation in Python:"
        if len(runs) == 1
        else f"I ran {len(runs)} calculations in Python:"
    )
    paragraphs = [intro, "\n".join(lines)]
    if any(r.outcome != "OUTCOME_OK" for r in runs):
        paragraphs.append(
            "A failed run means the expression has no value: dividing by zero, for "
            "example, is undefined."
        )
    parts.append({"text": "\n\n".join([*paragraphs, ctx.closing])})
    if ctx.gemini_3:
        parts[0]["thoughtSignature"] = sign(0)
    return ToolReply(parts, tool_use_tokens=CODE_RUN_TOKENS * len(runs))
