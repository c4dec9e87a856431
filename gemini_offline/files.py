"""The Files API: resumable uploads, get / list / delete, expiry, and ``fileData`` lookups.

Uploads follow the protocol the SDKs speak (``POST /upload/v1beta/files`` with
``X-Goog-Upload-Protocol: resumable`` and ``X-Goog-Upload-Command: start``, then
``upload, finalize`` with the bytes at the ``X-Goog-Upload-URL`` returned). Files belong to
the caller that uploaded them (the SHA-256 of its credential, see :mod:`.callers`) and
expire after 48 hours. Documents, audio and video start PROCESSING: the first ``get``
still says PROCESSING, later ones (or any after :data:`PROCESSING_S`) say ACTIVE; a file
must be ACTIVE before a request may use it. Images and text are ACTIVE at once.

Memory stays bounded: one store for the whole server caps the total bytes and the number
of files (the oldest uploads are evicted first), and pending upload sessions are capped too.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import ApiError, invalid_argument, not_found

#: How long an uploaded file lives (the real API keeps files 48 hours).
EXPIRY_S = 48 * 3600
#: After this long a PROCESSING file is ACTIVE even if nobody asked.
PROCESSING_S = 2.0
#: Default caps of the whole store (every caller together).
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_FILES = 1000
#: Upload sessions started but not finished that are remembered (oldest forgotten).
MAX_PENDING = 256
#: Page size of ``files.list`` when none is asked for, and the largest allowed.
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

#: ``files/<id>`` at the end of a ``fileUri`` (or a bare resource name).
_FILE_URI_RE = re.compile(r"(?:^|/)files/([a-z0-9][a-z0-9-]{0,39})/?$")


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def processes(mime_type: str) -> bool:
    """True for the kinds the real API processes before use: video, audio, PDF."""
    mime = mime_type.lower()
    return mime.startswith(("video/", "audio/")) or mime == "application/pdf"


@dataclass
class StoredFile:
    """One uploaded file."""

    owner: str
    file_id: str
    display_name: str | None
    mime_type: str
    data: bytes
    created: float
    #: How many ``files.get`` calls saw it (the first one still says PROCESSING).
    gets: int = 0
    processing: bool = False

    @property
    def name(self) -> str:
        return f"files/{self.file_id}"

    @property
    def expires(self) -> float:
        return self.created + EXPIRY_S

    def state(self, now: float, processing_s: float = PROCESSING_S) -> str:
        if self.processing and (self.gets >= 2 or now - self.created >= processing_s):
            self.processing = False
        return "PROCESSING" if self.processing else "ACTIVE"

    def to_wire(
        self, base_url: str, now: float, processing_s: float = PROCESSING_S
    ) -> dict[str, Any]:
        digest = hashlib.sha256(self.data).hexdigest()
        body: dict[str, Any] = {"name": self.name}
        if self.display_name:
            body["displayName"] = self.display_name
        body.update(
            {
                "mimeType": self.mime_type,
                "sizeBytes": str(len(self.data)),
                "createTime": _rfc3339(self.created),
                "updateTime": _rfc3339(self.created),
                "expirationTime": _rfc3339(self.expires),
                "sha256Hash": base64.b64encode(digest.encode()).decode(),
                "uri": f"{base_url}/v1beta/{self.name}",
                "state": self.state(now, processing_s),
                "source": "UPLOADED",
            }
        )
        return body


@dataclass
class _Pending:
    owner: str
    file_id: str
    display_name: str | None
    mime_type: str
    size: int
    chunks: list[bytes] = field(default_factory=list)
    received: int = 0


def file_not_found(name: str) -> ApiError:
    """The 404 for a file that does not exist (or belongs to someone else, or expired)."""
    return not_found(f"File {name} not found.")


class FileStore:
    """Thread-safe, bounded store of every caller's files."""

    def __init__(
        self,
        max_total_bytes: int = MAX_TOTAL_BYTES,
        max_files: int = MAX_FILES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_total_bytes = max_total_bytes
        self.max_files = max_files
        #: Seconds since the epoch; tests replace it to travel in time.
        self.clock = clock
        #: Seconds after which a PROCESSING file is ACTIVE without a second ``get``.
        self.processing_s = PROCESSING_S
        self._lock = threading.Lock()
        self._files: OrderedDict[tuple[str, str], StoredFile] = OrderedDict()
        self._pending: OrderedDict[str, _Pending] = OrderedDict()
        self._bytes = 0
        #: Bytes held by unfinished uploads (capped by ``max_total_bytes`` as well).
        self._pending_bytes = 0

    # -- upload -----------------------------------------------------------------------
    def start_upload(self, owner: str, size: int, mime_type: str, meta: dict[str, Any]) -> str:
        """Open an upload session; returns its id for the upload URL."""
        if size > self.max_total_bytes:
            raise invalid_argument(
                f"File size {size} bytes exceeds the {self.max_total_bytes} bytes this "
                "offline server keeps."
            )
        wanted = str(meta.get("name") or "").removeprefix("files/")
        if wanted and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", wanted):
            raise invalid_argument(
                f"Invalid file name: {wanted!r}. Names may contain only lowercase "
                "alphanumeric characters or dashes (-) and cannot begin or end with a dash."
            )
        mime = str(meta.get("mimeType") or mime_type or "application/octet-stream")
        file_id = wanted or secrets.token_hex(6)
        with self._lock:
            self._expire_locked()
            if wanted and (owner, wanted) in self._files:
                raise ApiError(409, f"File files/{wanted} already exists.", "ALREADY_EXISTS")
            upload_id = secrets.token_urlsafe(24)
            display = meta.get("displayName")
            self._pending[upload_id] = _Pending(
                owner, file_id, str(display) if display else None, mime, size
            )
            while len(self._pending) > MAX_PENDING:
                self._pending_bytes -= self._pending.popitem(last=False)[1].received
        return upload_id

    def upload_chunk(
        self, upload_id: str, offset: int, data: bytes, finalize: bool
    ) -> StoredFile | None:
        """Add a chunk to a session (its unguessable id is the credential, as on the real
        upload URL); on ``finalize`` store and return the file."""
        with self._lock:
            pending = self._pending.get(upload_id)
            if pending is None:
                raise not_found("Upload session not found or expired.")
            if offset != pending.received:
                raise invalid_argument(
                    f"Invalid X-Goog-Upload-Offset {offset}: expected {pending.received}."
                )
            pending.chunks.append(data)
            pending.received += len(data)
            self._pending_bytes += len(data)
            if pending.received > pending.size:
                self._drop_pending_locked(upload_id)
                raise invalid_argument(
                    f"Received {pending.received} bytes, more than the declared "
                    f"X-Goog-Upload-Header-Content-Length {pending.size}."
                )
            if not finalize:
                # Unfinished uploads may not hoard memory: the oldest others give way.
                while self._pending_bytes > self.max_total_bytes:
                    oldest = next(iter(self._pending))
                    if oldest == upload_id:
                        break
                    self._drop_pending_locked(oldest)
                return None
            self._drop_pending_locked(upload_id)
            stored = StoredFile(
                owner=pending.owner,
                file_id=pending.file_id,
                display_name=pending.display_name,
                mime_type=pending.mime_type,
                data=b"".join(pending.chunks),
                created=self.clock(),
                processing=processes(pending.mime_type),
            )
            key = (pending.owner, stored.file_id)
            old = self._files.pop(key, None)
            if old is not None:
                self._bytes -= len(old.data)
            self._files[key] = stored
            self._bytes += len(stored.data)
            self._evict_locked()
            return stored

    # -- get / list / delete ----------------------------------------------------------
    def get(self, owner: str, name: str, *, count_get: bool = False) -> StoredFile:
        """The caller's file ``files/<id>`` (404 if unknown or expired)."""
        file_id = name.removeprefix("files/")
        with self._lock:
            self._expire_locked()
            stored = self._files.get((owner, file_id))
            if stored is None:
                raise file_not_found(f"files/{file_id}")
            if count_get:
                stored.gets += 1
            return stored

    def list(
        self, owner: str, page_size: str | None, page_token: str | None
    ) -> tuple[list[StoredFile], str | None]:
        """One page of the caller's files, newest first, and the next page's token."""
        try:
            size = int(page_size) if page_size else DEFAULT_PAGE_SIZE
        except ValueError:
            raise invalid_argument(f"Invalid page_size: {page_size!r}") from None
        size = max(1, min(size if size > 0 else DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
        try:
            start = int(base64.urlsafe_b64decode(page_token).decode()) if page_token else 0
        except ValueError:
            raise invalid_argument("Invalid page_token.") from None
        with self._lock:
            self._expire_locked()
            mine = [f for (who, _), f in reversed(self._files.items()) if who == owner]
        page = mine[start : start + size]
        more = start + size < len(mine)
        token = base64.urlsafe_b64encode(str(start + size).encode()).decode() if more else None
        return page, token

    def wire(self, stored: StoredFile, base_url: str) -> dict[str, Any]:
        """The File resource as the API returns it."""
        with self._lock:
            return stored.to_wire(base_url, self.clock(), self.processing_s)

    def delete(self, owner: str, name: str) -> None:
        file_id = name.removeprefix("files/")
        with self._lock:
            stored = self._files.pop((owner, file_id), None)
            if stored is None:
                raise file_not_found(f"files/{file_id}")
            self._bytes -= len(stored.data)

    def resolve_uri(self, owner: str, uri: str) -> StoredFile | None:
        """The caller's file a ``fileUri`` names; None when it is not a Files API URI.

        Raises the real API's 403 for an unknown file and its 400 for one still PROCESSING.
        """
        match = _FILE_URI_RE.search(uri.split("?", 1)[0])
        if match is None:
            return None
        file_id = match.group(1)
        with self._lock:
            self._expire_locked()
            stored = self._files.get((owner, file_id))
            if stored is None:
                raise ApiError(
                    403,
                    f"You do not have permission to access the File {file_id} or it may not exist.",
                    "PERMISSION_DENIED",
                )
            if stored.state(self.clock(), self.processing_s) != "ACTIVE":
                raise ApiError(
                    400,
                    f"The File {file_id} is not in an ACTIVE state and usage is not allowed.",
                    "FAILED_PRECONDITION",
                )
            return stored

    # -- bookkeeping ------------------------------------------------------------------
    @property
    def total_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)

    def _drop_pending_locked(self, upload_id: str) -> None:
        dropped = self._pending.pop(upload_id, None)
        if dropped is not None:
            self._pending_bytes -= dropped.received

    def _expire_locked(self) -> None:
        now = self.clock()
        for key in [k for k, f in self._files.items() if f.expires <= now]:
            self._bytes -= len(self._files.pop(key).data)

    def _evict_locked(self) -> None:
        while self._files and (
            self._bytes > self.max_total_bytes or len(self._files) > self.max_files
        ):
            _, oldest = self._files.popitem(last=False)
            self._bytes -= len(oldest.data)
