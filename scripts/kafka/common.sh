# Shared settings for scripts/kafka/*.sh (sourced, not executed).
# Env overrides:
#   KAFKA_PORT             client (PLAINTEXT) port            default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port              default KAFKA_PORT+1
#   KAFKA_RUN_DIR          data, logs, pid, effective config  default <repo>/kafka/run
#   KAFKA_HEAP_OPTS        JVM heap flags                     default "-Xms256m -Xmx512m"
#   KAFKA_JVM_OPTS         extra JVM flags                    default ""
#   KAFKA_START_TIMEOUT    seconds to wait for readiness      default 90
#   KAFKA_STOP_TIMEOUT     seconds before SIGKILL on stop     default 30

KAFKA_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KAFKA_DIR="$KAFKA_REPO_ROOT/kafka"
KAFKA_LIB_DIR="$KAFKA_DIR/target/lib"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-$KAFKA_DIR/run}"
# Make a relative KAFKA_RUN_DIR absolute against the caller's cwd.
case "$KAFKA_RUN_DIR" in /*) ;; *) KAFKA_RUN_DIR="$PWD/$KAFKA_RUN_DIR" ;; esac
KAFKA_DATA_DIR="$KAFKA_RUN_DIR/data"
KAFKA_LOG_DIR="$KAFKA_RUN_DIR/logs"
KAFKA_PID_FILE="$KAFKA_RUN_DIR/kafka.pid"
KAFKA_EFFECTIVE_CONFIG="$KAFKA_RUN_DIR/server.properties"
KAFKA_OUT="$KAFKA_LOG_DIR/kafka.out"

klog() { printf '[kafka] %s\n' "$*"; }
kerr() { printf '[kafka] ERROR: %s\n' "$*" >&2; }

# Is $1 a live (non-zombie) process? kill -0 alone succeeds on a zombie child.
kafka_pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [[ "$state" != "Z" ]]
}

# Is $1 a live process that is our Kafka broker (guards against pid reuse)?
kafka_pid_is_broker() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kafka_pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

# Pid from the pid file if it names a live broker, else empty.
kafka_running_pid() {
  local pid
  [[ -f "$KAFKA_PID_FILE" ]] || return 0
  pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE")"
  if kafka_pid_is_broker "$pid"; then printf '%s' "$pid"; fi
}

# Is something accepting TCP connections on 127.0.0.1:$1?
kafka_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
