"""Resemblyzer's speaker encoder, re-implemented in numpy.

resemblyzer 0.1.4 ships a GE2E speaker encoder (``pretrained.pt``): a 40-band
*power* mel spectrogram (librosa defaults: 16 kHz, 25 ms Hann window, 10 ms
hop, Slaney mel scale and normalisation, not log-compressed) fed to a
3-layer LSTM (hidden 256), whose last hidden state goes through
Linear(256, 256) + ReLU + L2 normalisation.

The package itself imports torch (multi-GB from PyPI), so we install it with
``--no-deps`` only for the checkpoint, read the checkpoint with
:mod:`.torch_checkpoint`, and run the network here.  Numerics were checked
against librosa's mel filterbank/STFT and against onnxruntime's LSTM
operator (see ``docs/ml-speech.md``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
HIDDEN = 256
EMBED = 256
LAYERS = 3
#: resemblyzer's preprocess_wav normalises utterances to this loudness.
TARGET_DBFS = -30.0
_INT16_MAX = 2**15 - 1


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa ``htk=False``)."""
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """``librosa.filters.mel(sr, n_fft, n_mels)`` (Slaney scale and norm), shape (n_mels, 1+n_fft//2)."""
    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2: n_mels + 2] - mel_f[:n_mels])
    return (weights * enorm[:, None]).astype(np.float32)


def hann_window(n: int = N_FFT) -> np.ndarray:
    """Periodic Hann window (``scipy.signal.get_window('hann', n)``)."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)


class MelFrontEnd:
    """Streaming power-mel spectrogram identical to ``librosa.feature.melspectrogram``.

    Frame ``t`` is centred on sample ``t * HOP`` (librosa ``center=True``; the
    signal is zero-padded at the file's edges).  Feed consecutive chunks with
    :meth:`push` and call :meth:`finish` at the end; each returns the frames
    that became complete, as float32 ``(n, 40)``.  Only ``N_FFT`` samples of
    history are kept between calls.
    """

    def __init__(self) -> None:
        self._fb = mel_filterbank()
        self._win = hann_window()
        self._buf = np.zeros(N_FFT // 2, dtype=np.float32)  # centre padding
        self._next_frame = 0  # index of the next frame to emit
        self._buf_start = -(N_FFT // 2)  # sample index of _buf[0]
        self._total = 0  # samples pushed so far

    def _frames(self, buf: np.ndarray, n: int) -> np.ndarray:
        if n <= 0:
            return np.zeros((0, N_MELS), dtype=np.float32)
        idx = np.lib.stride_tricks.sliding_window_view(buf, N_FFT)[: n * HOP: HOP]
        spec = np.fft.rfft(idx * self._win, axis=1)
        power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
        return power @ self._fb.T

    def push(self, samples: np.ndarray) -> np.ndarray:
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self._total += len(samples)
        buf = np.concatenate([self._buf, samples])
        # frame t needs samples [t*HOP - N_FFT/2, t*HOP + N_FFT/2)
        first = self._next_frame * HOP - N_FFT // 2 - self._buf_start
        available = len(buf) - first
        n = 0 if available < N_FFT else (available - N_FFT) // HOP + 1
        out = self._frames(buf[first:], n)
        self._next_frame += n
        keep_from = self._next_frame * HOP - N_FFT // 2 - self._buf_start
        self._buf = buf[keep_from:].copy()
        self._buf_start += keep_from
        return out

    def finish(self) -> np.ndarray:
        """Emit the remaining frames (librosa: ``1 + n_samples // HOP`` in total)."""
        total_frames = 1 + self._total // HOP
        n = total_frames - self._next_frame
        if n <= 0:
            return np.zeros((0, N_MELS), dtype=np.float32)
        first = self._next_frame * HOP - N_FFT // 2 - self._buf_start
        need = first + (n - 1) * HOP + N_FFT
        buf = np.concatenate([self._buf, np.zeros(max(0, need - len(self._buf)), dtype=np.float32)])
        out = self._frames(buf[first:], n)
        self._next_frame += n
        return out


def wav_to_mel(wav: np.ndarray) -> np.ndarray:
    """Whole-signal convenience wrapper around :class:`MelFrontEnd`."""
    fe = MelFrontEnd()
    return np.concatenate([fe.push(wav), fe.finish()])


def default_checkpoint_path() -> Path:
    """resemblyzer's bundled ``pretrained.pt``, located without importing resemblyzer."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "resemblyzer is not installed (pip install --no-deps 'resemblyzer==0.1.4')"
        )
    for loc in spec.submodule_search_locations:
        path = Path(loc) / "pretrained.pt"
        if path.is_file():
            return path
    raise FileNotFoundError("resemblyzer is installed but pretrained.pt is missing")


@dataclass
class EncoderWeights:
    w_ih: list[np.ndarray]  # per layer (4H, in)
    w_hh: list[np.ndarray]  # per layer (4H, H)
    bias: list[np.ndarray]  # per layer b_ih + b_hh (4H,)
    lin_w: np.ndarray  # (E, H)
    lin_b: np.ndarray  # (E,)

    @classmethod
    def from_state_dict(cls, sd: dict) -> "EncoderWeights":
        f = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
        return cls(
            w_ih=[f(sd[f"lstm.weight_ih_l{i}"]) for i in range(LAYERS)],
            w_hh=[f(sd[f"lstm.weight_hh_l{i}"]) for i in range(LAYERS)],
            bias=[f(sd[f"lstm.bias_ih_l{i}"] + sd[f"lstm.bias_hh_l{i}"]) for i in range(LAYERS)],
            lin_w=f(sd["linear.weight"]),
            lin_b=f(sd["linear.bias"]),
        )

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "EncoderWeights":
        """Load from a resemblyzer ``.pt`` checkpoint or a converted ``.npz``."""
        path = Path(path) if path is not None else default_checkpoint_path()
        if path.suffix == ".npz":
            with np.load(path) as z:
                return cls.from_state_dict({k: z[k] for k in z.files})
        from .torch_checkpoint import load_checkpoint

        ckpt = load_checkpoint(str(path))
        state = ckpt["model_state"] if isinstance(ckpt, dict) and "model_state" in ckpt else ckpt
        return cls.from_state_dict(state)


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Limit BLAS threads inside the block (needs ``threadpoolctl``; else a no-op)."""
    if n is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


class SpeakerEncoder:
    """Batched numpy forward pass of resemblyzer's ``VoiceEncoder``."""

    def __init__(self, weights: EncoderWeights | None = None, checkpoint: str | None = None,
                 blas_threads: int | None = 1) -> None:
        self.weights = weights if weights is not None else EncoderWeights.load(checkpoint)
        #: BLAS threads during :meth:`embed_batched` (None: leave as configured).
        #: The per-step matmuls are small; on a busy 2-core machine a
        #: multi-threaded OpenBLAS spin-waits and ran 4-5x slower than one thread.
        self.blas_threads = blas_threads
        w = self.weights
        # PyTorch stores the gates as i, f, g, o; we use i, f, o, g so that the
        # three sigmoid gates are one contiguous block.
        order = np.concatenate([np.arange(0, 2 * HIDDEN), np.arange(3 * HIDDEN, 4 * HIDDEN),
                                np.arange(2 * HIDDEN, 3 * HIDDEN)])
        self._w_ih_t = [np.ascontiguousarray(a[order].T) for a in w.w_ih]
        self._w_hh_t = [np.ascontiguousarray(a[order].T) for a in w.w_hh]
        self._bias = [np.ascontiguousarray(a[order]) for a in w.bias]
        self._lin_w_t = np.ascontiguousarray(w.lin_w.T)

    def lstm_last_hidden(self, mels: np.ndarray) -> np.ndarray:
        """mels (B, T, 40) float32 -> last-layer hidden state at the last step (B, 256)."""
        x = np.asarray(mels, dtype=np.float32)
        b, t, _ = x.shape
        H = HIDDEN
        # time-major so that each step reads a contiguous (B, 4H) block
        seq = np.ascontiguousarray(x.transpose(1, 0, 2))
        h = np.zeros((b, H), dtype=np.float32)
        gates = np.empty((b, 4 * H), dtype=np.float32)
        tmp = np.empty((b, H), dtype=np.float32)
        for layer in range(LAYERS):
            # input projection for all time steps at once: (T, B, 4H), gates reordered i, f, o | g
            xp = seq.reshape(t * b, -1) @ self._w_ih_t[layer]
            xp += self._bias[layer]
            xp = xp.reshape(t, b, 4 * H)
            h = np.zeros((b, H), dtype=np.float32)
            c = np.zeros((b, H), dtype=np.float32)
            last = layer == LAYERS - 1
            out = None if last else np.empty((t, b, H), dtype=np.float32)
            w_hh_t = self._w_hh_t[layer]
            sig = gates[:, : 3 * H]
            i, f, o = gates[:, :H], gates[:, H: 2 * H], gates[:, 2 * H: 3 * H]
            g = gates[:, 3 * H:]
            for step in range(t):
                np.matmul(h, w_hh_t, out=gates)
                gates += xp[step]
                # sigmoid(x) = 0.5 * tanh(0.5 x) + 0.5 (no overflow warnings)
                sig *= 0.5
                np.tanh(sig, out=sig)
                sig *= 0.5
                sig += 0.5
                np.tanh(g, out=g)
                c *= f
                np.multiply(i, g, out=tmp)
                c += tmp
                np.tanh(c, out=tmp)
                h = o * tmp
                if out is not None:
                    out[step] = h
            if out is not None:
                seq = out
        return h

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """mels (B, T, 40) -> L2-normalised embeddings (B, 256), all entries >= 0."""
        h = self.lstm_last_hidden(mels)
        raw = np.maximum(h @ self._lin_w_t + self.weights.lin_b, 0.0)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norm, 1e-12)

    def embed_batched(self, mels: np.ndarray, batch_size: int = 128) -> np.ndarray:
        with blas_threads(self.blas_threads):
            out = [self.embed(mels[i: i + batch_size]) for i in range(0, len(mels), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, EMBED), dtype=np.float32)


def loudness_gain(power_mean: float) -> float:
    """Gain (on power) that brings a signal of mean-square ``power_mean`` to -30 dBFS.

    Mirrors resemblyzer's ``normalize_volume(..., increase_only=True)``:
    never attenuates.
    """
    if power_mean <= 0:
        return 1.0
    rms_db = 10 * np.log10(power_mean)  # dBFS of a float signal in [-1, 1]
    change = TARGET_DBFS - rms_db
    if change < 0:
        return 1.0
    return float(10 ** (change / 10))
