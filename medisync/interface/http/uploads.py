"""Receive multipart uploads: spool to disk with a size cap, judge by content.

The file is spooled next to the blob store, checked, then adopted by the
store by rename; nothing is recorded for a file that was refused or could
not be stored.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from aiohttp import BodyPartReader, web

from medisync.adapters.blobs import BlobStorageError
from medisync.adapters.media_probe import NotAudioError, probe_audio, sniff_document
from medisync.application.errors import PayloadError
from medisync.interface.http.errors import ApiError

MAX_FIELD_BYTES = 4096
CHUNK = 1 << 16


@dataclass
class Upload:
    path: str | None = None
    size: int = 0
    head: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)


async def receive(request: web.Request, staging_dir: str, max_bytes: int) -> Upload:
    if request.content_type != "multipart/form-data":
        raise ApiError(415, "send multipart/form-data with the file in the field 'file'")
    upload = Upload()
    reader = await request.multipart()
    try:
        async for part in _parts(reader):
            if part.name == "file":
                await _spool(part, upload, staging_dir, max_bytes)
            elif part.filename is not None:  # a file under another name: say where it goes
                raise misplaced_file(part.name)
            elif part.name:
                upload.fields[part.name] = await _small_field(part)
    except BaseException:
        upload.discard()
        raise
    if upload.path is None:
        raise ApiError(400, "the field 'file' is required", code="validation_error",
                       details={"fields": {"file": ["Missing data for required field."]}})
    return upload


def misplaced_file(name: str | None) -> ApiError:
    where = f"the field '{name}'" if name else "a part without a name"
    return ApiError(400, f"send the file in the form field 'file' (it came in {where}), e.g. "
                    "curl -F file=@visit.wav", code="validation_error",
                    details={"fields": {"file": [f"Missing: the file was sent in {where}, not in 'file'."]}})


async def _parts(reader: Any) -> Any:
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader):
            yield part


async def _spool(part: BodyPartReader, upload: Upload, staging_dir: str, max_bytes: int) -> None:
    with _storage_errors():
        handle = tempfile.NamedTemporaryFile(dir=staging_dir, delete=False)
    upload.path = handle.name
    try:
        while chunk := await part.read_chunk(CHUNK):
            upload.size += len(chunk)
            if upload.size > max_bytes:
                raise ApiError(413, f"file larger than {max_bytes} bytes")
            if len(upload.head) < 8192:
                upload.head += chunk[: 8192 - len(upload.head)]
            with _storage_errors():
                handle.write(chunk)
    finally:
        with _storage_errors():
            handle.close()  # flushes: a full disk may only show here


@contextmanager
def _storage_errors() -> Iterator[None]:
    """A file we cannot write (disk full, too large, unwritable) is the store's failure: 507."""
    try:
        yield
    except OSError as error:
        raise BlobStorageError("blob storage is unavailable") from error


async def _small_field(part: BodyPartReader) -> str:
    value = await part.read(decode=True)
    if len(value) > MAX_FIELD_BYTES:
        raise ApiError(413, f"form field '{part.name}' is longer than {MAX_FIELD_BYTES} bytes; only "
                       "the field 'file' may hold a file")
    try:
        return value.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ApiError(400, f"form field '{part.name}' is not UTF-8 text", code="validation_error",
                       details={"fields": {part.name: ["Not valid UTF-8."]}}) from None


async def check_audio(upload: Upload) -> Any:
    try:
        return await asyncio.get_running_loop().run_in_executor(None, probe_audio, upload.path)
    except NotAudioError:
        upload.discard()
        raise PayloadError("the file is not decodable audio") from None


def check_document(upload: Upload) -> str:
    content_type = sniff_document(upload.head)
    if content_type is None:
        upload.discard()
        raise ApiError(415, "documents must be PDF, PNG, JPEG or plain text")
    return content_type


def load_form(upload: Upload, schema: Any) -> dict[str, Any]:
    """Validate the upload's other form fields; a refusal discards the file."""
    try:
        return schema.load(upload.fields)
    except Exception:
        upload.discard()
        raise
