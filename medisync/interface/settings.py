"""One typed settings object, read once from ``MEDISYNC_*`` variables.

Nothing else in MediSync reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

MB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: str = "./var"
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    kafka_bootstrap: str | None = None
    jwt_issuer: str = "medisync"
    jwt_audience: str = "medisync-api"
    jwt_key_file: str | None = None
    # AES-256 master key that wraps the per-patient data keys (a KMS in production).
    master_key_file: str | None = None
    access_ttl_s: int = 900
    refresh_ttl_s: int = 14 * 24 * 3600
    argon2_memory_kib: int = 19456
    db_pool_size: int = 4
    aggregate_cache_size: int = 5000
    # Appointment rows kept in memory for GET /appointments/get/{id}, coherent with the view (D78; about
    # 1.4 KB each); 0: off.
    row_cache_size: int = 20_000
    # Threads for blocking work (event store, read models) off the event loop.
    worker_threads: int = 32
    read_your_writes_timeout_s: float = 3.0
    max_json_bytes: int = 1 * MB
    max_audio_bytes: int = 500 * MB
    max_document_bytes: int = 25 * MB
    ml_enabled: bool = True
    # Chosen on the dev + tune visits, reported on held-out ones (docs/ml-speech.md, D35).
    asr_model: str = "base"
    asr_device: str = "cpu"
    asr_compute_type: str = "int8"
    asr_beam_size: int = 5
    # faster-whisper's bundled Silero VAD: silence yields no text (no hallucinated words).
    asr_vad: bool = True
    # A second, biased decoding of the segments that seem to name a drug (D91).
    asr_restore_drugs: bool = True
    # A second decoding, numbers spelt, of the segments that state a vital sign (D137).
    asr_restore_vitals: bool = True
    # Premium "llm" note generator: any OpenAI-compatible endpoint (unset: not offered).
    llm_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = ""
    llm_scrub_identifiers: bool = True
    ml_max_attempts: int = 3
    ml_retry_base_s: float = 2.0
    rate_limit_storage: str = "memory://"
    rate_limit_standard: str = "1000/hour"
    rate_limit_premium: str = "5000/hour"
    rate_limit_anonymous: str = "1000/hour"
    upload_limit_standard: str = "50/hour"
    upload_limit_premium: str = "200/hour"
    # Security (docs/security.md): login throttling and Idempotency-Key retention.
    login_max_failures: int = 10
    login_window_s: int = 900
    idempotency_ttl_s: int = 24 * 3600
    run_projections: bool = True
    run_worker: bool = True
    # Observability (docs/performance.md): GET /metrics outside /api/v1, JSON log lines.
    metrics_enabled: bool = True
    metrics_token: str | None = None
    log_format: str = "json"
    # Several `medisync serve` processes on one port (SO_REUSEPORT, Linux).
    reuse_port: bool = False
    # Audit (docs/compliance.md): checkpoint signing key and interval; raw-audio retention
    # (`medisync retention run`; unset = audio is kept until deleted).
    audit_key_file: str | None = None
    audit_checkpoint_interval_s: float = 300.0
    access_log_flush_s: float = 0.1
    audio_retention_days: int | None = None
    # FHIR (docs/fhir.md): the URL clients reach us by (else the request's own origin),
    # and the identifier system of a practice's MRNs.
    public_base_url: str | None = None
    fhir_mrn_system: str = "urn:medisync:practice:{practice_id}:mrn"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(f"MEDISYNC_{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = _parse(raw, field.type)
        if "port" not in values and environ.get("PORT"):  # the platform convention (PaaS, `make run PORT=`)
            values["port"] = int(environ["PORT"])
        return cls(**values)

    @property
    def blob_dir(self) -> str:
        return str(Path(self.data_dir) / "blobs")

    @property
    def master_key_path(self) -> str:
        return self.master_key_file or str(Path(self.data_dir) / "keys" / "master.key")

    @property
    def key_file(self) -> str:
        return self.jwt_key_file or str(Path(self.data_dir) / "keys" / "jwt-ed25519.json")


def _parse(raw: str, kind: Any) -> Any:
    kind = str(kind)
    if kind.startswith("bool"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind.startswith("int"):
        return int(raw)
    if kind.startswith("float"):
        return float(raw)
    return raw
