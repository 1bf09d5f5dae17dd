import pytest

from medisync.ml.diarization.metrics import diarization_error, read_rttm

REF = [(0.0, 10.0, "A"), (10.5, 20.0, "B"), (21.0, 30.0, "A")]


def test_perfect_with_other_labels():
    hyp = [(0.0, 10.0, 7), (10.5, 20.0, 3), (21.0, 30.0, 7)]
    r = diarization_error(REF, hyp)
    assert r.der == pytest.approx(0.0)
    assert r.mapping == {"A": 7, "B": 3}


def test_confusion_counts_only_outside_collar():
    # second turn wrongly attributed to speaker A's label
    hyp = [(0.0, 10.0, "x"), (10.5, 20.0, "x"), (21.0, 30.0, "x")]
    r = diarization_error(REF, hyp, collar=0.0)
    assert r.confusion == pytest.approx(9.5, abs=0.02)
    assert r.der == pytest.approx(9.5 / 28.5, abs=1e-3)
    r = diarization_error(REF, hyp, collar=0.25)
    # each of the 6 boundaries borders speech on one side only: 0.25 s of speech unscored each
    assert r.total == pytest.approx(28.5 - 6 * 0.25, abs=0.03)
    assert r.confusion == pytest.approx(9.0, abs=0.02)


def test_missed_and_false_alarm():
    hyp = [(0.0, 5.0, "a"), (10.5, 25.0, "b")]
    r = diarization_error(REF, hyp, collar=0.0)
    assert r.missed == pytest.approx(5.0 + 5.0, abs=0.02)  # 5-10 and 25-30
    assert r.false_alarm == pytest.approx(1.0, abs=0.02)  # 20-21
    # 21-25 is A's speech labelled "b" (which is mapped to B)
    assert r.confusion == pytest.approx(4.0, abs=0.02)


def test_boundary_jitter_inside_collar_is_free():
    hyp = [(0.1, 10.2, "a"), (10.4, 19.8, "b"), (21.2, 30.0, "a")]
    assert diarization_error(REF, hyp, collar=0.25).der == pytest.approx(0.0, abs=1e-6)
    assert diarization_error(REF, hyp, collar=0.0).der > 0


def test_overlapping_reference_speech():
    ref = [(0.0, 10.0, "A"), (5.0, 10.0, "B")]
    hyp = [(0.0, 10.0, "a")]
    r = diarization_error(ref, hyp, collar=0.0)
    assert r.total == pytest.approx(15.0, abs=0.02)
    assert r.missed == pytest.approx(5.0, abs=0.02)


def test_read_rttm(tmp_path):
    p = tmp_path / "x.rttm"
    p.write_text(
        "SPEAKER f 1 0.500 7.045 <NA> <NA> A <NA> <NA>\n"
        "SPEAKER f 1 8.365 3.932 <NA> <NA> B <NA> <NA>\n"
    )
    assert read_rttm(str(p)) == [(0.5, pytest.approx(7.545), "A"), (8.365, pytest.approx(12.297), "B")]
