# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced by scripts/cluster: per engine, ENGINE_start (install, configure, spawn, wait, seed) and
# ENGINE_ready (true iff it answers). Uses the settings and helpers defined there; stopping is
# the same for every engine (stop_engine, by pid).

# ---- Kafka: one KRaft node acting as broker and controller -----------------------------------

kafka_classpath() {
  local jars
  jars=$(ensure_jars kafka "$KAFKA_VERSION")
  printf '%s/*\n' "$jars"
}

kafka_ready() {
  local logfile="$LOGS/kafka-server.log" from
  from=$(cat "$RUN/kafka.logpos" 2>/dev/null || echo 0)
  # grep -q stops reading at the first match; tail, still writing a long log (a restart loads
  # every partition), then dies of SIGPIPE, which pipefail would turn into "not ready" for ever.
  port_open "$KAFKA_PORT" \
    && { tail -c "+$((from + 1))" "$logfile" 2>/dev/null || true; } | grep -q "Kafka Server started"
}

kafka_start() {
  check_port_free kafka "$KAFKA_PORT" SHEAF_CLUSTER_KAFKA_PORT
  check_port_free kafka "$KAFKA_CONTROLLER_PORT" SHEAF_CLUSTER_KAFKA_CONTROLLER_PORT
  ensure_java
  local dir="$STATE/kafka" cp
  cp=$(kafka_classpath)
  mkdir -p "$dir/data" "$LOGS" "$RUN"
  # Written on every start so that a changed port takes effect on restart; node and data stay.
  cat >"$dir/server.properties" <<PROPS
# Written by scripts/cluster: a single KRaft node for local tests, not for production.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j2.properties" <<PROPS
# Written by scripts/cluster: Kafka's log goes to a file of the state folder.
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $LOGS/kafka-server.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
PROPS
  local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
                   "-Dlog4j2.configurationFile=$dir/log4j2.properties" "-Dkafka.logs.dir=$LOGS")
  if [[ ! -f $dir/data/meta.properties ]]; then
    local cluster_id
    cluster_id=$(python3 -c 'import base64, uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')
    log "formatting Kafka storage in $dir/data (cluster id $cluster_id)"
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format --ignore-formatted \
        -t "$cluster_id" -c "$dir/server.properties" >>"$LOGS/kafka.log" 2>&1 \
      || die "kafka storage format failed; see its log: $LOGS/kafka.log"
  fi
  # kafka_ready reads only what this start appends to the log.
  stat -c %s "$LOGS/kafka-server.log" 2>/dev/null >"$RUN/kafka.logpos" || echo 0 >"$RUN/kafka.logpos"
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)"
  spawn kafka "$LOGS/kafka.log" java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_ready kafka "$LOGS/kafka-server.log" kafka_ready
}


# ---- PostgreSQL 15 (Debian): trust auth on loopback, role and database `sheaf` -----------------

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -d postgres -U postgres; }
pg_sql() {  # sql: runs as the superuser, prints unaligned tuples
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres \
    -tAc "$1"
}

postgres_ready() {
  pg_ready && [[ $(pg_sql "SELECT 1 FROM pg_database WHERE datname = 'sheaf'") == 1 ]]
}

postgres_start() {
  check_port_free postgres "$POSTGRES_PORT" SHEAF_CLUSTER_POSTGRES_PORT
  [[ -x $PG_BIN/postgres ]] || ensure_debian_packages postgresql-15
  local dir="$STATE/postgres"
  mkdir -p "$dir" "$LOGS" "$RUN"
  run_as postgres
  give_to postgres "$dir"
  if [[ ! -f $dir/data/PG_VERSION ]]; then
    log "initialising PostgreSQL in $dir/data"
    (cd "$dir" && "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
        -E UTF8 --locale=C >>"$LOGS/postgres.log" 2>&1) \
      || die "postgres initdb failed; see its log: $LOGS/postgres.log"
  fi
  log "starting postgres 15 on 127.0.0.1:$POSTGRES_PORT"
  # No Unix socket: the state folder's path may be too long for one, and TCP is what Sheaf uses.
  spawn postgres "$LOGS/postgres.log" "${RUN_AS[@]}" "$PG_BIN/postgres" -D "$dir/data" \
    -c listen_addresses=127.0.0.1 -c port="$POSTGRES_PORT" -c unix_socket_directories= \
    -c fsync=on -c max_connections=200
  wait_ready postgres "$LOGS/postgres.log" pg_ready
  if [[ $(pg_sql "SELECT 1 FROM pg_roles WHERE rolname = 'sheaf'") != 1 ]]; then
    pg_sql "CREATE ROLE sheaf LOGIN CREATEDB" >/dev/null
  fi
  if [[ $(pg_sql "SELECT 1 FROM pg_database WHERE datname = 'sheaf'") != 1 ]]; then
    pg_sql "CREATE DATABASE sheaf OWNER sheaf" >/dev/null
  fi
}

# ---- Redis (Debian) ------------------------------------------------------------------------------

redis_ready() {
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" PING 2>/dev/null) == PONG ]]
}

redis_start() {
  check_port_free redis "$REDIS_PORT" SHEAF_CLUSTER_REDIS_PORT
  command -v redis-server >/dev/null || ensure_debian_packages redis-server
  command -v redis-cli >/dev/null || ensure_debian_packages redis-tools
  local dir="$STATE/redis"
  mkdir -p "$dir" "$LOGS" "$RUN"
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  # A cache: no snapshots, no append-only file. Bound to loopback, so protected mode adds nothing.
  spawn redis "$LOGS/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' \
    --appendonly no --protected-mode no --daemonize no --dir "$dir" --logfile ''
  wait_ready redis "$LOGS/redis.log" redis_ready
}

# ---- S3Proxy (Maven Central): S3 API over a folder, SigV4 with a fixed local key ----------------

s3_curl() {  # curl args...: a request signed with the local key (SigV4)
  # curl 7.88 sends no x-amz-content-sha256 of its own, and S3Proxy needs one.
  curl -sS --max-time 10 --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

s3_ready() {
  local code
  code=$(s3_curl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$S3_PORT/") || return 1
  [[ $code == 200 ]]
}

s3_start() {
  check_port_free s3 "$S3_PORT" SHEAF_CLUSTER_S3_PORT
  ensure_java
  command -v curl >/dev/null || ensure_debian_packages curl
  local dir="$STATE/s3" jars
  jars=$(ensure_jars s3proxy "$S3PROXY_VERSION")
  mkdir -p "$dir/data" "$LOGS" "$RUN"
  cat >"$dir/s3proxy.properties" <<PROPS
# Written by scripts/cluster: S3Proxy for local tests, blobs kept as files under $dir/data.
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$dir/data
# The folder backend checks no credential, but the provider insists on having one.
jclouds.identity=local
jclouds.credential=local
PROPS
  cat >"$dir/logback.xml" <<XML
<!-- Written by scripts/cluster: S3Proxy logs at INFO to its log file (stdout). -->
<configuration>
  <appender name="stdout" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>[%d{ISO8601}] %-5level %msg \\(%logger{20}\\)%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="stdout"/></root>
</configuration>
XML
  log "starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$S3_PORT"
  spawn s3 "$LOGS/s3.log" java -Xms64m -Xmx256m -Djava.awt.headless=true \
    "-Dlogback.configurationFile=$dir/logback.xml" -cp "$jars/*" \
    org.gaul.s3proxy.Main --properties "$dir/s3proxy.properties"
  wait_ready s3 "$LOGS/s3.log" s3_ready
  local bucket code
  for bucket in "${S3_BUCKETS[@]}"; do
    code=$(s3_curl -o /dev/null -w '%{http_code}' -X PUT "http://127.0.0.1:$S3_PORT/$bucket") \
      || die "s3: could not create bucket $bucket; see its log: $LOGS/s3.log"
    # 409 BucketAlreadyOwnedByYou: made by an earlier `up`.
    [[ $code == 200 || $code == 409 ]] \
      || die "s3: creating bucket $bucket answered HTTP $code; see its log: $LOGS/s3.log"
  done
}

# ---- ClickHouse 18.16 (Debian): a config of our own, database `sheaf` ----------------------------

ch_query() {  # sql: over HTTP, prints the answer
  curl -sS --fail --max-time 10 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/" --data-binary "$1"
}

clickhouse_ready() { [[ $(ch_query "SELECT 1" 2>/dev/null) == 1 ]]; }

clickhouse_start() {
  check_port_free clickhouse "$CLICKHOUSE_HTTP_PORT" SHEAF_CLUSTER_CLICKHOUSE_HTTP_PORT
  check_port_free clickhouse "$CLICKHOUSE_TCP_PORT" SHEAF_CLUSTER_CLICKHOUSE_TCP_PORT
  command -v clickhouse-server >/dev/null || ensure_debian_packages clickhouse-server
  command -v curl >/dev/null || ensure_debian_packages curl
  local dir="$STATE/clickhouse" user=clickhouse
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$LOGS" "$RUN"
  id "$user" >/dev/null 2>&1 || user=$(id -un)
  run_as "$user"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<!-- Written by scripts/cluster: one ClickHouse server for local tests, loopback only. -->
<yandex>
    <logger>
        <!-- To stderr, which scripts/cluster sends to \$SHEAF_CLUSTER_DIR/logs/clickhouse.log -->
        <level>information</level>
        <console>1</console>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$CLICKHOUSE_HTTP_PORT</http_port>
    <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
    <max_connections>1024</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<!-- Written by scripts/cluster: user "default", no password, from loopback only. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval><duration>3600</duration><queries>0</queries><errors>0</errors>
                <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
XML
  give_to "$user" "$dir"
  log "starting clickhouse on 127.0.0.1:$CLICKHOUSE_HTTP_PORT (http) and :$CLICKHOUSE_TCP_PORT (native)"
  (cd "$dir" && spawn clickhouse "$LOGS/clickhouse.log" "${RUN_AS[@]}" clickhouse-server \
    --config-file="$dir/config.xml")
  wait_ready clickhouse "$LOGS/clickhouse.log" clickhouse_ready
  ch_query "CREATE DATABASE IF NOT EXISTS sheaf" >/dev/null \
    || die "clickhouse: could not create database sheaf; see its log: $LOGS/clickhouse.log"
}
