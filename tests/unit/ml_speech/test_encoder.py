import pickle
import struct
import sys
import types

import numpy as np
import pytest

from medisync.ml.diarization import encoder as enc_mod
from medisync.ml.diarization.encoder import (
    EMBED,
    HIDDEN,
    N_MELS,
    EncoderWeights,
    MelFrontEnd,
    SpeakerEncoder,
    hann_window,
    loudness_gain,
    mel_filterbank,
    wav_to_mel,
)
from medisync.ml.diarization.torch_checkpoint import load_checkpoint


def random_weights(seed=0, scale=0.1):
    rng = np.random.default_rng(seed)
    sd = {}
    for layer in range(3):
        n_in = N_MELS if layer == 0 else HIDDEN
        sd[f"lstm.weight_ih_l{layer}"] = rng.normal(0, scale, (4 * HIDDEN, n_in)).astype(np.float32)
        sd[f"lstm.weight_hh_l{layer}"] = rng.normal(0, scale, (4 * HIDDEN, HIDDEN)).astype(np.float32)
        sd[f"lstm.bias_ih_l{layer}"] = rng.normal(0, scale, 4 * HIDDEN).astype(np.float32)
        sd[f"lstm.bias_hh_l{layer}"] = rng.normal(0, scale, 4 * HIDDEN).astype(np.float32)
    sd["linear.weight"] = rng.normal(0, scale, (EMBED, HIDDEN)).astype(np.float32)
    sd["linear.bias"] = np.abs(rng.normal(0, scale, EMBED)).astype(np.float32)
    return sd


def reference_lstm_cell(sd, x):
    """Straightforward single-sequence LSTM (PyTorch gate order i, f, g, o)."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    seq = x.astype(np.float64)
    for layer in range(3):
        w_ih, w_hh = sd[f"lstm.weight_ih_l{layer}"], sd[f"lstm.weight_hh_l{layer}"]
        b = sd[f"lstm.bias_ih_l{layer}"] + sd[f"lstm.bias_hh_l{layer}"]
        h = np.zeros(HIDDEN)
        c = np.zeros(HIDDEN)
        outs = []
        for xt in seq:
            gates = w_ih @ xt + w_hh @ h + b
            i, f, g, o = np.split(gates, 4)
            c = sig(f) * c + sig(i) * np.tanh(g)
            h = sig(o) * np.tanh(c)
            outs.append(h)
        seq = np.array(outs)
    raw = np.maximum(sd["linear.weight"] @ h + sd["linear.bias"], 0)
    return raw / np.linalg.norm(raw)


def test_lstm_shapes_and_normalisation():
    sd = random_weights()
    enc = SpeakerEncoder(EncoderWeights.from_state_dict(sd))
    mels = np.random.default_rng(1).random((5, 37, N_MELS)).astype(np.float32)
    e = enc.embed(mels)
    assert e.shape == (5, EMBED)
    assert e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert (e >= 0).all()


def test_lstm_matches_reference_implementation():
    sd = random_weights(seed=3, scale=0.2)
    enc = SpeakerEncoder(EncoderWeights.from_state_dict(sd))
    mels = np.random.default_rng(2).random((3, 20, N_MELS)).astype(np.float32)
    e = enc.embed(mels)
    for k in range(3):
        np.testing.assert_allclose(e[k], reference_lstm_cell(sd, mels[k]), atol=2e-5)


def test_batched_equals_single_and_handles_empty():
    enc = SpeakerEncoder(EncoderWeights.from_state_dict(random_weights()))
    mels = np.random.default_rng(4).random((7, 15, N_MELS)).astype(np.float32)
    np.testing.assert_allclose(enc.embed_batched(mels, batch_size=3), enc.embed(mels), atol=1e-6)
    assert enc.embed_batched(mels[:0]).shape == (0, EMBED)


def test_mel_filterbank_properties():
    fb = mel_filterbank()
    assert fb.shape == (40, 201)
    assert (fb >= 0).all()
    # triangular filters with increasing centre frequency
    centres = fb.argmax(axis=1)
    assert (np.diff(centres) >= 0).all()
    # Slaney normalisation: every filter has (approximately) the same area in Hz
    hz_per_bin = 8000 / 200
    areas = fb.sum(axis=1) * hz_per_bin
    assert areas[5:].std() / areas[5:].mean() < 0.1


def test_mel_spectrogram_frames_and_peak():
    sr = 16000
    t = np.arange(sr) / sr
    wav = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    mel = wav_to_mel(wav)
    assert mel.shape == (1 + len(wav) // 160, 40)  # librosa center=True frame count
    fb = mel_filterbank()
    expected_band = int(np.argmax(fb[:, 1000 * 400 // sr]))
    assert int(np.argmax(mel[50])) == expected_band
    # hann window sanity
    w = hann_window()
    assert w[0] == 0 and abs(w[200] - 1) < 1e-6


@pytest.mark.parametrize("chunk", [1, 159, 160, 401, 4000])
def test_streaming_mel_equals_whole(chunk):
    wav = np.random.default_rng(0).normal(0, 0.1, 16000 + 77).astype(np.float32)
    whole = wav_to_mel(wav)
    fe = MelFrontEnd()
    parts = [fe.push(wav[i: i + chunk]) for i in range(0, len(wav), chunk)]
    parts.append(fe.finish())
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=1e-4, atol=1e-5)


def test_loudness_gain_only_increases():
    assert loudness_gain(0.0) == 1.0
    assert loudness_gain(1.0) == 1.0  # 0 dBFS: would need attenuation -> unchanged
    quiet = 10 ** (-50 / 10)
    assert loudness_gain(quiet) == pytest.approx(100.0)  # +20 dB in power


# --- checkpoint loader ---------------------------------------------------------

def _fake_torch(monkeypatch):
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):  # pragma: no cover - never called, only pickled by name
        raise AssertionError

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2

    class FloatStorage:
        pass

    FloatStorage.__module__ = "torch"
    FloatStorage.__qualname__ = "FloatStorage"
    torch.FloatStorage = FloatStorage
    torch._utils = utils
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch, utils


class _StorageRef:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class _TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        fn = sys.modules["torch._utils"]._rebuild_tensor_v2
        return fn, (self.storage, self.offset, self.size, self.stride, False, {})


def write_legacy_checkpoint(path, tensors, monkeypatch):
    """Write ``{name: float32 array}`` in PyTorch's legacy (pre-1.6) format."""
    torch, _ = _fake_torch(monkeypatch)
    import collections

    storages = []
    state = collections.OrderedDict()
    for name, arr in tensors.items():
        st = _StorageRef(str(len(storages)), arr.size)
        storages.append((st, np.ascontiguousarray(arr, dtype=np.float32)))
        stride = tuple(s // 4 for s in np.ascontiguousarray(arr).strides) if arr.ndim else ()
        state[name] = _TensorRef(st, 0, arr.shape, stride)

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _StorageRef):
                return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel, None)
            return None

    with open(path, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True}, f, protocol=2)
        P(f, protocol=2).dump({"model_state": state, "step": 3})
        pickle.dump([st.key for st, _ in storages], f, protocol=2)
        for _, arr in storages:
            f.write(struct.pack("<q", arr.size))
            f.write(arr.astype("<f4").tobytes())


def test_legacy_checkpoint_roundtrip(tmp_path, monkeypatch):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.array([1.5, -2.0], dtype=np.float32)
    path = tmp_path / "ck.pt"
    write_legacy_checkpoint(path, {"a": a, "b": b}, monkeypatch)
    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.delitem(sys.modules, "torch._utils")
    ck = load_checkpoint(str(path))
    assert ck["step"] == 3
    np.testing.assert_array_equal(ck["model_state"]["a"], a)
    np.testing.assert_array_equal(ck["model_state"]["b"], b)


def test_checkpoint_refuses_arbitrary_globals(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({}, f, protocol=2)
        pickle.dump(print, f, protocol=2)  # builtins.print
        pickle.dump([], f, protocol=2)
    with pytest.raises(pickle.UnpicklingError):
        load_checkpoint(str(path))


def _bundled_checkpoint():
    try:
        return enc_mod.default_checkpoint_path()
    except FileNotFoundError:
        pytest.skip("resemblyzer (checkpoint only) not installed")


def test_bundled_resemblyzer_checkpoint_loads():
    w = EncoderWeights.load(_bundled_checkpoint())
    assert w.w_ih[0].shape == (4 * HIDDEN, N_MELS)
    assert w.w_hh[2].shape == (4 * HIDDEN, HIDDEN)
    assert w.lin_w.shape == (EMBED, HIDDEN)


def test_bundled_encoder_separates_voices():
    """Property check of the real encoder: same voice -> similar, other voice -> less."""
    _bundled_checkpoint()
    enc = SpeakerEncoder()
    sr = 16000
    rng = np.random.default_rng(0)

    def voice(f0, formants, seconds=1.6):
        t = np.arange(int(sr * seconds)) / sr
        f = f0 * (1 + 0.05 * np.sin(2 * np.pi * 3 * t + rng.uniform(0, 6)))
        phase = 2 * np.pi * np.cumsum(f) / sr
        sig = sum(np.sin(k * phase) / k * sum(np.exp(-((k * f0 - fm) ** 2) / (2 * 150**2)) for fm in formants)
                  for k in range(1, 40))
        sig = sig + rng.normal(0, 0.01, len(t))
        return (0.1 * sig / np.abs(sig).max()).astype(np.float32)

    a1, a2 = voice(110, (700, 1200)), voice(110, (700, 1200))
    b = voice(230, (400, 2300))
    ea, ea2, eb = enc.embed(np.stack([wav_to_mel(x)[:150] for x in (a1, a2, b)]))
    assert ea @ ea2 > ea @ eb
