#!/usr/bin/env bash
# The standard benchmark suite of the PairDB coordinator, against its own speed-of-light
# baseline, on this machine, in one run.
#
# Starts three storage nodes (in-memory emulators, or with --storage durable the RocksDB storage
# node, each with a data directory under the work directory), the coordinator in dev mode
# (embedded PostgreSQL and Redis, the nodes registered as its nodes, a tenant 'bench' with RF 3) and the baseline proxy in
# front of the same nodes; then runs quorum writes, quorum reads and a 90/10 mix at fixed
# concurrencies against each, writes with causal context, and paced runs at 70 % of the
# measured maximum. CPU per request comes from /proc/PID/stat. The results go into
# bench/RESULTS.md (newest first) with the machine, the commit, the date and every command.
#
#   bench/run.sh                 full suite, 15 s per run after a 5 s warm-up (about 10 minutes)
#   bench/run.sh --quick         3 s per run after 1 s, a smaller key space; prints, writes no file
#   bench/run.sh --security      instead of the suite: what security costs, quorum writes and reads at the
#                                highest concurrency through three coordinators in front of the same nodes:
#                                TLS + API key (dev mode as it comes), API key over plaintext, and
#                                authentication off (plaintext); rounds alternate between the three
#   bench/run.sh --slow-replica  instead of the suite: one slow replica (node-3, an emulator) — healthy, a
#                                steady extra delay, rare long stalls — quorum writes and reads at the lowest
#                                concurrency with speculation off and on (the tenant's policy), side by side;
#                                --slow-delay MS (default 20), --stall P,MS (default 0.01,300)
#   bench/run.sh --bootstrap     instead of the suite: a fourth emulator joins the three holding --keys keys of
#                                --value-size bytes (node add --watch through the admin API); MiB/s, keys/s and
#                                the time, against a bare StreamRange -> WriteBatch copy between the same emulators;
#                                --throttle MIB caps the coordinator's streaming first (pairdb-admin change throttle)
#   bench/run.sh --bootstrap-traffic  instead of the suite: quorum write and read latency of a steady paced load (50/50,
#                                --traffic-rate ops/s, default a quarter of the most measured) three ways: no change
#                                running (--duration s), while node-4 joins unthrottled, and while node-5 joins with the
#                                throttle at half the unthrottled streaming rate; each join's window is its streaming
#                                (from the coordinator's log). Size --keys so that a join streams for several seconds
#   bench/run.sh --quota         instead of the suite: tenant 'quota-limited' with a quota of --quota-ops ops/s (default
#                                100) offered --offered-rate writes/s (default 1000), alongside tenant 'bench' without a
#                                quota writing unpaced at the lowest concurrency; 'bench' alone first, then both at once
#   bench/run.sh --overload      instead of the suite: the most quorum writes/s at concurrency 64, then unpaced writes at
#                                --overload-concurrency (default 4000, over 32 channels) for 30 s (or --duration):
#                                the share answered RESOURCE_EXHAUSTED and how fast, the accepted writes' p99 against
#                                their --overload-deadline (default 2s) at the client and inside the coordinator (its
#                                latency histogram), the coordinator's peak heap (jstat, 1 s samples) and RSS; then
#                                /health/readiness and a normal write and read; --overload-honour-retry-delay: each of
#                                the 4000 waits out the RetryInfo delay of a shed write before its next (default: at once)
#   options: --duration S  --value-size B (default 128)  --warmup S  --concurrency "16 64"  --keys N  --label TEXT
#            --storage emulator|durable (default emulator)  --sync always|periodic|none (durable
#            nodes' WAL sync policy, default periodic)
#            --out FILE (default bench/RESULTS.md; --quick: none)  --profile DIR (JFR of the
#            coordinator during the write run at the highest concurrency, or with --bootstrap during the
#            join, and its hot methods)
#            --keep DIR (every run's JSON report and every process's log)
#            --traffic-rate N (--bootstrap-traffic: the steady load, requests per second)
#
# Every process it starts is stopped on exit, whatever the exit. Needs a JDK 25 and the jars
# (./mvnw -B package -DskipTests); uses only 127.0.0.1 and free ports. PAIRDB_COORDINATOR_JAR,
# PAIRDB_EMULATOR_JAR, PAIRDB_STORAGE_NODE_JAR and PAIRDB_ADMIN_JAR run other builds instead.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/bin/lib/jdk.sh"
find_jdk

duration=15
warmup=5
concurrencies="16 64"
keys=10000
value_size=128
label=""
storage=emulator
sync=periodic
out="$repo/bench/RESULTS.md"
quick=0
profile_dir=""
keep_dir=""
out_given=0
time_limit=900   # seconds; the suite stops there whatever it has done
security=0
slow_replica=0
slow_delay_ms=20
stall="0.01,300"
bootstrap=0
bootstrap_traffic=0
traffic_rate=""
throttle=""
quota=0
quota_ops=100
offered_rate=1000
overload=0
overload_concurrency=4000
overload_deadline=2s
overload_retry_delay=off
duration_given=0
command_line="bench/run.sh$(printf ' %q' "$@")"
for variable in PAIRDB_COORDINATOR_JAR PAIRDB_EMULATOR_JAR PAIRDB_STORAGE_NODE_JAR PAIRDB_ADMIN_JAR \
    PAIRDB_FAILURE_DETECTOR_TIMEOUT; do
  if [ -n "${!variable:-}" ]; then
    command_line="$variable=${!variable} $command_line"
  fi
done

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; duration=3; warmup=1; keys=2000 ;;
    --security) security=1 ;;
    --slow-replica) slow_replica=1 ;;
    --slow-delay) slow_delay_ms="$2"; shift ;;
    --stall) stall="$2"; shift ;;
    --bootstrap) bootstrap=1 ;;
    --bootstrap-traffic) bootstrap_traffic=1 ;;
    --traffic-rate) traffic_rate="$2"; shift ;;
    --throttle) throttle="$2"; shift ;;
    --quota) quota=1 ;;
    --quota-ops) quota_ops="$2"; shift ;;
    --offered-rate) offered_rate="$2"; shift ;;
    --overload) overload=1 ;;
    --overload-concurrency) overload_concurrency="$2"; shift ;;
    --overload-deadline) overload_deadline="$2"; shift ;;
    --overload-honour-retry-delay) overload_retry_delay=on ;;
    --value-size) value_size="$2"; shift ;;
    --duration) duration="$2"; duration_given=1; shift ;;
    --warmup) warmup="$2"; shift ;;
    --concurrency) concurrencies="$2"; shift ;;
    --keys) keys="$2"; shift ;;
    --label) label="$2"; shift ;;
    --storage) storage="$2"; shift ;;
    --sync) sync="$2"; shift ;;
    --out) out="$2"; out_given=1; shift ;;
    --profile) profile_dir="$2"; shift ;;
    --keep) keep_dir="$2"; shift ;;
    -h|--help) sed -n '2,50p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done
case "$storage" in emulator|durable) ;; *) echo "error: --storage is emulator or durable, not $storage" >&2; exit 1 ;; esac
case "$sync" in always|periodic|none) ;; *) echo "error: --sync is always, periodic or none, not $sync" >&2; exit 1 ;; esac
if [ "$slow_replica" = 1 ] && { [ "$storage" != emulator ] || [ "$security" = 1 ]; }; then
  echo "error: --slow-replica needs --storage emulator (its fault hooks) and cannot go with --security" >&2
  exit 1
fi
if ! [[ "$slow_delay_ms" =~ ^[0-9]+$ ]] || ! [[ "$stall" =~ ^(0(\.[0-9]+)?|1(\.0+)?),[0-9]+$ ]]; then
  echo "error: --slow-delay is milliseconds (e.g. 20), --stall a probability and milliseconds (e.g. 0.01,300)" >&2
  exit 1
fi
if [ $(( bootstrap + bootstrap_traffic )) -gt 0 ] && [ "$storage" != emulator ]; then
  echo "error: --bootstrap and --bootstrap-traffic run on emulator nodes only" >&2; exit 1
fi
if [ $(( security + slow_replica + bootstrap + bootstrap_traffic + quota + overload )) -gt 1 ]; then
  echo "error: --security, --slow-replica, --bootstrap, --bootstrap-traffic, --quota and --overload each replace" \
    "the suite; give one" >&2
  exit 1
fi
if [ -n "$traffic_rate" ] && ! [[ "$traffic_rate" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: --traffic-rate is a positive whole number of requests per second, not $traffic_rate" >&2; exit 1
fi
if ! [[ "$quota_ops" =~ ^[1-9][0-9]*$ ]] || ! [[ "$offered_rate" =~ ^[1-9][0-9]*$ ]] \
    || ! [[ "$overload_concurrency" =~ ^[1-9][0-9]*$ ]] || ! [[ "$overload_deadline" =~ ^[1-9][0-9]*(ms|s)$ ]]; then
  echo "error: --quota-ops, --offered-rate and --overload-concurrency are positive whole numbers," \
    "--overload-deadline a duration such as 2s or 500ms" >&2
  exit 1
fi
if [ "$overload" = 1 ] && [ "$duration_given" = 0 ]; then
  duration=30
fi
if [ "$quick" = 1 ] && [ "$out_given" = 0 ]; then
  out=""
fi

coordinator_source="${PAIRDB_COORDINATOR_JAR:-$repo/coordinator-app/target/pairdb-coordinator.jar}"
if [ "$storage" = durable ]; then
  node_source="${PAIRDB_STORAGE_NODE_JAR:-$repo/storage-node/target/pairdb-storage-node.jar}"
else
  node_source="${PAIRDB_EMULATOR_JAR:-$repo/storage-node-emulator/target/pairdb-storage-emulator.jar}"
fi
admin_source="${PAIRDB_ADMIN_JAR:-$repo/pairdb-admin-cli/target/pairdb-admin.jar}"
for jar in "$coordinator_source" "$node_source" "$admin_source"; do
  if [ ! -f "$jar" ]; then
    echo "error: $jar is missing; build the jars first: ./mvnw -B package -DskipTests" >&2
    exit 1
  fi
done
JCMD="$JAVA_HOME/bin/jcmd"
JFR="$JAVA_HOME/bin/jfr"
clock_ticks="$(getconf CLK_TCK)"

work="$(mktemp -d /tmp/pairdb-bench.XXXXXX)"
mkdir -p "$work/runs"
# dev mode's CA and admin token for this run only (the coordinators make them, pairdb-admin finds them)
export PAIRDB_HOME="$work/pairdb-home"
started_pids=()
dependency_pids=""

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# publish FILE: prints a markdown section and, unless --quick, inserts it into $out under the marker (newest first)
publish() {
  local section="$1"
  if [ -z "$out" ]; then
    cat "$section"
    return
  fi
  local marker='<!-- bench/run.sh inserts new results below this line -->'
  if [ ! -f "$out" ] || ! grep -qF "$marker" "$out"; then
    printf '# Benchmark results\n\nWritten by `bench/run.sh`, newest first.\n\n%s\n' "$marker" >>"$out"
  fi
  awk -v marker="$marker" -v section="$section" '
    { print }
    $0 == marker { print ""; while ((getline line < section) > 0) print line }
  ' "$out" >"$work/out.md"
  cp "$work/out.md" "$out"
  log "results written to $out"
  cat "$section"
}

cleanup() {
  local status=$?
  set +e
  # newest first: the proxy and the coordinator before the nodes they call
  for (( i=${#started_pids[@]}-1; i>=0; i-- )); do
    kill -TERM "${started_pids[$i]}" 2>/dev/null
  done
  for pid in "${started_pids[@]}"; do
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
  done
  # PostgreSQL and Redis of dev mode, should the coordinator not have stopped them
  for pid in ${dependency_pids//,/ }; do
    case "$(ps -o comm= -p "$pid" 2>/dev/null)" in
      postgres*|redis*) kill -TERM "$pid" 2>/dev/null ;;
    esac
  done
  if [ -n "$keep_dir" ]; then
    mkdir -p "$keep_dir"
    cp -r "$work/runs" "$work"/*.log "$work"/*.tsv "$work"/*.properties "$keep_dir/" 2>/dev/null
  fi
  if [ "$status" -ne 0 ]; then
    log "failed (exit $status); logs kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The copies are what runs: a rebuild in the checkout meanwhile does not swap jars under the suite.
coordinator_jar="$work/pairdb-coordinator.jar"
node_jar="$work/$(basename "$node_source")"
admin_jar="$work/pairdb-admin.jar"
cp "$coordinator_source" "$coordinator_jar"
cp "$node_source" "$node_jar"
cp "$admin_source" "$admin_jar"
# The bench client and the proxy run with the JIT and Netty's fast paths, like the coordinator
# (the pairdb-admin launcher's C1-only flags suit one-shot commands, not a load generator).
java_opts=(--sun-misc-unsafe-memory-access=allow -Dio.grpc.netty.shaded.io.netty.noUnsafe=false)

# free_port: sets $port to a port nothing listens on and this script has not handed out yet
# (not in a $(...) subshell, so the list of handed-out ports survives)
used_ports=" "
free_port() {
  local candidate
  for _ in $(seq 1 200); do
    candidate=$(( 20000 + RANDOM % 12000 ))
    case "$used_ports" in *" $candidate "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      used_ports="$used_ports$candidate "
      port="$candidate"
      return 0
    fi
  done
  echo "error: no free port found" >&2
  return 1
}

# wait_for FILE PATTERN SECONDS PID: until FILE has a line matching PATTERN, the process dies, or time runs out
wait_for() {
  local file="$1" pattern="$2" seconds="$3" pid="$4"
  for _ in $(seq 1 $(( seconds * 10 ))); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: process $pid stopped before it was ready; its log ($file):" >&2
      tail -20 "$file" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "error: not ready after ${seconds}s; see $file" >&2
  return 1
}

descendants() {
  local parent="$1" child
  for child in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# admin_at PORT ARGS...: one pairdb-admin command against the coordinator on PORT (a minute to answer: on a
# machine loaded by others, a node add took more than the CLI's default 10 s)
admin_at() {
  local at="$1"
  shift
  "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow -jar "$admin_jar" \
    --addr "127.0.0.1:$at" --timeout 60s "$@"
}
admin() { admin_at "$coordinator_port" "$@"; }

check_time() {
  if [ "$SECONDS" -ge "$time_limit" ]; then
    log "time limit of ${time_limit}s reached; stopping the suite"
    exit 3
  fi
}

# --- the stack ------------------------------------------------------------------------------
log "work directory $work"
node_ports=()
storage_pids=()
for n in 1 2 3; do
  free_port
  node_args=(--port "$port" --node-id "node-$n")
  if [ "$storage" = durable ]; then
    node_args+=(--data-dir "$work/data/node-$n" --sync "$sync")
  fi
  "$JAVA" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -jar "$node_jar" "${node_args[@]}" \
    >"$work/node-$n.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  storage_pids+=("$pid")
  disown "$pid"  # cleanup stops it; no "Killed" notice from the shell
  node_ports+=("$port")
done
for n in 0 1 2; do
  wait_for "$work/node-$((n + 1)).log" ready 60 "${storage_pids[$n]}"
done
log "$storage storage nodes ready on ports ${node_ports[*]}$([ "$storage" = durable ] && echo " (sync $sync)")"

# start_coordinator NAME [ARGUMENTS...]: a dev-mode coordinator (its own embedded PostgreSQL and Redis)
# with the storage nodes registered and the tenant 'bench'; sets $port (gRPC) and $pid. ADMIN holds the
# pairdb-admin options that reach it.
start_coordinator() {
  local name="$1"
  shift
  free_port; local grpc="$port"
  free_port; local http="$port"
  # A short shutdown grace: the suite has nothing in flight when it stops the coordinator. A long
  # probe timeout: the suite saturates every CPU on purpose, and health probes starved of CPU for
  # 0.5 s (the default) would mark healthy nodes DOWN and fail writes (see RESULTS.md).
  GRPC_SERVER_PORT="$grpc" MICRONAUT_SERVER_PORT="$http" PAIRDB_SHUTDOWN_GRACE_PERIOD=5s \
    PAIRDB_FAILURE_DETECTOR_TIMEOUT="${PAIRDB_FAILURE_DETECTOR_TIMEOUT:-5s}" \
    "$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$coordinator_jar" --dev --nodes 0 "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  disown "$pid"
  wait_for "$work/$name.log" ready 180 "$pid"
  log "$name ready on port $grpc (pid $pid)"
  local tenant=bench
  [ "$name" = coordinator ] || tenant="bench-$name"
  # on a busy machine a node's first health probe can miss its deadline: the node add is tried again
  for n in 1 2 3; do
    local try
    for try in 1 2 3 4 5; do
      if admin_at "$grpc" "${ADMIN[@]}" node add "node-$n" --host 127.0.0.1 --port "${node_ports[$((n - 1))]}" \
          >>"$work/admin.log" 2>&1; then
        break
      fi
      [ "$try" -lt 5 ] || { echo "error: node-$n could not be added; see $work/admin.log" >&2; return 1; }
      log "node-$n not added (try $try; see admin.log); trying again"
      sleep 2
    done
  done
  admin_at "$grpc" "${ADMIN[@]}" tenant create "$tenant" --rf 3 >>"$work/admin.log" 2>&1
  port="$grpc"
  http_port="$http"
}

ADMIN=()
start_coordinator coordinator
coordinator_port="$port"; coordinator_pid="$pid"; coordinator_http_port="$http_port"

declare -A security_port security_pid security_admin
if [ "$security" = 1 ]; then
  # The same dev mode with the API key over plaintext (no certificate: TLS off), and with authentication off.
  ADMIN=(--plaintext --insecure --token-file "$PAIRDB_HOME/token")
  start_coordinator plain --pairdb.security.tls.cert-file= --pairdb.security.tls.key-file=
  security_port[plain]="$port"; security_pid[plain]="$pid"; security_admin[plain]="${ADMIN[*]}"
  ADMIN=(--plaintext)
  start_coordinator open --pairdb.security.authentication=off
  security_port[open]="$port"; security_pid[open]="$pid"; security_admin[open]="${ADMIN[*]}"
fi

free_port; proxy_port="$port"
if [ $(( security + bootstrap + bootstrap_traffic + quota + overload )) = 0 ]; then
nodes_arg="127.0.0.1:${node_ports[0]},127.0.0.1:${node_ports[1]},127.0.0.1:${node_ports[2]}"
"$JAVA" "${java_opts[@]}" -jar "$admin_jar" bench baseline-proxy --port "$proxy_port" --nodes "$nodes_arg" \
  >"$work/proxy.log" 2>&1 &
proxy_pid=$!
started_pids+=("$proxy_pid")
disown "$proxy_pid"
wait_for "$work/proxy.log" ready 60 "$proxy_pid"
log "baseline proxy ready on port $proxy_port (pid $proxy_pid)"
fi

# PostgreSQL and Redis run as children of the coordinator (backends are children of the postmaster).
dependency_pids="$(descendants "$coordinator_pid" | paste -sd, -)"
storage_cpu="storage=$(IFS=,; echo "${storage_pids[*]}")"

# --- the runs -------------------------------------------------------------------------------
run_number=0
# bench_run NAME TARGET WORKLOAD OPTIONS...: one run; its JSON report goes to runs/NAME.json
bench_run() {
  local name="$1" target="$2" workload="$3"
  shift 3
  check_time
  local addr tenant cpu
  local transport=()
  case "$target" in
    coordinator)
      addr="127.0.0.1:$coordinator_port"; tenant="${run_tenant:-bench}"
      cpu=(--measure-cpu "coordinator=$coordinator_pid" --measure-cpu "$storage_cpu")
      [ -n "$dependency_pids" ] && cpu+=(--measure-cpu "postgres+redis=$dependency_pids") ;;
    baseline)
      addr="127.0.0.1:$proxy_port"; tenant=bench-baseline
      cpu=(--measure-cpu "baseline=$proxy_pid" --measure-cpu "$storage_cpu")
      transport=(--plaintext) ;;
    *)  # the other coordinators of --security
      addr="127.0.0.1:${security_port[$target]}"; tenant="bench-$target"
      cpu=(--measure-cpu "coordinator=${security_pid[$target]}" --measure-cpu "$storage_cpu")
      read -r -a transport <<<"${security_admin[$target]}" ;;
  esac
  local args=(bench "$workload" --addr "$addr" --tenant "$tenant" --keys "$keys" --value-size "$value_size"
              --clock-ticks "$clock_ticks" "${cpu[@]}" ${transport[@]+"${transport[@]}"} -o json "$@")
  run_number=$((run_number + 1))
  log "run $run_number: $name"
  local status=0
  "$JAVA" "${java_opts[@]}" -jar "$admin_jar" "${args[@]}" >"$work/runs/$name.json" 2>"$work/runs/$name.err" || status=$?
  if [ "$status" -ne 0 ] && [ ! -s "$work/runs/$name.json" ]; then
    echo "error: run $name failed (exit $status):" >&2
    cat "$work/runs/$name.err" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$target" "$(uptime | sed 's/.*load average: //')" \
    "java ${java_opts[*]} -jar pairdb-admin.jar ${args[*]}" >>"$work/runs.tsv"
}

ops_per_second() {
  sed -n 's/^  "ops_per_second" : \([0-9.]*\).*/\1/p' "$work/runs/$1.json" | head -1
}

# latency_us RUN PERCENTILE: that percentile of the run's latency in µs (p50, p99, ...)
latency_us() {
  awk -v key="\"$2\"" '/"latency_us"/ { inside = 1 }
    inside && $1 == key { gsub(/[^0-9.]/, "", $3); print $3; exit }' "$work/runs/$1.json"
}

timed=(--duration "${duration}s" --warmup "${warmup}s")
load_at_start="$(uptime | sed 's/.*load average: //')"

highest=0
for c in $concurrencies; do
  [ "$c" -gt "$highest" ] && highest="$c"
done

if [ "$security" = 1 ]; then
  targets=(coordinator plain open)
  for target in "${targets[@]}"; do
    bench_run "preload-$target" "$target" write --preload on --ops 1 --warmup 0s --concurrency 64 --no-progress
    bench_run "jit-warmup-$target" "$target" mixed --read-ratio 0.5 --concurrency 64 --preload off --no-progress \
      --duration "$(( warmup * 4 ))s" --warmup 0s
  done
  # rounds alternate the three, so that a change in the machine's load falls on all of them alike
  rounds=2
  for round in $(seq 1 "$rounds"); do
    for workload in write read; do
      for target in "${targets[@]}"; do
        bench_run "security-$workload-r$round-$target" "$target" "$workload" --concurrency "$highest" --preload off \
          --no-progress "${timed[@]}"
      done
    done
  done
  mean() {  # mean WORKLOAD TARGET: ops/s over the rounds
    local sum=0 round
    for round in $(seq 1 "$rounds"); do
      sum="$(awk -v a="$sum" -v b="$(ops_per_second "security-$1-r$round-$2")" 'BEGIN { print a + b }')"
    done
    awk -v s="$sum" -v n="$rounds" 'BEGIN { printf "%.0f", s / n }'
  }
  mean_ms() {  # mean_ms WORKLOAD TARGET PERCENTILE: its latency in ms over the rounds
    local sum=0 round
    for round in $(seq 1 "$rounds"); do
      sum="$(awk -v a="$sum" -v b="$(latency_us "security-$1-r$round-$2" "$3")" 'BEGIN { print a + b }')"
    done
    awk -v s="$sum" -v n="$rounds" 'BEGIN { printf "%.2f", s / n / 1000 }'
  }
  cost() { awk -v with="$1" -v without="$2" 'BEGIN { printf "%+.1f %%", (without - with) * 100 / without }'; }
  {
    echo "## Security on vs off, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))"
    echo
    echo "\`$command_line\`: quorum writes and reads at concurrency $highest, ${duration} s runs after ${warmup} s,"
    echo "$keys keys, $value_size-byte values, $storage storage nodes, $(nproc) CPUs, load average at start $load_at_start;"
    echo "ops/s are the mean of $rounds rounds alternating the three coordinators."
    echo
    echo "| workload | TLS + API key | API key, plaintext | authentication off, plaintext | permission check costs | TLS costs |"
    echo "|---|---|---|---|---|---|"
    for workload in write read; do
      secure="$(mean "$workload" coordinator)"; plain="$(mean "$workload" plain)"; open="$(mean "$workload" open)"
      echo "| quorum $workload | $secure | $plain | $open | $(cost "$plain" "$open") | $(cost "$secure" "$plain") |"
    done
    echo
    echo "(A cost is the throughput lost to it: authentication and the permission check are API key vs off, TLS is"
    echo "TLS + API key vs API key over plaintext. Negative: faster, within the noise of the run.)"
    echo
    echo "| workload | coordinator | ops/s | p50 ms | p99 ms |"
    echo "|---|---|---|---|---|"
    for workload in write read; do
      for target in coordinator plain open; do
        case "$target" in
          coordinator) what="TLS + API key" ;; plain) what="API key, plaintext" ;; open) what="authentication off" ;;
        esac
        echo "| quorum $workload | $what | $(mean "$workload" "$target") | $(mean_ms "$workload" "$target" p50) |" \
          "$(mean_ms "$workload" "$target" p99) |"
      done
    done
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //')."
  } >"$work/security.md"
  publish "$work/security.md"
  log "done in ${SECONDS}s"
  exit 0
fi

if [ "$slow_replica" = 1 ]; then
  # node-3 is the slow replica; its faults change between phases through the emulator's SetFaults.
  set_faults() {  # set_faults DELAY_MS STALL_PROBABILITY STALL_MS
    "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow -cp "$node_jar" \
      "$repo/bench/SetFaults.java" "127.0.0.1:${node_ports[2]}" "$@" >>"$work/admin.log" 2>&1
  }
  stall_probability="${stall%,*}"; stall_ms="${stall#*,}"
  lowest="$highest"
  for c in $concurrencies; do
    [ "$c" -lt "$lowest" ] && lowest="$c"
  done
  # Speculation off: a fixed wait of an hour, which the coordinator caps at half the time the request
  # has left — later than any stall here, so no read is ever sent to a spare in time to matter.
  declare -A policy=([off]=3600s [on]=p99)
  phases=(healthy steady stalls)
  bench_run preload-coordinator coordinator write --preload on --ops 1 --warmup 0s --concurrency 64 --no-progress
  bench_run jit-warmup-coordinator coordinator mixed --read-ratio 0.5 --concurrency 64 --preload off --no-progress \
    --duration "$(( warmup * 4 ))s" --warmup 0s
  for phase in "${phases[@]}"; do
    case "$phase" in
      healthy) set_faults 0 0 0 ;;
      steady) set_faults "$slow_delay_ms" 0 0 ;;
      stalls) set_faults 0 "$stall_probability" "$stall_ms" ;;
    esac
    for speculation in off on; do
      admin tenant set-speculation bench "${policy[$speculation]}" >>"$work/admin.log" 2>&1 || { cat "$work/admin.log" >&2; exit 1; }
      for workload in write read; do
        bench_run "slow-$phase-$workload-$speculation" coordinator "$workload" --concurrency "$lowest" --preload off \
          --no-progress "${timed[@]}"
      done
    done
  done
  set_faults 0 0 0
  admin tenant set-speculation bench default >>"$work/admin.log" 2>&1
  ms() { awk -v us="$(latency_us "$1" "$2")" 'BEGIN { printf "%.2f", us / 1000 }'; }
  {
    echo "## One slow replica, speculation off vs on, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))"
    echo
    echo "\`$command_line\`: quorum writes and reads at concurrency $lowest, ${duration} s runs after ${warmup} s,"
    echo "$keys keys, $value_size-byte values, three emulators with RF 3, $(nproc) CPUs, load average at start $load_at_start."
    echo "node-3 is the slow replica: *steady* adds ${slow_delay_ms} ms to each of its answers, *stalls* holds"
    echo "an answer ${stall_ms} ms with probability ${stall_probability}. Speculation *off* is the tenant policy"
    echo "\`3600s\` (capped at half the deadline, so never in time to matter), *on* is \`p99\`."
    echo
    echo "| node-3 | workload | speculation | ops/s | p50 ms | p99 ms | p99.9 ms | max ms |"
    echo "|---|---|---|---|---|---|---|---|"
    for phase in "${phases[@]}"; do
      for workload in write read; do
        for speculation in off on; do
          run="slow-$phase-$workload-$speculation"
          echo "| $phase | quorum $workload | $speculation | $(ops_per_second "$run") | $(ms "$run" p50) |" \
            "$(ms "$run" p99) | $(ms "$run" p99_9) | $(ms "$run" max) |"
        done
      done
    done
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //'). On a shared, loaded machine these"
    echo "figures are dominated by noise; compare off and on within one phase, not across runs."
  } >"$work/slow-replica.md"
  publish "$work/slow-replica.md"
  log "done in ${SECONDS}s"
  exit 0
fi

# percent PART WHOLE, ms MICROS: figures for the reports below
percent() { awk -v p="$1" -v w="$2" 'BEGIN { printf "%.1f", (w > 0 ? p * 100 / w : 0) }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
# field RUN JQ_FILTER: a figure of a run's JSON report (0 when absent)
field() { jq -r "($2) // 0" "$work/runs/$1.json"; }

if [ "$quota" = 1 ]; then
  # 'quota-limited' may send $quota_ops ops/s to the cluster; with one coordinator its share is all of it.
  admin tenant create quota-limited --rf 3 >>"$work/admin.log" 2>&1
  admin tenant set-quota quota-limited --ops-per-second "$quota_ops" >>"$work/admin.log" 2>&1 \
    || { cat "$work/admin.log" >&2; exit 1; }
  lowest="$highest"
  for c in $concurrencies; do
    [ "$c" -lt "$lowest" ] && lowest="$c"
  done
  bench_run jit-warmup-coordinator coordinator write --concurrency 64 --preload off --no-progress \
    --duration "$(( warmup * 4 ))s" --warmup 0s
  bench_run quota-bench-alone coordinator write --concurrency "$lowest" --preload off --no-progress "${timed[@]}"
  # both at once: the limited tenant paced at the offered rate, 'bench' as fast as its concurrency allows. A
  # throttled request is answered at once, but an accepted one takes a write's time: with as many requests in
  # flight as are offered per second, the offered rate holds while the accepted writes take under a second
  # (with 64, a loaded machine's slow writes held it to about 115/s of 1 000)
  limited_concurrency=$(( offered_rate < 10000 ? offered_rate : 10000 ))
  run_tenant=quota-limited bench_run quota-limited coordinator write --concurrency "$limited_concurrency" \
    --channels 8 --rate "$offered_rate" --preload off --no-progress "${timed[@]}" &
  limited_job=$!
  bench_run quota-bench-alongside coordinator write --concurrency "$lowest" --preload off --no-progress "${timed[@]}"
  wait "$limited_job"
  offered="$(field quota-limited '(.ops + .errors) / .elapsed_seconds | floor')"
  throttled="$(field quota-limited '.errors_by_status.RESOURCE_EXHAUSTED')"
  {
    echo "## Per-tenant quota, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))${label:+, $label}"
    echo
    echo "\`$command_line\`: one coordinator, three $storage nodes, RF 3, quorum writes of $value_size bytes, ${duration} s"
    echo "runs after ${warmup} s. Tenant \`quota-limited\` has \`set-quota --ops-per-second $quota_ops\` and is offered"
    echo "$offered_rate writes/s (paced, up to $limited_concurrency in flight); tenant \`bench\` has no quota and writes unpaced at concurrency $lowest,"
    echo "first alone, then alongside. $(nproc) CPUs, load average at start $load_at_start."
    echo
    echo "| tenant | run | offered/s | ops/s through | throttled (RESOURCE_EXHAUSTED) | other errors | p50 ms | p99 ms | throttled answered in p50 / p99 ms |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for run in quota-bench-alone quota-bench-alongside quota-limited; do
      case "$run" in
        quota-bench-alone) what="bench | alone" ;; quota-bench-alongside) what="bench | alongside quota-limited" ;;
        quota-limited) what="quota-limited ($quota_ops ops/s) | alongside bench" ;;
      esac
      echo "| $what | $(field "$run" '(.ops + .errors) / .elapsed_seconds | floor') | $(ops_per_second "$run") |" \
        "$(field "$run" '.errors_by_status.RESOURCE_EXHAUSTED') | $(field "$run" '.errors - (.errors_by_status.RESOURCE_EXHAUSTED // 0)') |" \
        "$(ms "$(latency_us "$run" p50)") | $(ms "$(latency_us "$run" p99)") |" \
        "$(ms "$(field "$run" '.error_latency_us.RESOURCE_EXHAUSTED.p50')") / $(ms "$(field "$run" '.error_latency_us.RESOURCE_EXHAUSTED.p99')") |"
    done
    echo
    echo "\`quota-limited\` got $(ops_per_second quota-limited) ops/s through against its quota of $quota_ops, of $offered offered"
    echo "($throttled throttled$(awk -v o="$offered" -v a="$offered_rate" 'BEGIN { if (o < a * 0.9) printf \
      "; the client sent less than the %d/s asked: the machine could not keep up", a }'));"
    echo "\`bench\` wrote $(ops_per_second quota-bench-alone) ops/s alone and $(ops_per_second quota-bench-alongside) alongside"
    echo "($(awk -v a="$(ops_per_second quota-bench-alone)" -v b="$(ops_per_second quota-bench-alongside)" \
      'BEGIN { printf "%+.1f %%", (a > 0 ? (b - a) * 100 / a : 0) }')): the two share one machine's CPUs, so some of"
    echo "that difference is the throttled tenant's load itself, answered or not. Paced, a latency counts from when"
    echo "the request was due, so the throttled answers' times include any wait in the client for a free slot."
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //'). On a shared, loaded machine these"
    echo "figures are dominated by noise."
  } >"$work/quota.md"
  publish "$work/quota.md"
  log "done in ${SECONDS}s"
  exit 0
fi

if [ "$overload" = 1 ]; then
  JSTAT="$JAVA_HOME/bin/jstat"
  bench_run jit-warmup-coordinator coordinator write --concurrency 64 --preload off --no-progress \
    --duration "$(( warmup * 4 ))s" --warmup 0s
  bench_run overload-max coordinator write --concurrency 64 --preload off --no-progress --duration 10s \
    --warmup "${warmup}s"
  rss_before_kib="$(awk '/^VmRSS/ { print $2 }' "/proc/$coordinator_pid/status")"
  # shed_by_coordinator: the calls the coordinator itself counts as shed (coordinator_requests_shed_total, all
  # labels; absent until the first), from /prometheus ("?" when it does not answer); tells its shedding apart
  # from requests that waited for their deadline elsewhere
  shed_by_coordinator() {
    curl -s -f -m 10 "http://127.0.0.1:$coordinator_http_port/prometheus" >"$work/prometheus.txt" 2>/dev/null \
      || { echo "?"; return; }
    awk '/^coordinator_requests_shed_total/ { n += $NF } END { printf "%.0f", n }' "$work/prometheus.txt"
  }
  shed_before="$(shed_by_coordinator)"
  cp "$work/prometheus.txt" "$work/prometheus-before.txt" 2>/dev/null || true
  # write_histogram FILE: the coordinator's own write latencies (coordinator_request_duration_seconds, operation
  # write, every consistency), one "bound count" line per bucket, cumulative: the time from its handler's start to
  # its answer, so without the queueing in the client and the transport before a call reaches the coordinator
  write_histogram() {
    curl -s -f -m 10 "http://127.0.0.1:$coordinator_http_port/prometheus" 2>/dev/null \
      | awk '/^coordinator_request_duration_seconds_bucket\{/ && /operation="write"/ {
          match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); n[le] += $NF }
        END { for (le in n) print le, n[le] }' >"$1"
  }
  write_histogram "$work/writes-before.txt"
  # the heap every second while the overload runs (young + old generation used, KiB)
  "$JSTAT" -gc "$coordinator_pid" 1000 >"$work/jstat.log" 2>&1 &
  jstat_pid=$!
  started_pids+=("$jstat_pid")
  disown "$jstat_pid"
  # the readiness probe every 5 s meanwhile: its HTTP status and seconds
  (
    for _ in $(seq 1 $(( (duration + warmup) / 5 ))); do
      sleep 5
      curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}\n' \
        "http://127.0.0.1:$coordinator_http_port/health/readiness" || echo "000 10"
    done
  ) >"$work/health-during.log" 2>&1 &
  probe_job=$!
  # the calls the coordinator holds in flight, every second meanwhile (coordinator_requests_in_flight)
  (
    for _ in $(seq 1 $(( duration + warmup + 10 ))); do
      curl -s -m 2 "http://127.0.0.1:$coordinator_http_port/prometheus" \
        | awk '/^coordinator_requests_in_flight/ { printf "%.0f\n", $NF }'
      sleep 1
    done
  ) >"$work/in-flight.log" 2>&1 &
  in_flight_job=$!
  # only when asked for, so that an older admin jar (PAIRDB_ADMIN_JAR) without the option still runs the default
  retry_delay_option=()
  if [ "$overload_retry_delay" = on ]; then retry_delay_option=(--honour-retry-delay on); fi
  bench_run overload coordinator write --concurrency "$overload_concurrency" --channels 32 \
    --timeout "$overload_deadline" "${retry_delay_option[@]}" --preload off --no-progress "${timed[@]}"
  wait "$probe_job" || true
  shed_after="$(shed_by_coordinator)"
  # the calls shed over the run by the limit that shed them (requests, bytes, deadline), e.g. "requests 4100, deadline 20"
  shed_by_limit="$(awk '
    /^coordinator_requests_shed_total/ && match($0, /limit="[a-z]+"/) {
      limit = substr($0, RSTART + 7, RLENGTH - 8)
      n[limit] += (FILENAME ~ /before/ ? -$NF : $NF)
    }
    END { sep = ""; for (l in n) { printf "%s%s %.0f", sep, l, n[l]; sep = ", " } }
  ' "$work/prometheus-before.txt" "$work/prometheus.txt" 2>/dev/null || true)"
  write_histogram "$work/writes-after.txt"
  # of the writes the coordinator handled during the run: how many it answered within the deadline, and the
  # bucket bounds of their p50 and p99
  inside="$(awk -v deadline="$overload_deadline" '
    function seconds(d) { if (d ~ /ms$/) return substr(d, 1, length(d) - 2) / 1000; sub(/s$/, "", d); return d + 0 }
    function bound(le) { return le == "+Inf" ? 1e300 : le + 0 }
    NR == FNR { before[$1] = $2; next }
    { le[$1] = 1; count[$1] = $2 - before[$1] }
    END {
      n = 0; for (b in le) order[++n] = b
      for (i = 2; i <= n; i++) for (j = i; j > 1 && bound(order[j]) < bound(order[j - 1]); j--) {
        t = order[j]; order[j] = order[j - 1]; order[j - 1] = t }
      total = n > 0 ? count[order[n]] : 0; within = 0; limit = seconds(deadline)
      for (i = 1; i <= n; i++) {
        if (bound(order[i]) <= limit) within = count[order[i]]
        if (p50 == "" && count[order[i]] >= 0.5 * total) p50 = order[i]
        if (p99 == "" && count[order[i]] >= 0.99 * total) p99 = order[i]
      }
      if (total <= 0) { print "none"; exit }
      printf "%d of %d (%.2f %%) within %s; p50 at most %s s, p99 at most %s s", within, total, 100 * within / total,
        deadline, p50, p99
    }' "$work/writes-before.txt" "$work/writes-after.txt" 2>/dev/null || echo "unknown")"
  kill -TERM "$in_flight_job" 2>/dev/null || true
  peak_in_flight="$(awk '$1 ~ /^[0-9]+$/ && $1 > peak { peak = $1 } END { print peak + 0 }' "$work/in-flight.log")"
  kill -TERM "$jstat_pid" 2>/dev/null || true
  peak_heap_kib="$(awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 ~ /^[0-9.]+$/ { used = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (used > peak) peak = used }
    END { printf "%.0f", peak }' "$work/jstat.log")"
  max_heap_bytes="$("$JCMD" "$coordinator_pid" VM.flags 2>/dev/null | tr ' ' '\n' | sed -n 's/^-XX:MaxHeapSize=//p')"
  peak_rss_kib="$(awk '/^VmHWM/ { print $2 }' "/proc/$coordinator_pid/status")"
  health_during="$(awk '{ n++; if ($1 == 200) ok++; if ($2 > worst) worst = $2 }
    END { printf "%d of %d probes 200, slowest %.2f s", ok, n, worst }' "$work/health-during.log")"
  # afterwards: still up, ready, and a normal write and read
  alive=no; kill -0 "$coordinator_pid" 2>/dev/null && alive=yes
  ready_after="$(curl -s -o /dev/null -m 10 -w '%{http_code}' "http://127.0.0.1:$coordinator_http_port/health/readiness" || echo 000)"
  after=failed
  if admin kv put bench after-overload still-serving >>"$work/admin.log" 2>&1 \
      && [ "$(admin kv get bench after-overload --raw 2>>"$work/admin.log")" = still-serving ]; then
    after="written and read back"
  fi
  requests="$(field overload '.ops + .errors')"
  shed="$(field overload '.errors_by_status.RESOURCE_EXHAUSTED')"
  mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
  {
    echo "## Overload, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))${label:+, $label}"
    echo
    echo "\`$command_line\`: one coordinator (default limits: 1 000 requests in flight), three $storage nodes, RF 3,"
    echo "quorum writes of $value_size bytes. First the most it does: concurrency 64 for 10 s; then unpaced writes at"
    echo "concurrency $overload_concurrency over 32 channels for ${duration} s after ${warmup} s, each with a deadline of"
    echo "$overload_deadline$([ "$overload_retry_delay" = on ] && echo ", each waiting out a shed write's retry delay before its next")."
    echo "$(nproc) CPUs, load average at start $load_at_start."
    echo
    echo "| run | requests/s sent | ops/s accepted and written | RESOURCE_EXHAUSTED | other errors | accepted p50 ms | p99 ms | p99.9 ms | max ms |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for run in overload-max overload; do
      echo "| $run (c $(field "$run" .concurrency)) | $(field "$run" '(.ops + .errors) / .elapsed_seconds | floor') |" \
        "$(ops_per_second "$run") | $(field "$run" '.errors_by_status.RESOURCE_EXHAUSTED') |" \
        "$(field "$run" '.errors - (.errors_by_status.RESOURCE_EXHAUSTED // 0)') $(field "$run" '.errors_by_status | del(.RESOURCE_EXHAUSTED) | tostring') |" \
        "$(ms "$(latency_us "$run" p50)") | $(ms "$(latency_us "$run" p99)") | $(ms "$(latency_us "$run" p99_9)") | $(ms "$(latency_us "$run" max)") |"
    done
    echo
    echo "- Offered $(awk -v a="$(field overload '(.ops + .errors) / .elapsed_seconds')" -v b="$(ops_per_second overload-max)" \
      'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')× the most measured; $(percent "$shed" "$requests") % of the requests"
    echo "  ($shed of $requests) were answered \`RESOURCE_EXHAUSTED\`, in p50 $(ms "$(field overload '.error_latency_us.RESOURCE_EXHAUSTED.p50')") ms,"
    echo "  p99 $(ms "$(field overload '.error_latency_us.RESOURCE_EXHAUSTED.p99')") ms (at the client, including its own queueing)."
    echo "- The coordinator itself counted $(awk -v a="$shed_after" -v b="$shed_before" \
      'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) print a - b; else print "an unknown number of" }') calls shed${shed_by_limit:+ (by limit: $shed_by_limit)}"
    echo "  (\`coordinator_requests_shed_total\`, from \`/prometheus\`, over the run); at most $peak_in_flight calls in flight"
    echo "  at once (\`coordinator_requests_in_flight\`, sampled every second; the limit is 1 000)."
    if [ "$(field overload .ops)" -gt 0 ]; then
      echo "- Accepted writes: $(field overload .ops), p99 $(ms "$(latency_us overload p99)") ms against their $overload_deadline deadline;"
    else
      echo "- Accepted writes: none succeeded within their $overload_deadline deadline;"
    fi
    echo "  $(field overload '.errors_by_status.DEADLINE_EXCEEDED') ended \`DEADLINE_EXCEEDED\`."
    echo "- Inside the coordinator (\`coordinator_request_duration_seconds\`, operation write, from its handler's start to"
    echo "  its answer, by bucket): of the writes it handled during the run, $inside."
    echo "- Coordinator heap: peak $(mib "$peak_heap_kib") MiB used (jstat every second) of a $(( ${max_heap_bytes:-0} / 1048576 )) MiB"
    echo "  maximum; RSS $(mib "$rss_before_kib") MiB before the run, peak $(mib "$peak_rss_kib") MiB over its life."
    echo "- \`/health/readiness\` during the run: $health_during."
    echo "- Afterwards: process alive $alive, \`/health/readiness\` $ready_after, a normal write and read: $after."
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //'). The load generator runs on the same"
    echo "machine and takes CPU from the coordinator; on a shared, loaded machine these figures are dominated by noise."
  } >"$work/overload.md"
  publish "$work/overload.md"
  log "done in ${SECONDS}s"
  exit 0
fi

if [ $(( bootstrap + bootstrap_traffic )) -gt 0 ]; then
  start_emulator() {  # start_emulator ID: a fresh emulator; sets $port
    free_port
    "$JAVA" --sun-misc-unsafe-memory-access=allow -jar "$node_jar" --port "$port" --node-id "$1" >"$work/$1.log" 2>&1 &
    pid=$!
    started_pids+=("$pid")
    disown "$pid"
    wait_for "$work/$1.log" ready 60 "$pid"
  }
  log_epoch() {  # log_epoch TEXT: when the coordinator logged TEXT first, in seconds since the epoch (empty: never)
    local at
    at="$(grep -m1 -F "$1" "$work/coordinator.log" | cut -d' ' -f1)"
    # the log's clock is the local time of day, like date's (a join across midnight would be misread)
    if [ -n "$at" ]; then date -d "$(date +%F) $at" +%s.%N; fi
  }
  settle="${PAIRDB_TOPOLOGY_CHANGES_SETTLE_DELAY:-5s}"
  # join NODE: a fresh emulator NODE joins (node add --watch through the admin API). Sets change_id,
  # join_status, join_keys, join_bytes, join_streams, join_seconds (from the command to the change's end), and
  # streaming_from, streaming_to, stream_seconds: the streaming alone, from the coordinator's log, from the first
  # fence plus the settle delay to the hand-over (empty when the log does not tell)
  join() {
    local node="$1" started ended
    start_emulator "$node"
    started="$(date +%s.%N)"
    admin node add "$node" --host 127.0.0.1 --port "$port" --watch >"$work/join-$node.log" 2>&1
    ended="$(date +%s.%N)"
    join_seconds="$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')"
    change_id="$(sed -n 's/^change \([^ ]*\) .*/\1/p' "$work/join-$node.log" | head -1)"
    admin change get "$change_id" -o json >"$work/join-$node.json"
    join_keys="$(jq '.totals.keys' "$work/join-$node.json")"
    join_bytes="$(jq '.totals.bytes' "$work/join-$node.json")"
    join_status="$(jq -r '.status' "$work/join-$node.json")"
    join_streams="$(jq '.totals.streams' "$work/join-$node.json")"
    streaming_from=""; streaming_to=""; stream_seconds=""
    local fenced_at handed_over_at
    fenced_at="$(log_epoch "change $change_id: every live coordinator serves")"
    handed_over_at="$(log_epoch "change $change_id: every range is streamed")"
    if [ -n "$fenced_at" ] && [ -n "$handed_over_at" ] && [[ "$settle" =~ ^[0-9]+s$ ]]; then
      streaming_from="$(awk -v a="$fenced_at" -v s="${settle%s}" 'BEGIN { printf "%.3f", a + s }')"
      streaming_to="$handed_over_at"
      stream_seconds="$(awk -v a="$streaming_from" -v b="$streaming_to" 'BEGIN { printf "%.2f", b - a }')"
    fi
  }
  mib_per_second() {  # mib_per_second BYTES SECONDS
    awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? b / 1048576 / s : 0) }'
  }
  log "preloading $keys keys of $value_size bytes"
  bench_run preload-coordinator coordinator write --preload on --ops 1 --warmup 0s --concurrency 64 --no-progress
fi

if [ "$bootstrap_traffic" = 1 ]; then
  # One steady paced load (quorum writes and reads, 50/50) runs through three windows: no change, node-4
  # joining with no cap, node-5 joining with the cap at half node-4's streaming rate. Its latencies go to an
  # interval log, from which each window's percentiles are taken.
  bench_run jit-warmup-coordinator coordinator mixed --read-ratio 0.5 --concurrency 64 --preload off --no-progress \
    --duration "$(( warmup * 4 ))s" --warmup 0s
  most="$(ops_per_second jit-warmup-coordinator)"
  rate="${traffic_rate:-$(awk -v m="$most" 'BEGIN { r = int(m / 4); print (r > 0 ? r : 1) }')}"
  traffic_log="$work/runs/traffic.hlog"
  traffic_args=(bench mixed --read-ratio 0.5 --addr "127.0.0.1:$coordinator_port" --tenant bench --keys "$keys"
                --value-size "$value_size" --rate "$rate" --concurrency 512 --preload off --warmup "${warmup}s"
                --duration "${time_limit}s" --latency-log "$traffic_log" --no-progress -o json)
  log "steady load of $rate requests/s (the most measured: $most ops/s at concurrency 64)"
  "$JAVA" "${java_opts[@]}" -jar "$admin_jar" "${traffic_args[@]}" >"$work/runs/traffic.json" 2>"$work/runs/traffic.err" &
  traffic_pid=$!
  started_pids+=("$traffic_pid")
  disown "$traffic_pid"
  printf '%s\t%s\t%s\t%s\n' traffic coordinator "$(uptime | sed 's/.*load average: //')" \
    "java ${java_opts[*]} -jar pairdb-admin.jar ${traffic_args[*]}" >>"$work/runs.tsv"
  # its first interval is written half a second after the warm-up
  wait_for "$traffic_log" '^Tag=' $(( warmup + 120 )) "$traffic_pid"
  declare -A window_from window_to window_mib window_what
  window_from[idle]="$(date +%s.%N)"
  sleep "$duration"   # the window with no change: as long as asked
  window_to[idle]="$(date +%s.%N)"
  window_mib[idle]="-"; window_what[idle]="no change"
  admin change throttle --mib-per-second 0 >>"$work/admin.log" 2>&1
  for phase in unthrottled throttled; do
    check_time
    node="node-4"
    if [ "$phase" = throttled ]; then
      node="node-5"
      cap="$(awk -v r="${window_mib[unthrottled]}" 'BEGIN { printf "%.2f", r / 2 }')"
      admin change throttle --mib-per-second "$cap" >>"$work/admin.log" 2>&1
    fi
    log "$node joins ($phase) under the load"
    join "$node"
    if [ "$join_status" != COMPLETED ] || [ -z "$stream_seconds" ]; then
      echo "error: the join of $node ended $join_status, or its streaming is not in the coordinator's log;" \
        "see $work/join-$node.log and $work/coordinator.log" >&2
      exit 1
    fi
    window_from[$phase]="$streaming_from"; window_to[$phase]="$streaming_to"
    window_mib[$phase]="$(mib_per_second "$join_bytes" "$stream_seconds")"
    window_what[$phase]="$node joins, $join_keys keys, $(mib_per_second "$join_bytes" 1) MiB, $join_streams streams,"
    window_what[$phase]+=" $([ "$phase" = throttled ] && echo "capped at $cap MiB/s" || echo "no cap")"
  done
  admin change throttle --mib-per-second 0 >>"$work/admin.log" 2>&1
  kill -TERM "$traffic_pid" 2>/dev/null || true   # its interval log is whole up to the last half second
  for _ in $(seq 1 100); do
    kill -0 "$traffic_pid" 2>/dev/null || break
    sleep 0.1
  done
  # window PHASE: "TAG COUNT RATE P50 P99 MAX" lines and "window SECONDS" of the load in that phase's window
  window() {
    "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$admin_jar" "$repo/bench/LatencyWindow.java" \
      "$traffic_log" "${window_from[$1]}" "${window_to[$1]}" >"$work/runs/window-$1.txt"
  }
  # figure PHASE TAG COLUMN: one figure of window PHASE (COLUMN 2 count, 3 per second, 4 p50 µs, 5 p99 µs)
  figure() { awk -v tag="$2" -v column="$3" '$1 == tag { print $column; found = 1 } END { if (!found) print 0 }' \
    "$work/runs/window-$1.txt"; }
  phases=(idle unthrottled throttled)
  for phase in "${phases[@]}"; do window "$phase"; done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", (b > 0 ? a / b : 0) }'; }
  {
    echo "## Live traffic during a bootstrap, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))${label:+, $label}"
    echo
    echo "\`$command_line\`: three emulator nodes holding $keys keys of $value_size-byte values at RF 3, one"
    echo "coordinator; a steady paced load of $rate requests/s, quorum writes and reads half and half (a quarter"
    echo "of the $most ops/s measured at concurrency 64 unless \`--traffic-rate\`), latency from when each request"
    echo "was due. Windows: ${duration} s with no change; node-4's streaming (\`node add --watch\`, no cap); node-5's"
    echo "streaming with \`pairdb-admin change throttle\` at half node-4's rate (node-5 joins four nodes, so it takes"
    echo "a smaller share than node-4). A join's window runs from its first fence plus the settle delay ($settle) to"
    echo "the hand-over, from the coordinator's log; only the load's half-second intervals wholly inside count."
    echo "$(nproc) CPUs, load average at start $load_at_start."
    echo
    echo "| window | s | streaming MiB/s | writes/s | write p50 ms | write p99 ms | reads/s | read p50 ms | read p99 ms | failed |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for phase in "${phases[@]}"; do
      failed=$(( $(figure "$phase" write-error 2) + $(figure "$phase" read-error 2) ))
      echo "| ${window_what[$phase]} | $(figure "$phase" window 2) | ${window_mib[$phase]} | $(figure "$phase" write 3) |" \
        "$(ms "$(figure "$phase" write 4)") | $(ms "$(figure "$phase" write 5)") | $(figure "$phase" read 3) |" \
        "$(ms "$(figure "$phase" read 4)") | $(ms "$(figure "$phase" read 5)") | $failed |"
    done
    echo
    echo "p99 against no change: node-4 joining with no cap, writes $(ratio "$(figure unthrottled write 5)" "$(figure idle write 5)")," \
      "reads $(ratio "$(figure unthrottled read 5)" "$(figure idle read 5)");"
    echo "node-5 joining capped at half that rate, writes $(ratio "$(figure throttled write 5)" "$(figure idle write 5)")," \
      "reads $(ratio "$(figure throttled read 5)" "$(figure idle read 5)") (issue 23's goal: within 2× with the cap)."
    echo "Failed: the window's requests that ended in an error (any status, timeouts included)."
    for phase in "${phases[@]}"; do
      if awk -v s="$(figure "$phase" window 2)" 'BEGIN { exit !(s < 2) }'; then
        echo "**The window \"${window_what[$phase]}\" holds under 2 s of the load: too short to tell; raise --keys.**"
      fi
    done
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //'). On a shared, loaded machine these"
    echo "figures are dominated by noise; a window of a few seconds holds few requests, so size --keys for longer joins."
  } >"$work/bootstrap-traffic.md"
  publish "$work/bootstrap-traffic.md"
  log "done in ${SECONDS}s"
  exit 0
fi

if [ "$bootstrap" = 1 ]; then
  # A fourth emulator joins the three, which hold $keys keys of the tenant 'bench' at RF 3, through the
  # admin API (node add --watch); then the reference: one bare StreamRange -> WriteBatch loop copies every
  # entry of node-1 to a fifth, empty emulator, no coordinator in between.
  if [ -n "$throttle" ]; then
    admin change throttle --mib-per-second "$throttle" >>"$work/admin.log" 2>&1
  fi
  load_before_join="$(uptime | sed 's/.*load average: //')"
  if [ -n "$profile_dir" ]; then
    "$JCMD" "$coordinator_pid" JFR.start name=bench settings=profile filename="$work/coordinator-join.jfr" >/dev/null
  fi
  join node-4
  if [ -n "$profile_dir" ]; then
    "$JCMD" "$coordinator_pid" JFR.stop name=bench >/dev/null
    mkdir -p "$profile_dir"
    cp "$work/coordinator-join.jfr" "$profile_dir/"
    "$JFR" view --width 200 hot-methods "$profile_dir/coordinator-join.jfr" >"$profile_dir/hot-methods.txt" 2>&1 || true
    "$JFR" summary "$profile_dir/coordinator-join.jfr" >"$profile_dir/summary.txt" 2>&1 || true
  fi
  start_emulator node-5; copy_port="$port"
  load_before_copy="$(uptime | sed 's/.*load average: //')"
  "$JAVA" "${java_opts[@]}" -jar "$admin_jar" bench copy --from "127.0.0.1:${node_ports[0]}" --to "127.0.0.1:$copy_port" \
    >"$work/copy.log" 2>&1
  rate() {  # rate KEYS BYTES SECONDS: "MiB/s | keys/s"
    awk -v k="$1" -v b="$2" -v s="$3" 'BEGIN { printf "%.1f | %.0f", b / 1048576 / s, k / s }'
  }
  read -r copy_keys copy_mib copy_seconds < <(sed -n 's/^copied \([0-9]*\) keys, \([0-9.]*\) MiB in \([0-9.]*\) s.*/\1 \2 \3/p' "$work/copy.log")
  copy_bytes="$(awk -v m="$copy_mib" 'BEGIN { printf "%.0f", m * 1048576 }')"
  {
    echo "## Bootstrap, $(date -u +%Y-%m-%d) ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown))${label:+, $label}"
    echo
    echo "\`$command_line\`: node-4 joins three $storage nodes holding $keys keys of $value_size-byte values at RF 3"
    echo "(\`pairdb-admin node add node-4 --watch\`, timed from the command to the change's end, status $join_status,"
    echo "$join_streams streams, streaming $([ -n "$throttle" ] && echo "capped at $throttle MiB/s" || echo "not capped")); the bare copy is \`pairdb-admin bench copy\`, one StreamRange -> WriteBatch loop over"
    echo "the whole ring of node-1 into an empty fifth emulator. $(nproc) CPUs; load average before the join"
    echo "$load_before_join, before the copy $load_before_copy."
    echo
    echo "| what | keys | MiB | s | MiB/s | keys/s |"
    echo "|---|---|---|---|---|---|"
    echo "| node add (coordinator) | $join_keys | $(awk -v b="$join_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') | $join_seconds | $(rate "$join_keys" "$join_bytes" "$join_seconds") |"
    if [ -n "$stream_seconds" ]; then
      echo "| its streaming alone | $join_keys | $(awk -v b="$join_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') | $stream_seconds | $(rate "$join_keys" "$join_bytes" "$stream_seconds") |"
    fi
    echo "| bare copy | $copy_keys | $copy_mib | $copy_seconds | $(rate "$copy_keys" "$copy_bytes" "$copy_seconds") |"
    echo
    echo "(The change counts its bytes as key, value and clock sizes, the copy as the entries' protobuf size;"
    echo "the node add time includes the admin command's start, the fence and settle delay ($settle) before streaming and"
    echo "those of the hand-over after it; its streaming alone runs from the first fence plus the settle delay to the"
    echo "hand-over, from the coordinator's log.)"
    echo
    echo "Load average at the end: $(uptime | sed 's/.*load average: //')."
  } >"$work/bootstrap.md"
  publish "$work/bootstrap.md"
  log "done in ${SECONDS}s"
  exit 0
fi

# Every key exists before the suite: reads find them, writes overwrite (read-before-write finds a version).
log "preloading $keys keys through each target"
bench_run preload-coordinator coordinator write --preload on --ops 1 --warmup 0s --concurrency 64 --no-progress
bench_run preload-baseline baseline write --preload on --ops 1 --warmup 0s --concurrency 64 --no-progress
# Until the JIT has compiled the hot paths of every process, the first runs would pay for it (and
# its compiler threads' CPU would count per request): a mixed load first, not reported.
for target in coordinator baseline; do
  bench_run "jit-warmup-$target" "$target" mixed --read-ratio 0.5 --concurrency 64 --preload off --no-progress \
    --duration "$(( warmup * 4 ))s" --warmup 0s
done

for c in $concurrencies; do
  for workload in write read mixed; do
    for target in coordinator baseline; do
      name="$workload-c$c-$target"
      if [ -n "$profile_dir" ] && [ "$workload" = write ] && [ "$c" = "$highest" ] && [ "$target" = coordinator ]; then
        "$JCMD" "$coordinator_pid" JFR.start name=bench settings=profile filename="$work/coordinator-write.jfr" >/dev/null
        bench_run "$name" "$target" "$workload" --concurrency "$c" --preload off --no-progress "${timed[@]}"
        "$JCMD" "$coordinator_pid" JFR.stop name=bench >/dev/null
        mkdir -p "$profile_dir"
        cp "$work/coordinator-write.jfr" "$profile_dir/"
        "$JFR" view --width 200 hot-methods "$profile_dir/coordinator-write.jfr" >"$profile_dir/hot-methods.txt" 2>&1 || true
        "$JFR" summary "$profile_dir/coordinator-write.jfr" >"$profile_dir/summary.txt" 2>&1 || true
      else
        bench_run "$name" "$target" "$workload" --concurrency "$c" --preload off --no-progress "${timed[@]}"
      fi
    done
  done
done

# With causal context the coordinator skips its read-before-write; the preload gives every key a clock.
for target in coordinator baseline; do
  bench_run "causal-write-c$highest-$target" "$target" write --concurrency "$highest" --causal-context on --preload on \
    --no-progress "${timed[@]}"
done

# Latency at 70 % of the highest throughput measured above, paced so that queueing shows.
for workload in write read; do
  best=0
  for c in $concurrencies; do
    rate="$(ops_per_second "$workload-c$c-coordinator")"
    best="$(awk -v a="$best" -v b="$rate" 'BEGIN { print (b > a ? b : a) }')"
  done
  target_rate="$(awk -v r="$best" 'BEGIN { printf "%.0f", r * 0.7 }')"
  if [ "$target_rate" -gt 0 ]; then
    bench_run "$workload-rate70-coordinator" coordinator "$workload" --concurrency 256 --rate "$target_rate" --preload off \
      --no-progress "${timed[@]}"
  fi
done
load_at_end="$(uptime | sed 's/.*load average: //')"

# --- the report -----------------------------------------------------------------------------
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then
  commit="$commit (dirty: uncommitted changes)"
fi
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "label=$label"
  echo "storage=$storage$([ "$storage" = durable ] && echo " (sync $sync)")"
  echo "commit=$commit"
  echo "command=$command_line"
  for jar in "$coordinator_source" "$node_source" "$admin_source"; do
    printf '%s ' "$(basename "$jar"): $jar, modified $(date -u -r "$jar" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$jar" | cut -c1-12);"
  done | sed 's/^/jars=/; s/; $//'
  echo
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "java=$("$JAVA" -version 2>&1 | head -1)"
  echo "load_start=$load_at_start"
  echo "load_end=$load_at_end"
  echo "duration=$duration"
  echo "warmup=$warmup"
  echo "keys=$keys"
  echo "value_size=$value_size"
  echo "concurrencies=$concurrencies"
  echo "elapsed=$SECONDS"
} >"$work/meta.properties"

"$JAVA" -cp "$admin_jar" "$repo/bench/ResultsReport.java" "$work" >"$work/section.md"

publish "$work/section.md"
log "done in ${SECONDS}s"
