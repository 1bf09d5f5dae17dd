"""Run every benchmark, print one table, write ``bench/results/latest.json``.

    make bench                       # ~10-15 min on 2 cores
    BENCH_QUICK=1 make bench         # ~3 min: fewer runs, shorter windows, smaller histories
    BENCH_ONLY=write,read python -m bench.run_all   # a subset (write, read, fhir, lag, stream, rebuild, scale, ml)

Needs MEDISYNC_DATABASE_URL (the Postgres server; every benchmark creates its
own fresh database on it) and, for the stream rows, MEDISYNC_KAFKA_BOOTSTRAP.
All load goes to 127.0.0.1. See docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from bench.common import (BUDGET, QUICK, ROOT, Row, drop_database, fresh_database, log, setup_clinic,
                          start_api, work_dir)

RESULTS = ROOT / "bench" / "results"
PATIENTS = 100 if QUICK else 256
SECTIONS = ("write", "read", "fhir", "lag", "stream", "rebuild", "scale", "ml")


def selected() -> set[str]:
    only = os.environ.get("BENCH_ONLY", "")
    return {s.strip() for s in only.split(",") if s.strip()} or set(SECTIONS)


def http_sections(wanted: set[str], extra: dict[str, Any]) -> list[Row]:
    from bench.http_paths import durability, http_write_latency, read_path, write_path

    rows: list[Row] = []
    data_dir = work_dir("http")
    url = fresh_database("http")
    extra["postgres"] = durability(url)
    server, base = start_api(url, data_dir)
    try:
        # Many patients, so each PATCHed patient's history stays short (about 10 events): without
        # snapshots every command replays the aggregate's whole history.
        clinic = setup_clinic(base, doctors=32, patients=PATIENTS)
        if "write" in wanted or "read" in wanted:
            rows += write_path(clinic, url)  # the read path lists the appointments it made
        if "read" in wanted:
            read_rows, extra["client_check"] = read_path(clinic, data_dir)
            rows += read_rows
        if "fhir" in wanted:
            from bench.fhir_paths import fhir_path

            rows += fhir_path(clinic)
        if "lag" in wanted:
            runs: dict[str, list[float]] = {p: [] for p in ("p50", "p95", "p99", "answered_per_s")}
            for _ in range(BUDGET.runs):
                for key, value in http_write_latency(clinic, 100.0, BUDGET.lag_seconds).items():
                    runs[key].append(value)
            answered = runs.pop("answered_per_s")
            for key, values in runs.items():
                rows.append(Row("read-your-writes", f"HTTP PATCH offered at 100/s: answer {key}", "ms", values,
                                higher_is_better=False,
                                note="request start → 200 answer (commit + read-your-writes wait + read), "
                                     f"an upper bound of commit → visible; answered {min(answered):.0f}-"
                                     f"{max(answered):.0f}/s: below 100/s the server is saturated and "
                                     "the figure is queueing"))
    finally:
        server.stop()
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)
    return rows


def lag_section() -> list[Row]:
    from bench.inprocess import read_your_writes

    data_dir, url = work_dir("lag"), fresh_database("lag")
    try:
        return read_your_writes(url, data_dir)
    finally:
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)


def stream_section() -> list[Row]:
    from bench.pipeline import stream

    bootstrap = os.environ.get("MEDISYNC_KAFKA_BOOTSTRAP")
    if not bootstrap:
        log("stream: MEDISYNC_KAFKA_BOOTSTRAP is not set; skipped")
        return []
    data_dir = work_dir("stream")
    try:
        return stream(bootstrap, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def rebuild_section() -> list[Row]:
    from bench.pipeline import rebuild

    data_dir = work_dir("rebuild")
    try:
        return rebuild(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def scale_section(extra: dict[str, Any]) -> list[Row]:
    from bench.pipeline import scale_out

    data_dir = work_dir("scale")
    try:
        rows, extra["scale_out"] = scale_out(data_dir)
        return rows
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def aci_rows(extra: dict[str, Any]) -> list[Row]:
    """ACI-Bench valid (held out; the section model is tuned on train only): ROUGE of our notes
    against the same-run baselines (bench/ml_aci.py)."""
    from bench.ml_aci import run

    result = run("valid")
    rows_by_name = result["rows"]
    extra["ml_aci"] = result
    whole = rows_by_name["baseline: whole transcript"]
    rows = []
    for template in ("hp", "soap"):
        ours = rows_by_name[f"medisync extractive, {template} template"]
        rows.append(Row("ml", f"ACI-Bench valid ROUGE-1, {template} template", "ROUGE", [ours["rouge1"]],
                        "whole transcript", [whole["rouge1"]], target="≥ 46 (hp)" if template == "hp" else "",
                        target_min=46.0 if template == "hp" else None,
                        note="retrieval of the closest train note: "
                             f"{rows_by_name['baseline: retrieve closest train note']['rouge1']}"))
    cc = result["chief_complaint_rouge1"]
    rows.append(Row("ml", f"ACI-Bench valid chief complaint vs scribe's ({cc['visits']} visits)", "ROUGE-1",
                    [cc["medisync"]], "first patient statement", [cc["baseline: first patient statement"]],
                    note="19.1 before the stated-reason extractor (docs/ml-notes.md)"))
    return rows


def primock_rows(extra: dict[str, Any]) -> list[Row]:
    """PriMock57 (45 real GP consultations): note ROUGE against the GP's note with the same-run
    baselines, and the safety counters (bench/ml_primock.py)."""
    from bench.ml_primock import run

    result = run()
    extra["ml_primock"] = result
    rows_by_name, facts = result["rows"], result["facts"]
    ours, first12 = rows_by_name["medisync extractive, hp template"], rows_by_name["baseline: first 12 doctor turns"]
    unsafe = sum(facts["safety"].values())
    return [
        Row("ml", "PriMock57 ROUGE-1 vs the GP's note, hp template", "ROUGE", [ours["rouge1"]],
            "first 12 doctor turns", [first12["rouge1"]],
            note=f"whole transcript {rows_by_name['baseline: whole transcript']['rouge1']}"),
        Row("ml", "PriMock57 unsaid drugs + negated or unstated codes", "count", [unsafe], target="0",
            target_max=0.0, higher_is_better=False,
            note=f"medication names vs the GP's note F1 {facts['medication_names_vs_scribe_note']['f1']}"),
    ]


def heldout_speech_rows(result: dict[str, Any], split: str = "heldout", label: str = "held-out") -> list[Row]:
    held = result.get("overall", {}).get(split) or {}
    rows = []
    if held.get("wer") is not None:
        rows.append(Row("ml", f"ASR WER, {label} visits, {result['model']}", "%", [100 * held["wer"]],
                        target="≤ 10 %", target_max=10.0, higher_is_better=False))
    if held.get("medical_wer") is not None:
        rows.append(Row("ml", f"medical-term WER (medwer), {label}, {result['model']}", "%",
                        [100 * held["medical_wer"]], higher_is_better=False))
    if held.get("role_accuracy") is not None:
        rows.append(Row("ml", f"speaker-role accuracy, {label}, {result['model']}", "%",
                        [100 * held["role_accuracy"]], target="≥ 95 %", target_min=95.0))
    return rows


def blind_speech_rows(speech: Path) -> list[Row]:
    """The default model on the blind visits (D94, report only), in a process of its own so the
    held-out run's RTF and peak RSS rows stay what they were."""
    target = RESULTS / "ml_speech_blind_bench.json"
    done = subprocess.run([sys.executable, str(speech), "--models", "base", "--splits", "blind",
                           "--out", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not target.exists():
        log(f"ml_speech (blind) failed ({done.returncode}): {done.stderr[-500:]}")
        return []
    results = json.loads(target.read_text()).get("results", [])
    return [row for result in results for row in heldout_speech_rows(result, "blind", "blind")]


def ml_section(extra: dict[str, Any]) -> list[Row]:
    """Rows from the ML benchmarks (bench/ml_speech.py, bench/ml_notes.py), when they are there.

    Full mode runs ml_speech (tiny.en, one dev dialogue) in its own process so its peak RSS is
    its own; quick mode reads the last bench/results/ml_speech.json.
    """
    rows: list[Row] = aci_rows(extra) + primock_rows(extra)
    speech = ROOT / "bench" / "ml_speech.py"
    notes = ROOT / "bench" / "ml_notes.py"
    speech_out = RESULTS / "ml_speech.json"
    if speech.exists() and not QUICK:
        target = RESULTS / "ml_speech_bench.json"
        # the default model on the held-out recorded visits (never tuned on; docs/ml-speech.md)
        done = subprocess.run([sys.executable, str(speech), "--models", "base", "--splits", "heldout",
                               "--out", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=900)
        if done.returncode == 0 and target.exists():
            speech_out = target
        else:
            log(f"ml_speech failed ({done.returncode}): {done.stderr[-500:]}")
    if speech_out.exists():
        data = json.loads(speech_out.read_text())
        extra["ml_speech_source"] = f"{speech_out.name} ({data.get('generated_at', '?')})"
        for result in data.get("results", []):
            rows += heldout_speech_rows(result)
            overall = result.get("overall", {}).get("all", {})
            if overall.get("rtf_asr"):
                rows.append(Row("ml", f"speech pipeline RTF, {result['model']} ({overall.get('files')} files)", "RTF",
                                [overall["rtf_total"]], "faster-whisper alone (RTF)", [overall["rtf_asr"]],
                                higher_is_better=False,
                                note="ratio = pipeline / ASR alone: the diarization + roles overhead"))
            if result.get("peak_rss_mb"):
                rows.append(Row("ml", f"speech peak RSS, {result['model']}", "MB", [result["peak_rss_mb"]],
                                higher_is_better=False, note="whole benchmark process"))
        long_run = data.get("long_recording") or data.get("long")
        if isinstance(long_run, dict) and long_run.get("peak_rss_mb"):
            rows.append(Row("ml", f"peak RSS, {long_run.get('minutes', 60)}-minute recording", "MB",
                            [long_run["peak_rss_mb"]], higher_is_better=False))
        else:
            extra["ml_long_recording"] = "not measured: bench/ml_speech.py reports no 60-minute run"
    if speech.exists() and not QUICK:
        rows += blind_speech_rows(speech)
    if notes.exists():
        target = RESULTS / "ml_notes_bench.json"
        done = subprocess.run([sys.executable, str(notes), "--out", str(target)], cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        if done.returncode == 0 and target.exists():
            data = json.loads(target.read_text())
            goal = data.get("target_f1", 0.85)
            for condition in ("truth:heldout", "asr-recorded:heldout", "truth:all", "truth:tune2", "truth:tune3", "truth:tune4",
                              "truth:tune5", "truth:tune6", "truth:tune7", "truth:tune8",
                              "truth:blind2", "truth:blind3", "truth:blind4", "truth:blind5", "truth:blind6", "truth:blind",
                              "asr-recorded:blind", "truth:blind-d94", "asr-recorded:blind-d94",
                              "truth:blind-d126", "asr-recorded:blind-d126"):
                micro = data.get("conditions", {}).get(condition, {}).get("micro", {})
                if "f1" in micro:
                    rows.append(Row("ml", f"note facts F1 ({condition})", "F1", [micro["f1"]],
                                    target=f"≥ {goal}", target_min=goal))
        else:
            log(f"ml_notes failed ({done.returncode}): {done.stderr[-500:]}")
    return rows


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit in ("RTF", "F1"):
        return f"{value:.3f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def table(rows: list[Row]) -> str:
    header = ("section", "figure", "median", "min–max", "n", "baseline", "ratio", "target", "met")
    lines = []
    for row in rows:
        ratio = "—" if row.ratio is None else (f"{row.ratio * 100:.0f}%" if row.higher_is_better or row.target_ratio
                                               else f"{row.ratio:.2f}×")
        met = {True: "met", False: "NOT MET", None: ""}[row.met]
        spread = f"{fmt(min(row.runs), row.unit)}–{fmt(max(row.runs), row.unit)}" if row.runs else "—"
        baseline = f"{fmt(row.baseline, row.unit)} ({row.baseline_name})" if row.baseline_runs else "—"
        lines.append((row.section, row.name, f"{fmt(row.figure, row.unit)} {row.unit}", spread, str(len(row.runs)),
                      baseline, ratio, row.target or "—", met))
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def main() -> int:
    wanted = selected()
    began = time.monotonic()
    rows: list[Row] = []
    extra: dict[str, Any] = {}
    failures: dict[str, str] = {}

    def section(name: str, run: Callable[[], list[Row]]) -> None:
        try:
            log(f"section {name}")
            rows.extend(run())
        except Exception as error:  # noqa: BLE001 - report it, keep the other sections
            failures[name] = f"{type(error).__name__}: {error}"
            log(f"section {name} failed:\n{traceback.format_exc()}")

    if wanted & {"write", "read", "fhir", "lag"}:
        section("http", lambda: http_sections(wanted, extra))
    if "lag" in wanted:
        section("read-your-writes", lag_section)
    if "stream" in wanted:
        section("stream", stream_section)
    if "rebuild" in wanted:
        section("rebuild", rebuild_section)
    if "scale" in wanted:
        section("scale-out", lambda: scale_section(extra))
    if "ml" in wanted:
        section("ml", lambda: ml_section(extra))

    order = {"write": 0, "read": 1, "fhir": 1.5, "read-your-writes": 2, "stream": 3, "rebuild": 4, "scale-out": 5,
             "ml": 6}
    rows.sort(key=lambda r: order.get(r.section, 9))
    rendered = table(rows)
    print(rendered)
    for row in rows:
        if row.note:
            print(f"  [{row.section}] {row.name}: {row.note}")
    if failures:
        print("\nFAILED SECTIONS: " + "; ".join(f"{k}: {v}" for k, v in failures.items()))
    elapsed = time.monotonic() - began
    print(f"\n{'quick' if QUICK else 'full'} run, {elapsed:.0f} s; "
          f"command: {'BENCH_QUICK=1 ' if QUICK else ''}make bench")
    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": f"{'BENCH_QUICK=1 ' if QUICK else ''}make bench",
        "mode": "quick" if QUICK else "full",
        "seconds": round(elapsed, 1),
        "budget": BUDGET.__dict__,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "rows": [row.as_dict() for row in rows],
        "table": rendered,
        "failures": failures,
        **extra,
    }
    # A subset (BENCH_ONLY) writes its own file, so latest.json stays the last whole run.
    name = f"latest-{'-'.join(sorted(wanted))}.json" if os.environ.get("BENCH_ONLY") else "latest.json"
    (RESULTS / name).write_text(json.dumps(document, indent=1, default=str) + "\n")
    log(f"wrote {RESULTS / name}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
