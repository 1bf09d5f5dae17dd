#!/usr/bin/env bash
# A local Redis for shared rate limits (MEDISYNC_RATE_LIMIT_STORAGE=redis://...). Idempotent.
#
#   deploy/local/redis.sh start   # installs Debian's redis-server if missing, starts it, prints its URI
#   deploy/local/redis.sh stop
#
# Knobs: MEDISYNC_REDIS_PORT (default 6391), MEDISYNC_DATA_DIR (default ./var; data in $DATA_DIR/redis).
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
DATA_DIR=${MEDISYNC_DATA_DIR:-$ROOT/var}
case "$DATA_DIR" in /*) ;; *) DATA_DIR=$ROOT/$DATA_DIR ;; esac
PORT=${MEDISYNC_REDIS_PORT:-6391}
DIR=$DATA_DIR/redis
PIDFILE=$DIR/redis.pid

log() { echo "redis.sh: $*" >&2; }

install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || { log "redis-server is missing and apt-get is not available"; exit 1; }
  log "installing Debian's redis-server"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
}

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  install
  mkdir -p "$DIR"
  if ! running; then
    # Loopback only, no persistence: counters are disposable.
    redis-server --port "$PORT" --bind 127.0.0.1 --protected-mode yes --save "" --appendonly no \
      --dir "$DIR" --pidfile "$PIDFILE" --logfile "$DIR/redis.log" --daemonize yes
    for _ in $(seq 1 100); do
      redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -p "$PORT" ping >/dev/null || { log "redis did not start (see $DIR/redis.log)"; exit 1; }
  fi
  echo "redis://127.0.0.1:$PORT/0"
}

stop() {
  if running; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 start|stop"; exit 2 ;;
esac
