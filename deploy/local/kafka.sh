#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x (KRaft, broker+controller in one JVM).
#
#   deploy/local/kafka.sh start    # resolve jars (first time), format storage (first time), start, wait until ready
#   deploy/local/kafka.sh stop     # SIGTERM, wait, SIGKILL after MEDISYNC_KAFKA_STOP_TIMEOUT seconds
#   deploy/local/kafka.sh status   # exit 0 = running and answering, 3 = stopped, 1 = running but not answering
#
# Idempotent: `start` on a running broker and `stop` on a stopped one are no-ops.
#
# Environment:
#   MEDISYNC_DATA_DIR               state root (default: <repo>/var); Kafka lives in $MEDISYNC_DATA_DIR/kafka
#   MEDISYNC_KAFKA_PORT             PLAINTEXT listener (default 9092)
#   MEDISYNC_KAFKA_CONTROLLER_PORT  KRaft controller listener (default 9093)
#   MEDISYNC_KAFKA_START_TIMEOUT    seconds to wait for the broker to answer metadata (default 60)
#   MEDISYNC_KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   MEDISYNC_KAFKA_HEAP_OPTS        JVM heap flags (default "-Xms128m -Xmx512m")
#   MEDISYNC_KAFKA_JAVA_OPTS        extra JVM flags (default empty)
#   MEDISYNC_KAFKA_CDS              1 (default) = keep a JVM class-data-sharing archive of the broker's classes in
#                                   $MEDISYNC_DATA_DIR/kafka/cds (written at the first clean stop; cuts a warm start
#                                   from ~10 s to ~4 s on 2 cores); 0 = off
#   MEDISYNC_PYTHON                 python with kafka-python for the readiness probe (default <repo>/.venv/bin/python)
#   MAVEN_ARGS_EXTRA                extra args for the one-off `mvn` jar resolution (e.g. -Dmaven.repo.local=...)
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
cd "$ROOT"

die() { echo "kafka.sh: error: $*" >&2; exit 1; }
log() { echo "kafka.sh: $*" >&2; }

DATA_DIR=${MEDISYNC_DATA_DIR:-$ROOT/var}
case "$DATA_DIR" in /*) ;; *) DATA_DIR=$ROOT/$DATA_DIR ;; esac

KAFKA_DIR=$DATA_DIR/kafka
LIBS_DIR=$KAFKA_DIR/libs
STAMP_FILE=$LIBS_DIR/.pom.sha256
CONF_FILE=$KAFKA_DIR/server.properties
STORAGE_DIR=$KAFKA_DIR/data
LOG_DIR=$KAFKA_DIR/logs
PID_FILE=$KAFKA_DIR/kafka.pid
CLUSTER_ID_FILE=$KAFKA_DIR/cluster.id
CDS_DIR=$KAFKA_DIR/cds
LOCK_FILE=$KAFKA_DIR/.lock
POM=$ROOT/deploy/kafka/pom.xml
LOG4J_CONF=$ROOT/deploy/kafka/log4j2.properties

PORT=${MEDISYNC_KAFKA_PORT:-9092}
CPORT=${MEDISYNC_KAFKA_CONTROLLER_PORT:-9093}
START_TIMEOUT=${MEDISYNC_KAFKA_START_TIMEOUT:-60}
STOP_TIMEOUT=${MEDISYNC_KAFKA_STOP_TIMEOUT:-30}
HEAP_OPTS=${MEDISYNC_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}
PYTHON=${MEDISYNC_PYTHON:-$ROOT/.venv/bin/python}
CDS=${MEDISYNC_KAFKA_CDS:-1}
JAVA_ID=""

for v in PORT CPORT START_TIMEOUT STOP_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done
[[ $PORT != "$CPORT" ]] || die "MEDISYNC_KAFKA_PORT and MEDISYNC_KAFKA_CONTROLLER_PORT are both $PORT"

# ---------------------------------------------------------------- helpers

# pid of our broker, or nothing. Trusts the pid file only if that process really is
# `kafka.Kafka <our server.properties>`; falls back to looking for exactly that command line
# (covers a lost pid file).
broker_pid() {
  local pid args
  if [[ -f $PID_FILE ]]; then
    pid=$(tr -dc '0-9' <"$PID_FILE" || true)
    if [[ -n $pid ]] && args=$(ps -ww -o args= -p "$pid" 2>/dev/null) \
        && [[ $args == *"kafka.Kafka $CONF_FILE"* ]]; then
      echo "$pid"; return 0
    fi
  fi
  # (needle passed in two halves so this awk's own command line never matches)
  ps -ww -eo pid=,args= 2>/dev/null | awk -v a="kafka.Kafka" -v b=" $CONF_FILE" \
    '$2 ~ /java$/ && index($0, a b) { print $1; found=1; exit } END { exit !found }'
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

configured_port() {  # PLAINTEXT port of the generated config (= the running broker's)
  sed -n 's#^listeners=PLAINTEXT://[^:]*:\([0-9]*\).*#\1#p' "$CONF_FILE" 2>/dev/null | head -n1
}

# Waits until the broker answers a metadata request (kafka-python admin list_topics).
# $1 = broker pid (the probe gives up at once if it dies), $2 = port, $3 = timeout seconds.
wait_ready() {
  [[ -x $PYTHON ]] || die "no python at $PYTHON (needs kafka-python); set MEDISYNC_PYTHON"
  "$PYTHON" - "$1" "$2" "$3" <<'PY'
import logging, os, sys, time
pid, port, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
logging.disable(logging.CRITICAL)   # kafka-python logs every refused connection otherwise
from kafka import KafkaAdminClient
deadline = time.monotonic() + timeout
last = None
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print(f"broker process {pid} exited before becoming ready", file=sys.stderr)
        sys.exit(2)
    except PermissionError:
        pass
    left = deadline - time.monotonic()
    if left <= 0:
        print(f"broker did not answer a metadata request on 127.0.0.1:{port} within {timeout:.0f}s"
              f" (last error: {last!r})", file=sys.stderr)
        sys.exit(1)
    admin = None
    try:
        admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", client_id="medisync-kafka-sh",
                                 bootstrap_timeout_ms=int(min(3000, max(500, left * 1000))),
                                 request_timeout_ms=5000)
        admin.list_topics()
        sys.exit(0)
    except Exception as exc:  # kafka-python 3.x has no NoBrokersAvailable; bootstrap raises timeouts etc.
        last = exc
        time.sleep(0.5)
    finally:
        if admin is not None:
            try:
                admin.close()
            except Exception:
                pass
PY
}

ensure_java() {
  command -v java >/dev/null 2>&1 || die "java not found on PATH (Kafka 4.x needs Java 17+)"
  local ver props
  props=$(java -XshowSettings:properties -version 2>&1)
  ver=$(sed -n 's/^ *java.specification.version = //p' <<<"$props")
  JAVA_ID=$(grep -E '^ *java\.(home|vm\.version|vm\.name) = ' <<<"$props" | tr -d ' ')
  [[ ${ver%%.*} =~ ^[0-9]+$ ]] && (( ${ver%%.*} >= 17 )) \
    || die "Kafka 4.x needs Java 17+, found java.specification.version='$ver'"
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

# Resolves the broker jars into $LIBS_DIR with Maven, unless the cache matches the pom.
ensure_libs() {
  local want
  want=$(pom_hash)
  if [[ -f $STAMP_FILE && $(cat "$STAMP_FILE") == "$want" ]] && compgen -G "$LIBS_DIR/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH; needed once to fetch the Kafka jars into $LIBS_DIR"
  log "resolving Kafka jars from Maven Central into $LIBS_DIR (one-off) ..."
  local tmp=$KAFKA_DIR/libs.tmp.$$
  rm -rf "$tmp"
  # shellcheck disable=SC2086
  if ! mvn -q -B -f "$POM" ${MAVEN_ARGS_EXTRA:-} dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_DIR/mvn.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 30 "$KAFKA_DIR/mvn.log" >&2 || true
    die "mvn could not resolve the Kafka jars (full log: $KAFKA_DIR/mvn.log)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "mvn succeeded but no kafka_2.13 jar in $tmp"; }
  echo "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIBS_DIR" "$CDS_DIR"   # a CDS archive is bound to the exact jar files (mtimes)
  mv "$tmp" "$LIBS_DIR"
  log "jars ready: $(ls "$LIBS_DIR" | grep -c '\.jar$') jars, $(basename "$(ls "$LIBS_DIR"/kafka_2.13-*.jar)")"
}

write_config() {
  local tmp=$CONF_FILE.tmp
  cat >"$tmp" <<EOF
# Generated by deploy/local/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$STORAGE_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# small box (2 cores): fewer threads
num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
EOF
  mv "$tmp" "$CONF_FILE"
}

java_base_opts() {
  # shellcheck disable=SC2206
  JAVA_OPTS=($HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
             -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
             "-Dkafka.logs.dir=$LOG_DIR" "-Dlog4j2.configurationFile=$LOG4J_CONF"
             ${MEDISYNC_KAFKA_JAVA_OPTS:-})
}

# Class-data-sharing archive (JDK 17 dynamic AppCDS). The archive is bound to the exact
# jars + JVM, so its name carries a hash of both. No archive yet: the broker is started with
# -XX:ArchiveClassesAtExit=<name>.part and cmd_stop promotes the .part after a clean exit.
cds_opts() {
  CDS_ARCHIVE=""
  [[ $CDS == 1 ]] || return 0
  local key
  key=$(printf '%s\n%s\n' "$(pom_hash)" "$JAVA_ID" | sha256sum | cut -c1-16)
  mkdir -p "$CDS_DIR"
  find "$CDS_DIR" -maxdepth 1 -type f ! -name "kafka-$key.jsa" -delete
  CDS_ARCHIVE=$CDS_DIR/kafka-$key.jsa
  if [[ -s $CDS_ARCHIVE ]]; then
    JAVA_OPTS+=("-XX:SharedArchiveFile=$CDS_ARCHIVE" "-Xlog:cds*=error")
  else
    JAVA_OPTS+=("-XX:ArchiveClassesAtExit=$CDS_ARCHIVE.part" "-Xlog:cds*=error")
  fi
}

ensure_formatted() {
  [[ -f $STORAGE_DIR/meta.properties ]] && return 0
  local cid
  if [[ -s $CLUSTER_ID_FILE ]]; then
    cid=$(cat "$CLUSTER_ID_FILE")
  else
    # Same format as `kafka-storage.sh random-uuid`: base64url(16 random bytes), no padding,
    # and, like Kafka's own, never starting with '-' (1 in 64 would, and read as an option).
    cid=-
    while [[ $cid == -* ]]; do
      cid=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
    echo "$cid" >"$CLUSTER_ID_FILE"
  fi
  log "formatting KRaft storage in $STORAGE_DIR (cluster id $cid) ..."
  mkdir -p "$STORAGE_DIR"
  java_base_opts
  if ! java "${JAVA_OPTS[@]}" -cp "$LIBS_DIR/*" kafka.tools.StorageTool \
        format --cluster-id="$cid" -c "$CONF_FILE" --ignore-formatted >"$LOG_DIR/storage-format.log" 2>&1; then
    cat "$LOG_DIR/storage-format.log" >&2 || true
    die "kafka.tools.StorageTool format failed (log: $LOG_DIR/storage-format.log)"
  fi
}

# ---------------------------------------------------------------- commands

cmd_start() {
  local pid running_port
  if pid=$(broker_pid); then
    running_port=$(configured_port)
    if [[ -n $running_port && $running_port != "$PORT" ]]; then
      die "Kafka is already running (pid $pid) on port $running_port, but MEDISYNC_KAFKA_PORT=$PORT; run '$0 stop' first"
    fi
    echo "$pid" >"$PID_FILE"
    wait_ready "$pid" "$PORT" "$START_TIMEOUT" \
      || die "Kafka process $pid is running but does not answer on 127.0.0.1:$PORT (logs: $LOG_DIR/server.log)"
    log "already running (pid $pid, 127.0.0.1:$PORT)"
    return 0
  fi
  rm -f "$PID_FILE"

  for p in "$PORT" "$CPORT"; do
    ! port_in_use "$p" || die "port 127.0.0.1:$p is already in use by another process (not our broker); set MEDISYNC_KAFKA_PORT / MEDISYNC_KAFKA_CONTROLLER_PORT"
  done

  ensure_java
  ensure_libs
  write_config
  ensure_formatted

  java_base_opts
  cds_opts
  local t0=$SECONDS
  log "starting Kafka on 127.0.0.1:$PORT (controller $CPORT), logs in $LOG_DIR ..."
  # setsid: own session, so a Ctrl-C in the calling shell does not take the broker down.
  # 9>&-: the broker must not inherit the flock fd, or the lock would outlive this script.
  nohup setsid java "${JAVA_OPTS[@]}" -cp "$LIBS_DIR/*" kafka.Kafka "$CONF_FILE" \
    >>"$LOG_DIR/kafka.out" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  if ! wait_ready "$pid" "$PORT" "$START_TIMEOUT"; then
    echo "---- last lines of $LOG_DIR/kafka.out ----" >&2; tail -n 20 "$LOG_DIR/kafka.out" >&2 || true
    echo "---- last lines of $LOG_DIR/server.log ----" >&2; tail -n 30 "$LOG_DIR/server.log" >&2 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    [[ -z $CDS_ARCHIVE ]] || rm -f "$CDS_ARCHIVE" "$CDS_ARCHIVE.part"  # never blame a stale archive twice
    die "Kafka failed to start"
  fi
  log "ready (pid $pid, 127.0.0.1:$PORT) after $((SECONDS - t0))s"
}

cmd_stop() {
  local pid
  if ! pid=$(broker_pid); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping Kafka (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT)) killed=0 part
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      log "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  # A CDS archive written at exit (see cds_opts) is kept only after a clean exit.
  for part in "$CDS_DIR"/*.jsa.part; do
    [[ -e $part ]] || continue
    if (( killed == 0 )) && [[ -s $part ]]; then mv -f "$part" "${part%.part}"; else rm -f "$part"; fi
  done
  log "stopped"
}

cmd_status() {
  local pid port
  if pid=$(broker_pid); then
    port=$(configured_port); port=${port:-$PORT}
    if wait_ready "$pid" "$port" 5 2>/dev/null; then
      echo "running (pid $pid, bootstrap 127.0.0.1:$port)"; return 0
    fi
    echo "running (pid $pid) but not answering on 127.0.0.1:$port"; return 1
  fi
  echo "stopped"; return 3
}

case "$#:${1:-}" in
  1:start|1:stop|1:status) ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

mkdir -p "$KAFKA_DIR" "$LOG_DIR"
command -v flock >/dev/null 2>&1 || die "flock (util-linux) not found"
exec 9>"$LOCK_FILE"
flock -w 180 9 || die "another kafka.sh is holding $LOCK_FILE"

"cmd_$1"
