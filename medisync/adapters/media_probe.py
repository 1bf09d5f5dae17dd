"""Judge uploads by their content, never by their name or declared type."""

from __future__ import annotations

from dataclasses import dataclass

# Magic numbers of the document types we accept.
_DOCUMENT_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_AUDIO_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac",
                "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4", "matroska,webm": "audio/webm",
                "aac": "audio/aac"}


@dataclass(frozen=True)
class AudioInfo:
    content_type: str
    duration_s: float


class NotAudioError(Exception):
    """The bytes do not decode as audio."""


def probe_audio(path: str) -> AudioInfo:
    """Open the file with PyAV and decode its first frames to prove it is audio."""
    import av  # imported here: only the upload path needs it

    try:
        with av.open(path) as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                raise NotAudioError("no audio stream")
            for index, _frame in enumerate(container.decode(stream)):
                if index >= 3:
                    break
            duration = _duration(container, stream) or _demuxed_duration(path)
            content_type = _AUDIO_TYPES.get(container.format.name, "audio/" + container.format.name.split(",")[0])
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise NotAudioError("the file does not decode as audio") from error
    return AudioInfo(content_type, duration)


def _duration(container: object, stream: object) -> float:
    if getattr(container, "duration", None):
        return round(container.duration / 1_000_000, 3)  # type: ignore[attr-defined]
    if stream.duration and stream.time_base:  # type: ignore[attr-defined]
        return round(float(stream.duration * stream.time_base), 3)  # type: ignore[attr-defined]
    return 0.0


def _demuxed_duration(path: str) -> float:
    """The end of the last audio packet, for files whose header has no duration (a browser's
    MediaRecorder writes WebM as a stream, without one). Packets are read, not decoded."""
    import av

    end = 0.0
    with av.open(path) as container:
        stream = next(s for s in container.streams if s.type == "audio")
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return round(end, 3)


def sniff_document(head: bytes) -> str | None:
    """The content type of an accepted document, or None."""
    for magic, content_type in _DOCUMENT_MAGIC:
        if head.startswith(magic):
            return content_type
    return "text/plain" if _is_plain_text(head) else None


_TEXT_CONTROLS = {9, 10, 12, 13}


def _is_plain_text(head: bytes) -> bool:
    # Text means printable UTF-8: archives and executables carry control bytes.
    if not head or any(b < 32 and b not in _TEXT_CONTROLS for b in head) or 127 in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed block is fine.
        return error.start >= len(head) - 3
    return True
