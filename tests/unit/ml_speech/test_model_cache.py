import pytest

from medisync.ml import model_cache
from medisync.ml.model_cache import ModelUnavailable, assemble_base, canonical_name, ensure_model


def fake_parts(tmp_path):
    p1 = tmp_path / "p1" / "data"
    p2 = tmp_path / "p2" / "data"
    p1.mkdir(parents=True)
    p2.mkdir(parents=True)
    (p1 / "model.bin.part1").write_bytes(b"A" * 1000)
    (p2 / "model.bin.part2").write_bytes(b"B" * 500)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (p1 / name).write_text(name)
    return p1, p2


def test_assemble_concatenates_once(tmp_path, monkeypatch):
    p1, p2 = fake_parts(tmp_path)
    monkeypatch.setattr(model_cache, "_base_sources", lambda: (p1, p2))
    cache = tmp_path / "cache"
    target = assemble_base(cache)
    assert (target / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 500
    assert (target / "config.json").read_text() == "config.json"
    mtime = (target / "model.bin").stat().st_mtime_ns
    # second call is a no-op
    assert assemble_base(cache) == target
    assert (target / "model.bin").stat().st_mtime_ns == mtime
    # a truncated model.bin is detected and rebuilt
    (target / "model.bin").write_bytes(b"A")
    assemble_base(cache)
    assert (target / "model.bin").stat().st_size == 1500
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]


def test_ensure_model_accepts_directory(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"x")
    assert ensure_model(str(tmp_path)) == tmp_path


def test_unknown_name():
    with pytest.raises(ModelUnavailable):
        canonical_name("large-v9")
    assert canonical_name("whisper-base") == "base"


def test_cli(tmp_path, monkeypatch, capsys):
    p1, p2 = fake_parts(tmp_path)
    monkeypatch.setattr(model_cache, "_base_sources", lambda: (p1, p2))
    assert model_cache.main(["--cache-dir", str(tmp_path / "c"), "base"]) == 0
    assert "whisper-base" in capsys.readouterr().out
    assert model_cache.main(["--cache-dir", str(tmp_path / "c"), "nope"]) == 1


def test_default_cache_dir_reads_env_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDISYNC_MODEL_CACHE", str(tmp_path))
    assert model_cache.default_cache_dir() == tmp_path
    monkeypatch.delenv("MEDISYNC_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert model_cache.default_cache_dir() == tmp_path / "xdg" / "medisync" / "models"
