"""Receive multipart uploads: spool into the blob store's staging area with a size cap, judge by content.

The file is staged through the ``BlobStore`` port, which takes its digests as
it is written. A refusal here discards it; once handed to its application
command, the command commits it as a blob or discards it (D31, D56).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from medisync.adapters.media_probe import NotAudioError, probe_audio, sniff_document
from medisync.application.errors import PayloadError
from medisync.application.ports import BlobStore, StagedBlob
from medisync.interface.http.errors import ApiError

MAX_FIELD_BYTES = 4096
CHUNK = 1 << 16
HEAD_BYTES = 8192  # enough to sniff a document's type


@dataclass
class Upload:
    """A multipart upload: its file staged in the blob store (digests taken as it was written,
    D56), the file's first bytes for sniffing, and the other form fields."""

    store: BlobStore
    file: StagedBlob | None = None
    head: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def staged(self) -> StagedBlob:
        assert self.file is not None, "receive() refuses an upload without a file"
        return self.file

    def discard(self) -> None:
        """For a refusal before the command: from the command on, it owns the staged file."""
        if self.file is not None:
            self.store.discard(self.file)


async def receive(request: web.Request, store: BlobStore, max_bytes: int) -> Upload:
    if request.content_type != "multipart/form-data":
        raise ApiError(415, "send multipart/form-data with the file in the field 'file'")
    upload = Upload(store)
    reader = await request.multipart()
    try:
        async for part in _parts(reader):
            if part.name == "file":
                upload.discard()  # a second 'file' part replaces the first
                upload.file, upload.head = None, b""
                upload.file = await _spool(part, upload, max_bytes)
            elif part.filename is not None:  # a file under another name: say where it goes
                raise misplaced_file(part.name)
            elif part.name:
                upload.fields[part.name] = await _small_field(part)
    except BaseException:
        upload.discard()
        raise
    if upload.file is None:
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


async def _spool(part: BodyPartReader, upload: Upload, max_bytes: int) -> StagedBlob:
    writer, size = upload.store.stage(), 0
    try:
        while chunk := await part.read_chunk(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ApiError(413, f"file larger than {max_bytes} bytes")
            if len(upload.head) < HEAD_BYTES:
                upload.head += chunk[: HEAD_BYTES - len(upload.head)]
            writer.write(chunk)
        return writer.finish()
    except BaseException:
        writer.abandon()
        raise


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
        return await asyncio.get_running_loop().run_in_executor(None, probe_audio, upload.staged.path)
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
