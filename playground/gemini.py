"""THE module that calls the google-genai SDK.

A request is a value object (`GenerateRequest`: model, contents, config) so that the same
object is sent, shown and exported as code. `Gemini` wraps a client: it sends requests,
retries 429/503 with bounded, jittered exponential backoff that respects RetryInfo, times
the call, and turns every API or transport failure into a PlaygroundError. Model listing
and token counting are lookups with a short timeout of their own (`LOOKUP_TIMEOUT_S`).

Limits: `guard`, when set, runs before every generation request is sent (generate, each
cell of generate_all, stream, generate_images; retries of a call are not counted again);
a PlaygroundError it raises (e.g. `playground.limits.LimitReached`) stops that call before
anything is sent. `on_usage` then gets each reply's total tokens. Lookups (model list,
token counts, files) are not guarded.

Every generation call (refused ones included) writes one line to the `playground.calls`
logger (`call_log_line`): JSON with the page, model, visitor id, outcome, tokens and
latency — never a key, never prompt or reply text.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from google import genai
from google.genai import types

from playground.connection import request_timeout_s
from playground.env import env_number
from playground.errors import (
    BadInput,
    PlaygroundError,
    StreamInterrupted,
    from_exception,
    is_api_or_transport_error,
)
from playground.media import Attachment
from playground.reply import Reply, Timing
from playground.settings import GenerationSettings, ImageSettings

T = TypeVar("T")
C = TypeVar("C", types.GenerateContentConfig, types.GenerateImagesConfig)
LOOKUP_TIMEOUT_S = 5.0  # models.list and countTokens: the page waits on them
RetryCallback = Callable[[int, float, PlaygroundError], None]
# A guard's refusals that stop a grid: a limit reached, limits misconfigured or uncountable.
_REFUSALS = frozenset({"limit_reached", "bad_config", "limits_unavailable"})
CALL_LOG = logging.getLogger("playground.calls")  # one JSON line per generation call


def log_calls_to_stderr() -> None:
    """Make the call log visible in the app's output (stderr) at INFO, unless the
    deployment configured that logger itself (a handler or a level of its own)."""
    if CALL_LOG.handlers or CALL_LOG.level != logging.NOTSET:
        return
    CALL_LOG.setLevel(logging.INFO)
    if not logging.getLogger().handlers:  # else the root's handlers write it
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        CALL_LOG.addHandler(handler)


def call_log_line(
    *,
    call: str,
    page: str,
    model: str,
    visitor: str,
    latency_s: float,
    reply: Reply | None = None,
    error: BaseException | None = None,
    outcome: str | None = None,
) -> str:
    """The log line of one generation call, as JSON: what was called, for whom, how it
    ended, its tokens and latency. Only identifiers and numbers: no key, no prompt or
    reply text, no error message (an API error can quote the request)."""
    usage = reply.usage if reply is not None else None
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "gemini_call",
        "call": call,
        "page": page,
        "model": model,
        "visitor": visitor,
        "outcome": outcome or ("ok" if error is None else "error"),
        "error": None,
        "status": None,
        "finish_reason": reply.finish_reason if reply is not None else None,
        "tokens": {
            "prompt": usage.prompt_tokens if usage else 0,
            "output": usage.output_tokens if usage else 0,
            "thoughts": usage.thought_tokens if usage else 0,
            "total": usage.total_tokens if usage else 0,
        },
        "latency_ms": round(latency_s * 1000),
        "attempts": reply.timing.attempts if reply is not None else None,
    }
    if error is not None:
        record["error"] = getattr(error, "kind", None) or type(error).__name__
        record["status"] = getattr(error, "code", None)
    return json.dumps(record, separators=(",", ":"))


@dataclass(frozen=True)
class GenerateRequest:
    """One generateContent call: what is sent, exactly."""

    model: str
    contents: tuple[types.Content, ...]
    config: types.GenerateContentConfig
    stream: bool = False
    chat: bool = False  # the last content is a new chat message, the rest its history
    #: The local files behind the Files API parts (by URI), for code that uploads them.
    uploads: tuple[UploadSource, ...] = ()


@dataclass(frozen=True)
class UploadSource:
    """The bytes behind an uploaded file a request names, so exported code can upload the
    same file itself."""

    file_uri: str
    name: str
    mime_type: str
    data: bytes = field(repr=False, compare=False)


def upload_sources(attachments: Sequence[Attachment]) -> tuple[UploadSource, ...]:
    """The attachments that went through the Files API, as UploadSources."""
    return tuple(
        UploadSource(a.file_uri, a.name, a.mime_type, a.data)
        for a in attachments
        if a.file_uri and a.file_name and a.data
    )


def user_content(prompt: str, attachments: Sequence[Attachment] = ()) -> types.Content:
    """One user turn: the prompt text first, then the attached images (seed order)."""
    parts: list[types.Part] = []
    if prompt.strip():
        parts.append(types.Part.from_text(text=prompt))
    parts.extend(a.to_part() for a in attachments)
    return types.Content(role="user", parts=parts)


def build_request(
    settings: GenerationSettings | ImageSettings,
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
    return GenerateRequest(
        settings.model,
        contents,
        settings.to_config(),
        stream,
        uploads=upload_sources(attachments),
    )


def build_chat_request(
    settings: GenerationSettings | Any,
    history: Sequence[types.Content],
    message: types.Content,
    *,
    stream: bool = True,
) -> GenerateRequest:
    """A chat turn: the history so far plus the new user message.

    `settings` is anything with `model` and `to_config()` (GenerationSettings, ImageSettings).
    """
    if not message.parts:
        raise BadInput(
            "The message is empty.", "Type a message or attach an image.", kind="empty_prompt"
        )
    return GenerateRequest(
        settings.model, (*history, message), settings.to_config(), stream=stream, chat=True
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter for 429 and 503.

    `uniform(a, b)` is the random source (injectable, e.g. `random.Random(seed).uniform`).
    """

    attempts: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 10.0
    factor: float = 2.0
    uniform: Callable[[float, float], float] = field(
        default=random.uniform, repr=False, compare=False
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RetryPolicy:
        """PLAYGROUND_RETRY_ATTEMPTS / _BASE_S / _MAX_S override the defaults."""
        default = cls()
        return cls(
            attempts=int(
                env_number("PLAYGROUND_RETRY_ATTEMPTS", default.attempts, minimum=1, env=env)
            ),
            base_delay_s=env_number(
                "PLAYGROUND_RETRY_BASE_S", default.base_delay_s, minimum=0.0, env=env
            ),
            max_delay_s=env_number(
                "PLAYGROUND_RETRY_MAX_S", default.max_delay_s, minimum=0.0, env=env
            ),
        )

    def delay(self, attempt: int, retry_after_s: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based).

        Full jitter: uniform in [0, min(max, base * factor**(attempt-1))], so visitors that
        failed together do not retry together. A RetryInfo delay is a lower bound: wait at
        least what the server asked, but never past `max_delay_s`.
        """
        ceiling = min(self.max_delay_s, self.base_delay_s * self.factor ** (attempt - 1))
        wait = self.uniform(0.0, max(0.0, ceiling))
        if retry_after_s is not None:
            wait = max(wait, retry_after_s)
        return min(self.max_delay_s, max(0.0, wait))


def default_lookup_timeout_s(env: Mapping[str, str] | None = None) -> float:
    """`LOOKUP_TIMEOUT_S`, or the request timeout (PLAYGROUND_TIMEOUT_S) when shorter."""
    return min(LOOKUP_TIMEOUT_S, request_timeout_s(os.environ if env is None else env))


@dataclass
class Gemini:
    """A connected client plus the playground's policies around it."""

    client: genai.Client
    retry: RetryPolicy = field(default_factory=RetryPolicy.from_env)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    sleep: Callable[[float], None] = time.sleep
    lookup_timeout_s: float = field(default_factory=default_lookup_timeout_s)
    request_timeout_s: float | None = None  # the visitor's setting; None: the client's own
    guard: Callable[[], None] | None = field(default=None, repr=False)  # before each request
    on_usage: Callable[[int], None] | None = field(default=None, repr=False)  # total tokens
    page: str = ""  # the page making the calls, for the call log
    visitor: str = field(default="", repr=False)  # playground.access.visitor_id, for the log

    def _log_call(
        self, call: str, model: str, started: float, reply: Reply | None = None, **how: Any
    ) -> None:
        """One line per generation call to `playground.calls` (see `call_log_line`)."""
        if not CALL_LOG.isEnabledFor(logging.INFO):
            return
        with contextlib.suppress(Exception):  # logging must never lose a reply
            line = call_log_line(
                call=call,
                page=self.page,
                model=model,
                visitor=self.visitor,
                latency_s=reply.timing.latency_s if reply else time.perf_counter() - started,
                reply=reply,
                **how,
            )
            for secret in self.secrets:  # belt and braces: no field can hold one
                if secret:
                    line = line.replace(secret, "[redacted]")
            CALL_LOG.info(line)

    def _admit(self) -> None:
        """Run the guard before a generation request is sent (it raises to refuse it)."""
        if self.guard is not None:
            self.guard()

    def _used(self, tokens: int) -> None:
        if self.on_usage is not None:
            with contextlib.suppress(Exception):  # counting must never lose a reply
                self.on_usage(tokens)

    def _lookup_options(self) -> types.HttpOptions:
        return types.HttpOptions(timeout=max(1, int(self.lookup_timeout_s * 1000)))

    def timed(self, config: C) -> C:
        """`config` with this session's request timeout (not sent: the SDK applies it)."""
        if self.request_timeout_s is None:
            return config.model_copy()  # the SDK's chat writes headers into what it is given
        options = types.HttpOptions(timeout=max(1, int(self.request_timeout_s * 1000)))
        return config.model_copy(update={"http_options": options})

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
        try:
            self._admit()
        except Exception as refused:
            self._log_call("generate", request.model, started, error=refused, outcome="refused")
            raise
        started = time.perf_counter()
        try:
            response, attempts = self._call(lambda: self._send(request), on_retry)
        except Exception as error:
            self._log_call("generate", request.model, started, error=error)
            raise
        latency = time.perf_counter() - started
        reply = Reply.from_response(response, Timing(latency_s=latency, attempts=attempts))
        self._used(reply.usage.total_tokens)
        self._log_call("generate", request.model, started, reply)
        return reply

    def _send(self, request: GenerateRequest) -> types.GenerateContentResponse:
        if request.chat:
            chat = self.client.chats.create(
                model=request.model,
                config=self.timed(request.config),
                history=list(request.contents[:-1]),
            )
            return chat.send_message(list(request.contents[-1].parts or []))
        return self.client.models.generate_content(
            model=request.model, contents=list(request.contents), config=self.timed(request.config)
        )

    def generate_all(
        self,
        requests: Sequence[GenerateRequest],
        workers: int = 4,
        on_done: Callable[[int, Reply | PlaygroundError], None] | None = None,
    ) -> list[Reply | PlaygroundError]:
        """Send requests concurrently through a bounded pool of `workers` threads.

        Each result is a Reply or that call's PlaygroundError (429/503 are retried per call
        with backoff), in request order; `on_done` runs in the caller's thread as each
        call finishes, so it may draw progress; when it raises, calls not yet started are
        dropped and the exception propagates. Once the guard refuses a call (a limit was
        reached), the calls not yet started are not sent: each gets that refusal, and the
        calls already done keep their replies.
        """
        from concurrent.futures import ThreadPoolExecutor, as_completed

        refused: list[PlaygroundError] = []

        def one(request: GenerateRequest) -> Reply:
            if refused:
                raise refused[0]
            try:
                return self.generate(request)
            except PlaygroundError as error:
                if error.kind in _REFUSALS:
                    refused.append(error)
                raise

        results: list[Reply | PlaygroundError | None] = [None] * len(requests)
        with ThreadPoolExecutor(max_workers=max(1, min(len(requests), workers))) as pool:
            futures = {pool.submit(one, r): i for i, r in enumerate(requests)}
            try:
                for future in as_completed(futures):
                    index = futures[future]
                    try:
                        result: Reply | PlaygroundError = future.result()
                    except PlaygroundError as error:
                        result = error
                    results[index] = result
                    if on_done:
                        on_done(index, result)
            except BaseException:  # on_done gave up (e.g. the run was cancelled)
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return [r for r in results if r is not None]

    def generate_many(
        self,
        request: GenerateRequest,
        count: int,
        on_done: Callable[[int, Reply | PlaygroundError], None] | None = None,
    ) -> list[Reply | PlaygroundError]:
        """The same request `count` times at once (image models return one image a call)."""
        return self.generate_all([request] * count, workers=4, on_done=on_done)

    def generate_images(
        self, model: str, prompt: str, config: types.GenerateImagesConfig
    ) -> types.GenerateImagesResponse:
        """Imagen (Gemini Enterprise mode only; the SDK refuses it with an API key)."""
        started = time.perf_counter()
        try:
            self._admit()
        except Exception as refused:
            self._log_call("images", model, started, error=refused, outcome="refused")
            raise
        try:
            response, _ = self._call(
                lambda: self.client.models.generate_images(
                    model=model, prompt=prompt, config=self.timed(config)
                ),
                None,
            )
        except ValueError as exc:  # raised by the SDK before sending, in API-key mode
            self._log_call("images", model, started, error=exc)
            raise BadInput(
                "Imagen works only in Gemini Enterprise mode.",
                "Use Generate with a Gemini image model instead.",
                kind="imagen_unavailable",
            ) from exc
        except Exception as error:
            self._log_call("images", model, started, error=error)
            raise
        self._log_call("images", model, started)
        return response

    def stream(self, request: GenerateRequest, on_retry: RetryCallback | None = None) -> StreamRun:
        """A streamed call; nothing is sent until its events are iterated."""
        return StreamRun(self, request, on_retry)

    def token_count(self, model: str, contents: Iterable[types.Content]) -> int:
        """Tokens the contents take for this model (system instruction not included)."""
        config = types.CountTokensConfig(http_options=self._lookup_options())
        response, _ = self._call(
            lambda: self.client.models.count_tokens(
                model=model, contents=list(contents), config=config
            ),
            None,
        )
        return int(response.total_tokens or 0)

    # -- the Files API ----------------------------------------------------------------

    def _request_timeout(self) -> float:
        if self.request_timeout_s is not None:
            return self.request_timeout_s
        return request_timeout_s(os.environ)

    def upload_file(self, data: bytes, mime_type: str, display_name: str) -> types.File:
        """Upload bytes through the Files API (resumable upload; 429/503 retried)."""
        options = types.HttpOptions(timeout=max(1, int(self._request_timeout() * 1000)))
        config = types.UploadFileConfig(
            mime_type=mime_type, display_name=display_name[:512], http_options=options
        )
        file, _ = self._call(
            lambda: self.client.files.upload(file=io.BytesIO(data), config=config), None
        )
        return file

    def get_file(self, name: str) -> types.File | None:
        """The uploaded file `files/<id>`, or None when the server no longer has it."""
        config = types.GetFileConfig(http_options=self._lookup_options())
        try:
            file, _ = self._call(lambda: self.client.files.get(name=name, config=config), None)
        except PlaygroundError as error:
            if error.code in (403, 404):
                return None
            raise
        return file

    def wait_until_active(
        self,
        file: types.File,
        *,
        timeout_s: float | None = None,
        on_poll: Callable[[types.File, float], None] | None = None,
    ) -> types.File:
        """Poll files.get until the file is ACTIVE, for at most `timeout_s` (default: the
        request timeout), backing off from 0.2 s to 2 s between polls. A FAILED file, one
        that disappears, or one still PROCESSING at the deadline raises a PlaygroundError.
        `on_poll(file, elapsed_s)` runs after each poll (to show progress)."""
        budget = self._request_timeout() if timeout_s is None else timeout_s
        started = time.monotonic()
        delay = 0.2
        shown = file.display_name or file.name or "the file"
        while True:
            state = file.state.name if file.state is not None else "ACTIVE"
            if state == "ACTIVE":
                return file
            if state == "FAILED":
                reason = file.error.message if file.error and file.error.message else ""
                raise BadInput(
                    f"Gemini could not process “{shown}”{': ' + reason if reason else '.'}",
                    "Check that the file plays or opens, then remove it and attach it again.",
                    kind="file_failed",
                )
            elapsed = time.monotonic() - started
            if elapsed + delay > budget:
                raise PlaygroundError(
                    f"“{shown}” is still being processed after {elapsed:.0f} s.",
                    "Wait a little, then press Run again (or raise the request timeout in "
                    "the sidebar); long videos take a while.",
                    kind="file_processing",
                    retryable=True,
                )
            self.sleep(delay)
            delay = min(2.0, delay * 1.6)
            latest = self.get_file(file.name or "")
            if latest is None:
                raise PlaygroundError(
                    f"“{shown}” disappeared from the Files API while it was processed.",
                    "Remove the attachment and attach it again.",
                    kind="file_gone",
                )
            file = latest
            if on_poll is not None:
                on_poll(file, time.monotonic() - started)

    def delete_file(self, name: str) -> bool:
        """Delete an uploaded file; False when it was already gone."""
        config = types.DeleteFileConfig(http_options=self._lookup_options())
        try:
            self._call(lambda: self.client.files.delete(name=name, config=config), None)
        except PlaygroundError as error:
            if error.code in (403, 404):
                return False
            raise
        return True

    def list_models(self) -> list[types.Model]:
        """Every model visible to this key (all pages)."""
        config = types.ListModelsConfig(page_size=50, http_options=self._lookup_options())
        models, _ = self._call(lambda: list(self.client.models.list(config=config)), None)
        return models


@dataclass(frozen=True)
class StreamEvent:
    """One piece of a streamed reply as it arrives."""

    kind: str  # "text" | "thought"
    text: str
    elapsed_s: float
    output_tokens: int


class StreamRun:
    """A streamed call: iterate `events()` (or `text()`); afterwards `reply` holds it all.

    Retries (429/503) happen only before the first chunk. A stream that ends early — Stop,
    a cut connection, an error mid-stream — still leaves a Reply with what arrived, marked
    `interrupted`, and `error` says what happened. `snapshot()` gives that Reply at any
    moment, e.g. after Streamlit interrupted the script that was iterating.
    """

    def __init__(
        self, gemini: Gemini, request: GenerateRequest, on_retry: RetryCallback | None = None
    ) -> None:
        self._gemini = gemini
        self.request = request
        self.on_retry = on_retry  # may be set before iterating
        self._stop = False
        self._started = time.perf_counter()
        self._first_token: float | None = None
        self._attempts = 1
        self.chunks: list[types.GenerateContentResponse] = []
        self.timeline: list[tuple[float, int]] = []  # (seconds since start, output tokens)
        self.reply: Reply | None = None
        self.error: PlaygroundError | None = None

    def stop(self) -> None:
        """Ask the stream to end after the current chunk."""
        self._stop = True

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def progress(self) -> tuple[Timing, int]:
        """Live figures in constant time (no merging): timing so far and output tokens."""
        ends = (self.timeline[0], self.timeline[-1]) if self.timeline else ()
        timing = Timing(
            latency_s=self.elapsed(),
            first_token_s=self._first_token,
            chunks=len(self.chunks),
            attempts=self._attempts,
            timeline=ends,
        )
        return timing, self.timeline[-1][1] if self.timeline else 0

    def snapshot(self, interrupted: str | None = None) -> Reply:
        """What has arrived so far, as a Reply."""
        timing = Timing(
            latency_s=self.elapsed() if self.reply is None else self.reply.timing.latency_s,
            first_token_s=self._first_token,
            chunks=len(self.chunks),
            attempts=self._attempts,
            timeline=tuple(self.timeline),
        )
        return merge_chunks(self.chunks, timing, interrupted)

    def text(self) -> Iterator[str]:
        """Only the answer text, for st.write_stream."""
        for event in self.events():
            if event.kind == "text":
                yield event.text

    def _open(self) -> tuple[Iterator[types.GenerateContentResponse], Any]:
        request = self.request
        if request.chat:
            chat = self._gemini.client.chats.create(
                model=request.model,
                config=self._gemini.timed(request.config),
                history=list(request.contents[:-1]),
            )
            stream = chat.send_message_stream(list(request.contents[-1].parts or []))
        else:
            stream = self._gemini.client.models.generate_content_stream(
                model=request.model,
                contents=list(request.contents),
                config=self._gemini.timed(request.config),
            )
        iterator = iter(stream)
        return iterator, next(iterator, None)

    def events(self) -> Iterator[StreamEvent]:
        self._started = time.perf_counter()
        interrupted: str | None = None
        try:
            self._gemini._admit()
        except PlaygroundError as refused:  # a limit: nothing was sent
            self.error = refused
            self.reply = self.snapshot("error")
            self._log(self.reply, outcome="refused")
            return
        try:
            (iterator, first), self._attempts = self._gemini._call(self._open, self.on_retry)
            chunk = first
            while chunk is not None:
                self.chunks.append(chunk)
                elapsed = self.elapsed()
                usage = chunk.usage_metadata
                tokens = (usage.candidates_token_count or 0) if usage else 0
                self.timeline.append((round(elapsed, 4), tokens))
                for part in _first_candidate_parts(chunk):
                    if part.text:
                        if self._first_token is None and not part.thought:
                            self._first_token = elapsed
                        kind = "thought" if part.thought else "text"
                        yield StreamEvent(kind, part.text, elapsed, tokens)
                if self._stop:
                    interrupted = "stopped"
                    break
                chunk = next(iterator, None)
        except GeneratorExit:  # the script stopped iterating (Stop, a rerun)
            self._log(self.snapshot("stopped"), outcome="stopped")
            raise
        except Exception as exc:
            if not is_api_or_transport_error(exc):
                self._log(None, error=exc)
                raise
            self.error = self._gemini._explain(exc)
            interrupted = "error"
        reply = self.snapshot(interrupted)
        if interrupted is None and reply.finish_reason is None and not reply.blocked:
            reply = replace(reply, interrupted="cut")
            self.error = StreamInterrupted(
                "The stream ended before the model finished (no finish reason arrived).",
                "The text that arrived is kept. Press Retry to run it again.",
                kind="stream_cut",
            )
        if self.error is not None and self.chunks and not isinstance(self.error, StreamInterrupted):
            self.error.remedy = f"The text that arrived is kept. {self.error.remedy}"
        self.reply = reply
        if self.chunks:
            self._gemini._used(reply.usage.total_tokens)
        outcome = {"stopped": "stopped", "cut": "cut"}.get(reply.interrupted or "")
        self._log(reply, error=self.error, outcome=outcome)

    def _log(self, reply: Reply | None, **how: Any) -> None:
        self._gemini._log_call("stream", self.request.model, self._started, reply, **how)


def _first_candidate_parts(chunk: types.GenerateContentResponse) -> list[types.Part]:
    if not chunk.candidates:
        return []
    content = chunk.candidates[0].content
    return list(content.parts or []) if content else []


def merge_chunks(
    chunks: Sequence[types.GenerateContentResponse], timing: Timing, interrupted: str | None
) -> Reply:
    """Fold streamed chunks into one Reply, as if the whole response had come at once.

    Consecutive text parts of the same kind are joined; a part's thought signature is kept.
    """
    if not chunks:
        return Reply(timing=timing, interrupted=interrupted)
    by_candidate: dict[int, list[types.Part]] = {}
    finish: dict[int, Any] = {}
    grounding: dict[int, types.GroundingMetadata] = {}  # sent once, on a late chunk
    url_context: dict[int, types.UrlContextMetadata] = {}
    for chunk in chunks:
        for position, candidate in enumerate(chunk.candidates or []):
            index = candidate.index if candidate.index is not None else position
            parts = by_candidate.setdefault(index, [])
            for part in (candidate.content.parts or []) if candidate.content else []:
                previous = parts[-1] if parts else None
                if (
                    previous is not None
                    and part.text is not None
                    and previous.text is not None
                    and bool(part.thought) == bool(previous.thought)
                    and not part.thought_signature
                ):
                    parts[-1] = previous.model_copy(update={"text": previous.text + part.text})
                else:
                    parts.append(part)
            if candidate.finish_reason is not None:
                finish[index] = candidate
            if candidate.grounding_metadata is not None:
                grounding[index] = candidate.grounding_metadata
            if candidate.url_context_metadata is not None:
                url_context[index] = candidate.url_context_metadata
    last = chunks[-1]
    usage = next((c.usage_metadata for c in reversed(chunks) if c.usage_metadata), None)
    feedback = next((c.prompt_feedback for c in chunks if c.prompt_feedback), None)
    merged = types.GenerateContentResponse(
        candidates=[
            types.Candidate(
                index=index,
                content=types.Content(role="model", parts=parts),
                finish_reason=finish[index].finish_reason if index in finish else None,
                finish_message=finish[index].finish_message if index in finish else None,
                safety_ratings=finish[index].safety_ratings if index in finish else None,
                grounding_metadata=grounding.get(index),
                url_context_metadata=url_context.get(index),
            )
            for index, parts in sorted(by_candidate.items())
        ],
        usage_metadata=usage,
        prompt_feedback=feedback,
        model_version=last.model_version,
        response_id=last.response_id,
    )
    return replace(Reply.from_response(merged, timing), interrupted=interrupted)
