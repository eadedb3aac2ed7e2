#!/usr/bin/env bash
# Stop the local Kafka broker started by scripts/kafka/start.sh. Idempotent.
# SIGTERM (controlled shutdown), wait up to KAFKA_STOP_TIMEOUT (30 s), then SIGKILL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

if [[ ! -f "$KAFKA_PID_FILE" ]]; then
  klog "not running (no pid file at $KAFKA_PID_FILE)"
  exit 0
fi
pid="$(kafka_running_pid)"
if [[ -z "$pid" ]]; then
  klog "not running (stale pid file removed)"
  rm -f "$KAFKA_PID_FILE"
  exit 0
fi

klog "stopping broker pid $pid (SIGTERM, up to ${STOP_TIMEOUT}s) ..."
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then
  klog "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
if kill -0 "$pid" 2>/dev/null; then
  kerr "pid $pid did not exit"
  exit 1
fi
rm -f "$KAFKA_PID_FILE"
klog "stopped"
