#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Proves scripts/cluster on real engines: `up` on ports and a state folder of this test's own,
# every engine answers a real client, a second `up` is idempotent, a taken port is refused with
# a clear error, `restart kafka` keeps the broker's data, and `down` leaves no process behind.
#
#   tests/cluster/test_cluster.sh [--only kafka,postgres,redis,s3,clickhouse]
#
# Ports: SHEAF_CLUSTER_TEST_PORT_BASE (default 41000) + 092/093 kafka, 432 postgres, 379 redis,
# 080 s3, 123/900 clickhouse. Needs root the first time (apt-get) and Maven Central (jars, once).
# Ends with the line "N passed, N failed"; exits non-zero iff a check failed.
# The bash -c snippets take their values as arguments, so their $1... are meant unexpanded here.
# shellcheck disable=SC2016
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER="$ROOT/scripts/cluster"
only=kafka,postgres,redis,s3,clickhouse
if [[ ${1:-} == --only && $# -ge 2 ]]; then only=$2; fi
wants() { [[ ,$only, == *,$1,* ]]; }

base=${SHEAF_CLUSTER_TEST_PORT_BASE:-41000}
export SHEAF_CLUSTER_KAFKA_PORT=$((base + 92)) SHEAF_CLUSTER_KAFKA_CONTROLLER_PORT=$((base + 93))
export SHEAF_CLUSTER_POSTGRES_PORT=$((base + 432)) SHEAF_CLUSTER_REDIS_PORT=$((base + 379))
export SHEAF_CLUSTER_S3_PORT=$((base + 80))
export SHEAF_CLUSTER_CLICKHOUSE_HTTP_PORT=$((base + 123)) SHEAF_CLUSTER_CLICKHOUSE_TCP_PORT=$((base + 900))
SHEAF_CLUSTER_DIR=$(mktemp -d /tmp/sheaf-cluster-test.XXXXXX)
export SHEAF_CLUSTER_DIR
other_state=$(mktemp -d /tmp/sheaf-cluster-test-other.XXXXXX)

passed=0 failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [[ -z ${2:-} ]] || printf '     %s\n' "$2"; }
check() {  # description command...: passes iff the command succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
equal() {  # description expected actual
  if [[ $2 == "$3" ]]; then ok "$1"; else bad "$1" "expected '$2', got '$3'"; fi
}

finish() {
  "$CLUSTER" down >/dev/null 2>&1
  SHEAF_CLUSTER_DIR=$other_state "$CLUSTER" down >/dev/null 2>&1
  rm -rf "$SHEAF_CLUSTER_DIR" "$other_state"
}
trap finish EXIT

no_java_runs_with() {  # text: true iff no java process has TEXT in its command line
  local pid
  for pid in $(pgrep -x java); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" && return 1
  done
  return 0
}

pids_of_state() {  # every pid recorded by the cluster in the state folder
  cat "$SHEAF_CLUSTER_DIR"/run/*.pid 2>/dev/null
}

# ---- up, the first time ------------------------------------------------------------------------
start=$SECONDS
"$CLUSTER" up --only "$only" >"$SHEAF_CLUSTER_DIR.out" 2>"$SHEAF_CLUSTER_DIR.err"
rc=$?
first_up=$((SECONDS - start))
equal "up exits 0 (took ${first_up}s)" 0 "$rc"
[[ $rc -eq 0 ]] || { tail -n 30 "$SHEAF_CLUSTER_DIR.err"; }
exports=$(<"$SHEAF_CLUSTER_DIR.out")
rm -f "$SHEAF_CLUSTER_DIR.out" "$SHEAF_CLUSTER_DIR.err"
check "up prints only export lines on stdout" \
  bash -c '[[ -n $1 ]] && ! grep -qv "^export " <<<"$1"' _ "$exports"
eval "$exports"

# ---- each engine answers a real client ----------------------------------------------------------
if wants kafka; then
  equal "up exports SHEAF_BROKER for its own port" \
    "kafka://127.0.0.1:$SHEAF_CLUSTER_KAFKA_PORT" "${SHEAF_BROKER:-}"
  cp=$("$CLUSTER" classpath kafka)
  kafka_tool() { java -Xmx256m -cp "$cp" "$@" 2>/dev/null; }
  check "kafka creates a topic" bash -c 'java -Xmx256m -cp "$1" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$2" --create --topic cluster-test --partitions 1 --replication-factor 1 \
    >/dev/null 2>&1' _ "$cp" "$SHEAF_TEST_KAFKA"
  equal "kafka lists the topic" cluster-test \
    "$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$SHEAF_TEST_KAFKA" --list)"
  # auto.create.topics.enable=false: producing to an unknown topic must not create it.
  echo x | timeout 60 java -Xmx256m -cp "$cp" org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$SHEAF_TEST_KAFKA" --topic not-created \
    --producer-property max.block.ms=3000 >/dev/null 2>&1
  equal "kafka does not auto-create a topic on produce" cluster-test \
    "$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$SHEAF_TEST_KAFKA" --list)"
  message="before-restart-$$"
  check "kafka takes a message" bash -c 'echo "$3" | java -Xmx256m -cp "$1" \
    org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$2" --topic cluster-test \
    --producer-property acks=all >/dev/null 2>&1' _ "$cp" "$SHEAF_TEST_KAFKA" "$message"
fi
if wants postgres; then
  equal "postgres answers SELECT 1 as role sheaf in database sheaf" "1|sheaf|sheaf" \
    "$(psql "$SHEAF_METADATA" -X -tAc 'SELECT 1, current_user, current_database()' 2>&1)"
  equal "postgres keeps fsync on" on "$(psql "$SHEAF_METADATA" -X -tAc 'SHOW fsync' 2>&1)"
  equal "postgres listens on loopback only" 127.0.0.1 \
    "$(psql "$SHEAF_METADATA" -X -tAc 'SHOW listen_addresses' 2>&1)"
fi
if wants redis; then
  equal "redis answers PING" PONG "$(redis-cli -u "$SHEAF_CACHE" PING 2>&1)"
  equal "redis is bound to loopback" "bind 127.0.0.1" \
    "$(redis-cli -u "$SHEAF_CACHE" CONFIG GET bind 2>&1 | paste -sd' ')"
fi
if wants s3; then
  endpoint=${SHEAF_BLOBS#*endpoint=}
  endpoint=${endpoint%%&*}
  blob=$(mktemp)
  printf 'sheaf cluster test %s\n' "$$" >"$blob"
  sha=$(sha256sum "$blob" | cut -d' ' -f1)
  s3() {  # secret curl-args...: a SigV4-signed request
    local secret=$1
    shift
    curl -sS --max-time 10 --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user "$AWS_ACCESS_KEY_ID:$secret" "$@"
  }
  equal "s3 takes a signed PUT into bucket sheaf" 200 "$(s3 "$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: $sha" -T "$blob" -o /dev/null -w '%{http_code}' \
    "$endpoint/sheaf/cluster-test/blob.txt")"
  equal "s3 gives the blob back on a signed GET" "$(<"$blob")" "$(s3 "$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$endpoint/sheaf/cluster-test/blob.txt")"
  equal "s3 refuses a GET signed with a wrong secret" 403 "$(s3 wrong-secret \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -o /dev/null -w '%{http_code}' \
    "$endpoint/sheaf/cluster-test/blob.txt")"
  equal "s3 has the test bucket sheaf-test" 200 "$(s3 "$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -o /dev/null -w '%{http_code}' \
    "$endpoint/sheaf-test")"
  rm -f "$blob"
fi
if wants clickhouse; then
  equal "clickhouse answers SELECT 1 over HTTP" 1 \
    "$(curl -sS --max-time 10 "$SHEAF_TEST_CLICKHOUSE/" --data-binary 'SELECT 1' 2>&1)"
  equal "clickhouse has the database sheaf" 1 "$(curl -sS --max-time 10 "$SHEAF_TEST_CLICKHOUSE/" \
    --data-binary "SELECT count() FROM system.databases WHERE name = 'sheaf'" 2>&1)"
fi

# ---- a second up is idempotent ------------------------------------------------------------------
pids_before=$(pids_of_state | sort)
start=$SECONDS
again=$("$CLUSTER" up --only "$only" 2>/dev/null)
rc=$?
second_up=$((SECONDS - start))
equal "a second up exits 0 (took ${second_up}s)" 0 "$rc"
equal "a second up prints the same exports" "$exports" "$again"
equal "a second up starts nothing new" "$pids_before" "$(pids_of_state | sort)"
equal "status says every engine is up" "$(tr ',' '\n' <<<"$only" | sed 's/$/ up/')" \
  "$("$CLUSTER" status --only "$only" | sed 's/ (pid [0-9]*)$//')"

# ---- a taken port is refused before anything starts ---------------------------------------------
first=${only%%,*}
case $first in
  kafka) taken=$SHEAF_CLUSTER_KAFKA_PORT ;;
  postgres) taken=$SHEAF_CLUSTER_POSTGRES_PORT ;;
  redis) taken=$SHEAF_CLUSTER_REDIS_PORT ;;
  s3) taken=$SHEAF_CLUSTER_S3_PORT ;;
  clickhouse) taken=$SHEAF_CLUSTER_CLICKHOUSE_HTTP_PORT ;;
esac
err=$(SHEAF_CLUSTER_DIR=$other_state SHEAF_CLUSTER_REDIS_PORT=$taken \
  "$CLUSTER" up --only redis 2>&1 >/dev/null)
rc=$?
check "up on a taken port fails" test "$rc" -ne 0
check "the error names the port and the engine" \
  grep -q "port $taken for redis on 127.0.0.1 is already taken.*set SHEAF_CLUSTER_REDIS_PORT" <<<"$err"
check "nothing was started for that engine" test ! -e "$other_state/run/redis.pid"

# ---- a start that takes too long is bounded, named and cleaned up --------------------------------
if wants kafka; then
  # A JVM cannot bring up a Kafka broker within one second, so this start must time out.
  err=$(SHEAF_CLUSTER_DIR=$other_state SHEAF_CLUSTER_START_TIMEOUT=1 \
    SHEAF_CLUSTER_KAFKA_PORT=$((base + 94)) SHEAF_CLUSTER_KAFKA_CONTROLLER_PORT=$((base + 95)) \
    "$CLUSTER" up --only kafka 2>&1 >/dev/null)
  rc=$?
  check "a start past SHEAF_CLUSTER_START_TIMEOUT fails" test "$rc" -ne 0
  check "the error names the engine and its log file" \
    grep -q "kafka did not answer within 1s.*see its log: $other_state/logs/kafka-server.log" <<<"$err"
  check "the engine that did not answer in time was stopped" \
    no_java_runs_with "$other_state/kafka/server.properties"
fi

# ---- restart kafka keeps its data ---------------------------------------------------------------
if wants kafka; then
  old_pid=$(<"$SHEAF_CLUSTER_DIR/run/kafka.pid")
  check "restart kafka exits 0" bash -c '"$1" restart kafka >/dev/null 2>&1' _ "$CLUSTER"
  new_pid=$(<"$SHEAF_CLUSTER_DIR/run/kafka.pid")
  check "restart ran a new broker process" test "$old_pid" != "$new_pid"
  check "the old broker process is gone" bash -c '! kill -0 "$1" 2>/dev/null' _ "$old_pid"
  equal "the message produced before the restart is read after it" "$message" \
    "$(java -Xmx256m -cp "$cp" org.apache.kafka.tools.consumer.ConsoleConsumer \
       --bootstrap-server "$SHEAF_TEST_KAFKA" --topic cluster-test --from-beginning \
       --max-messages 1 --timeout-ms 30000 2>/dev/null)"
fi

# ---- down leaves no process -----------------------------------------------------------------
pids=$(pids_of_state)
check "down exits 0" bash -c '"$1" down >/dev/null 2>&1' _ "$CLUSTER"
left=""
for pid in $pids; do
  kill -0 "$pid" 2>/dev/null && left+=" $pid"
  # Children (PostgreSQL backends, ...) live in the session their server led.
  left+=$(ps -eo sid=,pid= | awk -v s="$pid" '$1 == s { printf " %s", $2 }')
done
equal "no process of the cluster is left after down" "" "$left"
equal "status says every engine is down" "$(tr ',' '\n' <<<"$only" | sed 's/$/ down/')" \
  "$("$CLUSTER" status --only "$only")"

echo "cluster: first up ${first_up}s, second up ${second_up}s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
