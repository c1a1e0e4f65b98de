# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by scripts/cluster: per engine, ENGINE_start (install, configure, spawn, wait, seed),
# ENGINE_ready (true iff it answers) and ENGINE_stop. Uses the settings and helpers defined there.

# ---- Kafka: one KRaft node acting as broker and controller -----------------------------------

kafka_classpath() {
  local jars
  jars=$(ensure_jars kafka "$KAFKA_VERSION")
  printf '%s/*\n' "$jars"
}

kafka_ready() {
  local logfile="$LOGS/kafka-server.log" from
  from=$(cat "$RUN/kafka.logpos" 2>/dev/null || echo 0)
  port_open "$KAFKA_PORT" \
    && tail -c "+$((from + 1))" "$logfile" 2>/dev/null | grep -q "Kafka Server started"
}

kafka_start() {
  check_ports_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
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

kafka_stop() { stop_engine kafka TERM; }

# PostgreSQL: SIGTERM is its "smart" shutdown, which waits for every client to leave; SIGINT is
# the "fast" one, which ends sessions and checkpoints.
postgres_stop() { stop_engine postgres INT; }
redis_stop() { stop_engine redis TERM; }
s3_stop() { stop_engine s3 TERM; }
clickhouse_stop() { stop_engine clickhouse TERM; }
