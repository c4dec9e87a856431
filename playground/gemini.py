"""THE module that calls the google-genai SDK.

A request is a value object (`GenerateRequest`: model, contents, config) so that the same
object is sent, shown and exported as code. `Gemini` wraps a client: it sends requests,
retries 429/503 with bounded exponential backoff that respects the API's RetryInfo, times
the call, and turns every API or transport failure into a PlaygroundError.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from google import genai
from google.genai import types

from playground.errors import BadInput, PlaygroundError, from_exception, is_api_or_transport_error
from playground.media import Attachment
from playground.reply import Reply, Timing
from playground.settings import GenerationSettings

T = TypeVar("T")
RetryCallback = Callable[[int, float, PlaygroundError], None]


@dataclass(frozen=True)
class GenerateRequest:
    """One generateContent call: what is sent, exactly."""

    model: str
    contents: tuple[types.Content, ...]
    config: types.GenerateContentConfig
    stream: bool = False

    def wire_config(self) -> dict[str, Any]:
        """The config as the SDK serialises it (snake_case, no unset fields)."""
        return self.config.model_dump(mode="json", exclude_none=True)


def user_content(prompt: str, attachments: Sequence[Attachment] = ()) -> types.Content:
    """One user turn: the prompt text first, then the attached images (seed order)."""
    parts: list[types.Part] = []
    if prompt.strip():
        parts.append(types.Part.from_text(text=prompt))
    parts.extend(a.to_part() for a in attachments)
    return types.Content(role="user", parts=parts)


def build_request(
    settings: GenerationSettings,
    prompt: str,
    attachments: Sequence[Attachment] = (),
    *,
    history: Sequence[types.Content] = (),
    stream: bool = False,
) -> GenerateRequest:
    """Build the request for a prompt. An empty prompt with nothing attached is refused."""
    if not prompt.strip() and not attachments:
        raise BadInput(
            "The prompt is empty.",
            "Write a prompt (or attach an image) and press Run.",
            kind="empty_prompt",
        )
    contents = (*history, user_content(prompt, attachments))
    return GenerateRequest(settings.model, contents, settings.to_config(), stream)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff for 429 and 503."""

    attempts: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 10.0
    factor: float = 2.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RetryPolicy:
        """PLAYGROUND_RETRY_ATTEMPTS / _BASE_S / _MAX_S override the defaults."""
        env = os.environ if env is None else env
        default = cls()

        def number(name: str, fallback: float) -> float:
            try:
                return float(env.get(name, fallback))
            except ValueError:
                return fallback

        return cls(
            attempts=max(1, int(number("PLAYGROUND_RETRY_ATTEMPTS", default.attempts))),
            base_delay_s=max(0.0, number("PLAYGROUND_RETRY_BASE_S", default.base_delay_s)),
            max_delay_s=max(0.0, number("PLAYGROUND_RETRY_MAX_S", default.max_delay_s)),
        )

    def delay(self, attempt: int, retry_after_s: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        backoff = self.base_delay_s * self.factor ** (attempt - 1)
        wanted = retry_after_s if retry_after_s is not None else backoff
        return min(self.max_delay_s, max(0.0, wanted))


@dataclass
class Gemini:
    """A connected client plus the playground's policies around it."""

    client: genai.Client
    retry: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    secrets: tuple[str, ...] = ()
    sleep: Callable[[float], None] = time.sleep

    def _explain(self, exc: BaseException) -> PlaygroundError:
        return from_exception(exc, secrets=self.secrets)

    def _call(self, fn: Callable[[], T], on_retry: RetryCallback | None) -> tuple[T, int]:
        """Run fn, retrying retryable API errors. Returns (result, attempts used)."""
        attempt = 1
        while True:
            try:
                return fn(), attempt
            except Exception as exc:
                if not is_api_or_transport_error(exc):
                    raise
                error = self._explain(exc)
                if not error.retryable or attempt >= self.retry.attempts:
                    if attempt > 1:
                        error.remedy = f"(Tried {attempt} times.) {error.remedy}"
                    raise error from None
                wait = self.retry.delay(attempt, error.retry_after_s)
                if on_retry:
                    on_retry(attempt, wait, error)
                self.sleep(wait)
                attempt += 1

    def generate(self, request: GenerateRequest, on_retry: RetryCallback | None = None) -> Reply:
        """Send a request and return the whole Reply."""
        started = time.perf_counter()
        response, attempts = self._call(
            lambda: self.client.models.generate_content(
                model=request.model, contents=list(request.contents), config=request.config
            ),
            on_retry,
        )
        latency = time.perf_counter() - started
        return Reply.from_response(response, Timing(latency_s=latency, attempts=attempts))

    def count_tokens(self, model: str, contents: Iterable[types.Content]) -> int:
        """Tokens the contents take for this model (system instruction not included)."""
        response, _ = self._call(
            lambda: self.client.models.count_tokens(model=model, contents=list(contents)), None
        )
        return int(response.total_tokens or 0)

    def list_models(self) -> list[types.Model]:
        """Every model visible to this key (all pages)."""
        models, _ = self._call(
            lambda: list(self.client.models.list(config={"page_size": 50})), None
        )
        return models
