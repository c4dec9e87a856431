"""gemini_offline: a local, Gemini-API-compatible HTTP server for demos and tests.

It speaks the REST wire format of ``generativelanguage.googleapis.com`` (v1 and v1beta):
``models.list``/``get``, ``generateContent``, ``streamGenerateContent?alt=sse`` and
``countTokens``, with deterministic, plainly simulated replies and fault directives such
as ``[[fault:429]]``. Image models asked for IMAGE output draw PNGs with Pillow and edit
the latest image of the conversation (:mod:`.images`, :mod:`.image_replies`); Imagen
answers on the Enterprise ``…/publishers/google/models/{m}:predict`` paths
(:mod:`.imagen`). Tools answer in the real wire shapes (:mod:`.tools`: function calls,
Google Search grounding, code execution, URL context). The Files API (:mod:`.files`)
takes resumable uploads, serves get / list / delete per caller, and lets ``fileData`` parts
use the files; documents, audio, video and text are acknowledged and charged in tokens
(:mod:`.media`). Streams are paced like a real model by default
(``GEMINI_OFFLINE_CHUNK_DELAY_MS``, 80 ms per 3 words). Point the google-genai SDK at it
with ``HttpOptions(base_url=srv.url)`` or ``GOOGLE_GEMINI_BASE_URL``.
"""

from .recording import RecordedRequest, RequestLog
from .server import OfflineServer, shared_server, start_server
from .text import SIMULATED_LINE, SIMULATED_MARK

__all__ = [
    "SIMULATED_LINE",
    "SIMULATED_MARK",
    "OfflineServer",
    "RecordedRequest",
    "RequestLog",
    "shared_server",
    "start_server",
]
