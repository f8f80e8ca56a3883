#!/usr/bin/env bash
# The load benchmark: a fast local stub upstream measured directly, through this gateway (the plain
# HTTP server build) and through Portkey's gateway, for chat JSON and SSE at concurrency 1 and 16,
# all on 127.0.0.1 and on this one machine. Prints two tables. Not part of the test run.
#   bench/run.sh     (DURATION=10s a cell after WARMUP=10s; installs wrk and Portkey when missing;
#                     GATEWAY_APP=other/quarkus-run.jar measures another server build, e.g. an older one)
#
# The gateway runs twice, side by side:
#   gateway     the JIT's full tiers (C2), metrics off: the steady state of a long-running server;
#   gateway-c1  as AWS's Java runtimes run a 512 MB function: C1 only (-XX:TieredStopAtLevel=1),
#               the serial collector and the heap that 512 MB gives, metrics lines on.
# The first table is the first 1,000 requests after start, no warm-up (what a Lambda instance,
# which sees little traffic, mostly serves); the second the steady state, after warm-up.
# The third table is the shared state's cost: the gateway (full tiers) once per instance and once on a
# local redis-server, at c=1 and c=16 in the same run, on three routes: a rate limit counted at every
# request; round-robin over two targets (weights 3:1, a turn of the fleet's sequence at every pick);
# least-connections over two targets (a lease taken and ended at every request, the measures read from
# a copy at most AI_PROXY_SHARED_STATE_FRESHNESS old, 1 s by default).
#   TABLES=shared bench/run.sh   runs the third table only, TABLES=main the first two
set -euo pipefail
cd "$(dirname "$0")"
# cells are timed, not counted: a slow peer cannot stretch the run, and every peer's JIT (the JVM's
# C2, V8's TurboFan) has warmed up on the same traffic before it is measured
duration=${DURATION:-10s}
warmup=${WARMUP:-10s}
early=${EARLY_REQUESTS:-1000}
# the heap a 512 MB Lambda function would give it, and the collector with the least overhead on 2 cores
gateway_jvm=${GATEWAY_JVM_OPTS:--Xmx128m -XX:+UseSerialGC}
# AWS's java21 runtime: C1 only, serial collector; MaxRAM makes the default heap what 512 MB gives
lambda_jvm=${LAMBDA_JVM_OPTS:--XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=512m}
stub_port=18901 gateway_port=18902 portkey_port=18903 c1_port=18904 local_port=18905 shared_port=18906 redis_port=18907
tables=${TABLES:-all}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# wrk, not hey: its latencies have microsecond steps (hey's have 0.1 ms, the size of the target), and
# its one thread takes less of the two cores from the peers it measures
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
[ "$tables" = shared ] || [ -d node_modules/@portkey-ai/gateway ] || npm install --no-audit --no-fund --silent
app=${GATEWAY_APP:-../target/quarkus-app/quarkus-run.jar}
# the plain HTTP server build, always current (unless another is named)
[ -n "${GATEWAY_APP:-}" ] || (cd .. && ./mvnw -q package -Pserver -DskipTests)

wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done; echo "port $1 never opened" >&2; exit 1; }

start_gateway() { # port metrics jvm-options... (EXTRA_ENV: more VAR=value settings)
  local port=$1 metrics=$2; shift 2
  env ${EXTRA_ENV:-} AI_PROXY_ROUTES_0__PATHS=/v1/chat/completions \
  AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE=llm/v1/chat \
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER=mistral \
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME=mistral-tiny \
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT=openai \
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL="http://127.0.0.1:$stub_port/v1/chat/completions" \
  AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME=Authorization \
  AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE="Bearer bench-key" \
  AI_PROXY_METRICS_ENABLED=$metrics QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN \
    java "$@" -jar "$app" > "$work/gateway-$port.log" 2>&1 &
  pids+=($!)
}

node stub.mjs "$stub_port" & pids+=($!); stub_pid=$!
wait_for $stub_port
chat='{"model":"mistral-tiny","messages":[{"role":"user","content":"What is 1+1?"}]}'
sse='{"model":"mistral-tiny","stream":true,"messages":[{"role":"user","content":"What is 1+1?"}]}'
# a wrk script that POSTs the body with the headers; with a count, it stops after that many answers
script() { # file body count headers...
  local file=$1 body=$2 count=$3; shift 3
  { echo 'wrk.method = "POST"'; echo 'wrk.headers["Content-Type"] = "application/json"'
    for header in "$@"; do printf 'wrk.headers["%s"] = "%s"\n' "${header%%: *}" "${header#*: }"; done
    printf 'wrk.body = [[%s]]\n' "$body"
    if [ "$count" -gt 0 ]; then
      printf 'local answers = 0\nresponse = function()\n  answers = answers + 1\n  if answers >= %d then wrk.thread:stop() end\nend\n' "$count"
    fi; } > "$file"
}
# one wrk run; prints "requests req/s p50_ms p99_ms"
measure() { # time url concurrency script
  wrk -t1 -c"$3" -d"$1" --latency -s "$4" "$2" > "$work/wrk.txt"
  awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
       /requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)}
       END {printf "%d %.0f %.3f %.3f\n", n, rps, p50, p99}' "$work/wrk.txt"
}
# 3. the shared state's cost: per instance or in Redis, on a rate-limited route and two balanced ones
# (routes 1 and 2: two targets each, both the stub)
balanced_routes() { # route path algorithm
  local at="AI_PROXY_ROUTES_$1__" stub="http://127.0.0.1:$stub_port/v1/chat/completions"
  echo "${at}PATHS=$2 ${at}BALANCER_ALGORITHM=$3"
  for target in 0 1; do
    local t="${at}TARGETS_${target}__"
    echo "${t}ROUTE_TYPE=llm/v1/chat ${t}MODEL_PROVIDER=mistral ${t}MODEL_NAME=mistral-tiny" \
      "${t}MODEL_OPTIONS_MISTRAL_FORMAT=openai ${t}MODEL_OPTIONS_UPSTREAM_URL=$stub ${t}WEIGHT=$((target == 0 ? 3 : 1))"
  done
}
shared_table() {
  redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 & pids+=($!)
  local routes="AI_PROXY_ROUTES_0__RATE_LIMITS_0__LIMIT=1000000000 AI_PROXY_ROUTES_0__RATE_LIMITS_0__WINDOW_SIZE=60"
  routes="$routes $(balanced_routes 1 /rr/v1/chat/completions round-robin)"
  routes="$routes $(balanced_routes 2 /lc/v1/chat/completions least-connections)"
  routes=$(echo $routes)
  # shellcheck disable=SC2086
  EXTRA_ENV="$routes" start_gateway $local_port false $gateway_jvm
  # shellcheck disable=SC2086
  EXTRA_ENV="$routes QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$redis_port" start_gateway $shared_port false $gateway_jvm
  wait_for $local_port; wait_for $shared_port
  script "$work/shared.lua" "$chat" 0
  echo
  echo "Shared state: chat JSON, full tiers, after warm-up"
  printf "%-17s %-14s %3s %10s %9s %9s %11s\n" route store c "req/s" "p50 ms" "p99 ms" "+p50 ms"
  for route in rate-limit:/v1/chat/completions round-robin:/rr/v1/chat/completions \
      least-connections:/lc/v1/chat/completions; do
    for concurrency in 1 16; do
      declare -A rps=() p50=() p99=()
      for peer in per-instance:$local_port redis:$shared_port; do
        url="http://127.0.0.1:${peer#*:}${route#*:}"
        measure "$warmup" "$url" "$concurrency" "$work/shared.lua" > /dev/null
        read -r _ "rps[${peer%%:*}]" "p50[${peer%%:*}]" "p99[${peer%%:*}]" < <(measure "$duration" "$url" "$concurrency" "$work/shared.lua")
      done
      for name in per-instance redis; do
        printf "%-17s %-14s %3s %10s %9s %9s %11.3f\n" "${route%%:*}" $name "$concurrency" "${rps[$name]}" "${p50[$name]}" \
          "${p99[$name]}" "$(echo "${p50[$name]} - ${p50[per-instance]}" | bc -l)"
      done
    done
  done
  echo "(+p50: the Redis store's p50 less the per-instance store's, on the same route; $(redis-server --version | cut -d' ' -f3))"
}
if [ "$tables" = shared ]; then shared_table; exit 0; fi

# shellcheck disable=SC2086
start_gateway $gateway_port false $gateway_jvm; gateway_pid=${pids[-1]}
# shellcheck disable=SC2086
start_gateway $c1_port true $lambda_jvm; c1_pid=${pids[-1]}
NODE_ENV=production node --require ./loopback-only.cjs node_modules/@portkey-ai/gateway/build/start-server.js \
  --port=$portkey_port --headless > "$work/portkey.log" 2>&1 & pids+=($!); portkey_pid=$!
wait_for $gateway_port; wait_for $c1_port; wait_for $portkey_port
portkey_headers=("x-portkey-provider: mistral-ai" "x-portkey-custom-host: http://127.0.0.1:$stub_port/v1" "Authorization: Bearer bench-key")

peak_rss() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }
for kind in chat sse; do
  body=$chat; [ $kind = sse ] && body=$sse
  script "$work/$kind.lua" "$body" 0
  script "$work/$kind-portkey.lua" "$body" 0 "${portkey_headers[@]}"
done
script "$work/early.lua" "$chat" "$early"

# 1. the first requests after start: chat JSON at c=1, before any other traffic reached the peer
# (wrk waits out its time after the last one, so the time only bounds a peer too slow to finish)
printf "First %d requests after start, chat JSON, c=1, no warm-up\n" "$early"
printf "%-11s %9s %9s %9s %11s\n" peer requests "p50 ms" "p99 ms" "+p50 ms"
read -r _ _ d_p50 d_p99 < <(measure 20s "http://127.0.0.1:$stub_port/v1/chat/completions" 1 "$work/early.lua")
printf "%-11s %9s %9s %9s %11s\n" direct "$early" "$d_p50" "$d_p99" -
for peer in gateway:$gateway_port gateway-c1:$c1_port; do
  read -r n _ p50 p99 < <(measure 20s "http://127.0.0.1:${peer#*:}/v1/chat/completions" 1 "$work/early.lua")
  printf "%-11s %9s %9s %9s %11.3f\n" "${peer%%:*}" "$n" "$p50" "$p99" "$(echo "$p50 - $d_p50" | bc -l)"
done

# every peer sees every kind of traffic before the first cell: the cells measured later would
# otherwise profit from the JIT's work on the ones before (a whole answer measured first looked
# 0.5 ms slower than a stream measured after it, with the same code under both)
for kind in chat sse; do
  for port in $gateway_port $c1_port; do measure "$warmup" "http://127.0.0.1:$port/v1/chat/completions" 16 "$work/$kind.lua" > /dev/null; done
  measure "$warmup" "http://127.0.0.1:$portkey_port/v1/chat/completions" 16 "$work/$kind-portkey.lua" > /dev/null
done

echo
echo "Steady state, after warm-up"
printf "%-11s %-5s %3s %10s %9s %9s %11s %9s %10s\n" peer body c "req/s" "p50 ms" "p99 ms" "+p50 ms" "RSS MB" "÷Portkey"
for kind in chat sse; do
  for concurrency in 1 16; do
    declare -A rps=() p50=() p99=()
    for peer in direct:$stub_port gateway:$gateway_port gateway-c1:$c1_port portkey:$portkey_port; do
      name=${peer%%:*} lua="$work/$kind.lua"; [ "$name" = portkey ] && lua="$work/$kind-portkey.lua"
      url="http://127.0.0.1:${peer#*:}/v1/chat/completions"
      measure "$warmup" "$url" "$concurrency" "$lua" > /dev/null
      read -r _ "rps[$name]" "p50[$name]" "p99[$name]" < <(measure "$duration" "$url" "$concurrency" "$lua")
    done
    printf "%-11s %-5s %3s %10s %9s %9s %11s %9s %10s\n" direct $kind "$concurrency" "${rps[direct]}" "${p50[direct]}" \
      "${p99[direct]}" - "$(peak_rss $stub_pid)" -
    for name in gateway:$gateway_pid gateway-c1:$c1_pid portkey:$portkey_pid; do
      peer=${name%%:*}
      printf "%-11s %-5s %3s %10s %9s %9s %11.3f %9s %10.1f\n" "$peer" $kind "$concurrency" "${rps[$peer]}" \
        "${p50[$peer]}" "${p99[$peer]}" "$(echo "${p50[$peer]} - ${p50[direct]}" | bc -l)" "$(peak_rss "${name#*:}")" \
        "$(echo "${rps[$peer]} / ${rps[portkey]}" | bc -l)"
    done
  done
done
echo "(wrk, one thread; $duration per cell after $warmup of warm-up; $(nproc) cores; $(java -version 2>&1 | head -1);"
echo " gateway JVM: $gateway_jvm; gateway-c1 JVM: $lambda_jvm, metrics lines on)"
[ "$tables" = main ] || shared_table
