import subprocess
import sys

from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord
from medisync.ml.diarization import DiarizationResult, Diarizer, SpeakerTurn
from medisync.ml.transcription import SpeechTranscriber


class FakeASR:
    def __init__(self, segments):
        self.segments = segments

    def transcribe(self, path):
        return AsrResult("en", 12.0, self.segments, "faster-whisper/fake", "0", 0.1)

    def load(self):
        return self


class FakeDiarizer:
    name = "fake-diarizer"

    def __init__(self, speaker_of_time):
        self.speaker_of_time = speaker_of_time
        self.calls = []

    def diarize(self, audio_path, spans=None):
        self.calls.append((audio_path, spans))
        labels = [self.speaker_of_time((s.start + s.end) / 2) for s in spans]
        turns = [SpeakerTurn(s.start, s.end, lab) for s, lab in zip(spans, labels)]
        return DiarizationResult(turns, len(set(labels)), labels)


def words(text, start, step=0.4):
    out = []
    for i, w in enumerate(text.split()):
        out.append(AsrWord(start + i * step, start + i * step + 0.3, " " + w, 0.9))
    return out


def make_segments():
    d1 = "Hello, I am Doctor Chen. How are you?"
    p1 = "Not great, my back hurts."
    d2 = "Your blood pressure is fine. I recommend ibuprofen."
    w_d1, w_p1, w_d2 = words(d1, 0.0), words(p1, 3.5), words(d2, 6.0)
    # ASR merged the patient's answer into the doctor's first segment
    seg1 = AsrSegment(0.0, 5.5, " " + d1 + " " + p1, w_d1 + w_p1)
    seg2 = AsrSegment(6.0, 9.0, " " + d2, w_d2)
    return [seg1, seg2]


def speaker_of_time(t):
    return 1 if 3.4 < t < 5.8 else 0


def build():
    diar = FakeDiarizer(speaker_of_time)
    tr = SpeechTranscriber(asr=FakeASR(make_segments()), diarizer=diar)
    return tr, diar


def test_fake_diarizer_satisfies_protocol():
    assert isinstance(FakeDiarizer(speaker_of_time), Diarizer)


def test_output_schema_and_split_at_speaker_change():
    tr, diar = build()
    out = tr.transcribe("visit.wav")
    assert set(out) == {"language", "duration_s", "model", "text", "segments"}
    assert out["language"] == "en"
    assert out["duration_s"] == 12.0
    assert out["model"] == {"name": "faster-whisper/fake", "version": "0", "diarizer": "fake-diarizer"}
    segs = out["segments"]
    assert [s["speaker"] for s in segs] == ["SPEAKER_1", "SPEAKER_2", "SPEAKER_1"]
    assert [s["role"] for s in segs] == ["clinician", "patient", "clinician"]
    assert segs[0]["text"] == "Hello, I am Doctor Chen. How are you?"
    assert segs[1]["text"] == "Not great, my back hurts."
    for s in segs:
        assert set(s) == {"start", "end", "speaker", "role", "text", "words"}
        assert s["start"] == s["words"][0]["start"]
        assert s["end"] == s["words"][-1]["end"]
        for w in s["words"]:
            assert set(w) == {"start", "end", "word", "probability"}
            assert w["word"] == w["word"].strip()
    assert out["text"].startswith("Hello, I am Doctor Chen.")
    # the diarizer received one span per word, in order
    assert len(diar.calls[0][1]) == sum(len(s["words"]) for s in segs)
    assert tr.last_info["n_speakers"] == 2
    assert set(tr.last_timings) == {"asr", "restore", "diarization", "total"}
    assert tr.last_restorations == []  # no Whisper model to decode again with: the pass is skipped


def test_no_speech():
    tr = SpeechTranscriber(asr=FakeASR([]), diarizer=FakeDiarizer(speaker_of_time))
    out = tr.transcribe("silence.wav")
    assert out["segments"] == [] and out["text"] == ""


def test_segments_without_word_timestamps():
    segs = [AsrSegment(0.0, 2.0, " Hello, I am Doctor Chen. Any pain?", []),
            AsrSegment(3.5, 5.0, " Yes, my back hurts.", [])]
    tr = SpeechTranscriber(asr=FakeASR(segs), diarizer=FakeDiarizer(speaker_of_time))
    out = tr.transcribe("x.wav")
    assert [(s["speaker"], s["role"], s["words"]) for s in out["segments"]] == [
        ("SPEAKER_1", "clinician", []), ("SPEAKER_2", "patient", [])]


def test_import_is_light_and_side_effect_free():
    code = (
        "import sys, os\n"
        "before = set(os.listdir('.'))\n"
        "import medisync.ml.transcription, medisync.ml.diarization, medisync.ml.model_cache, medisync.ml.asr\n"
        "heavy = [m for m in ('faster_whisper', 'ctranslate2', 'av', 'onnxruntime', 'torch', 'resemblyzer',"
        " 'medisync.interface') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "t = medisync.ml.transcription.SpeechTranscriber()\n"
        "assert t.asr._model is None and t._diarizer is None\n"
        "assert 'faster_whisper' not in sys.modules\n"
        "assert set(os.listdir('.')) == before\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_dependencies_reports_without_loading(tmp_path):
    from medisync.ml.transcription import missing_dependencies

    assert "unknown model 'nope'" in missing_dependencies("nope")
    (tmp_path / "model.bin").write_bytes(b"x")
    assert all("model" not in m for m in missing_dependencies(str(tmp_path)))


class MergingDiarizer(FakeDiarizer):
    """Finds one speaker, and offers ``speaker_of_time`` as the two-speaker reading (D68)."""

    def diarize(self, audio_path, spans=None):
        two = super().diarize(audio_path, spans)
        one = DiarizationResult([SpeakerTurn(spans[0].start, spans[-1].end, 0)], 1, [0] * len(spans))
        one.alternative = two
        return one


def visit(doctor, patient):
    w_d, w_p = words(doctor, 0.0), words(patient, 3.5)
    return [AsrSegment(0.0, 3.2, " " + doctor, w_d), AsrSegment(3.5, 6.0, " " + patient, w_p)]


def test_one_speaker_becomes_two_when_the_halves_take_both_sides_of_a_visit():
    doctor = "I am Doctor Chen. How long have you had it? I recommend ibuprofen."
    patient = "Thank you, doctor. My back hurts and I have been tired."
    out = SpeechTranscriber(asr=FakeASR(visit(doctor, patient)),
                            diarizer=MergingDiarizer(lambda t: 1 if t > 3.4 else 0)).transcribe("x.wav")
    assert {s["speaker"]: s["role"] for s in out["segments"]} == {"SPEAKER_1": "clinician", "SPEAKER_2": "patient"}


def test_one_speaker_stays_one_when_both_halves_sound_like_the_clinician():
    first = "I am Doctor Chen. How long have you had it? I recommend ibuprofen."
    second = "Your blood pressure is fine. Come back in two weeks."
    out = SpeechTranscriber(asr=FakeASR(visit(first, second)),
                            diarizer=MergingDiarizer(lambda t: 1 if t > 3.4 else 0)).transcribe("x.wav")
    assert {s["speaker"] for s in out["segments"]} == {"SPEAKER_1"}


class SplittingDiarizer(FakeDiarizer):
    """Finds two speakers (the first two ASR segments' and the third's) and offers, as a split
    reading (D90), the first two segments as speakers 0 and 1."""

    def __init__(self):
        super().__init__(lambda t: 0)

    def diarize(self, audio_path, spans=None):
        turns = [SpeakerTurn(spans[0].start, spans[-1].end, 0)]
        base = DiarizationResult(turns, 2, [0 if s.group < 2 else 1 for s in spans])
        split = DiarizationResult(turns, 3, [s.group for s in spans], split_pair=(0, 1))
        base.splits = [split]
        return base


def speakers_of_three_part_visit(first, second):
    """Speakers of a visit whose first two ASR segments are one cluster (split reading offered) and
    whose third is a nurse's."""
    segments = [*visit(first, second), AsrSegment(6.5, 9.0, " Hello there.", words("Hello there.", 6.5))]
    out = SpeechTranscriber(asr=FakeASR(segments), diarizer=SplittingDiarizer()).transcribe("x.wav")
    return [s["speaker"] for s in out["segments"]]


def test_a_cluster_is_split_only_when_its_halves_take_both_sides():
    doctor = "I am Doctor Chen. How long have you had it? Do you take anything for it?"
    patient = "Thank you, doctor. My back hurts and I have been tired, I think."
    assert speakers_of_three_part_visit(doctor, patient) == ["SPEAKER_1", "SPEAKER_2", "SPEAKER_3"]
    # both halves sound like the clinician: the cluster stays whole
    second = "Your blood pressure is fine. Come back in two weeks."
    assert speakers_of_three_part_visit(doctor, second) == ["SPEAKER_1", "SPEAKER_1", "SPEAKER_2"]
