"""Files sent through the Files API by one uploader: reused while they live, released when
their attachment is removed.

Keyed by the content digest of the attachment and the connection it was uploaded with (a
file belongs to the key that uploaded it), so the same bytes attached again — or on every
rerun — are not uploaded again, and a file the server no longer has (expired after 48 h,
or deleted) is forgotten and uploaded afresh.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

#: A file this close to its expiry is treated as gone (it may expire mid-request).
EXPIRY_MARGIN_S = 300.0


@dataclass(frozen=True)
class RemoteFile:
    """One uploaded file as the Files API named it."""

    name: str  # files/<id>
    uri: str
    mime_type: str
    owner: str  # the connection it belongs to (its cache id)
    expires_at: float | None = None  # seconds since the epoch
    active: bool = False  # processing finished (state ACTIVE)

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at - EXPIRY_MARGIN_S


class UploadedFiles:
    """The Files API uploads of one uploader, by (connection, content digest)."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], RemoteFile] = {}

    def get(self, owner: str, digest: str, now: float | None = None) -> RemoteFile | None:
        """The live upload of these bytes on this connection, or None (an expired one is
        forgotten)."""
        key = (owner, digest)
        known = self._files.get(key)
        if known is not None and known.expired(time.time() if now is None else now):
            del self._files[key]
            return None
        return known

    def put(self, digest: str, remote: RemoteFile) -> None:
        self._files[(remote.owner, digest)] = remote

    def forget(self, owner: str, digest: str) -> None:
        self._files.pop((owner, digest), None)

    def release(self, owner: str, attached: Iterable[str]) -> list[RemoteFile]:
        """Forget this connection's uploads whose digest is no longer attached; return
        them, to delete at the server."""
        keep = set(attached)
        gone = [key for key in self._files if key[0] == owner and key[1] not in keep]
        return [self._files.pop(key) for key in gone]

    def __len__(self) -> int:
        return len(self._files)
