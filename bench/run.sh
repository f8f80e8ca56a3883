#!/usr/bin/env bash
# The load benchmark: a fast local stub upstream measured directly, through this gateway (the plain
# HTTP server build) and through Portkey's gateway, for chat JSON and SSE at concurrency 1 and 16,
# all on 127.0.0.1 and on this one machine. Prints one table. Not part of the test run.
#   bench/run.sh            (DURATION=10s a cell after WARMUP=10s; installs hey and Portkey when missing)
set -euo pipefail
cd "$(dirname "$0")"
# cells are timed, not counted: a slow peer cannot stretch the run, and every peer's JIT (the JVM's
# C2, V8's TurboFan) has warmed up on the same traffic before it is measured
duration=${DURATION:-10s}
warmup=${WARMUP:-10s}
# the heap a 512 MB Lambda function would give it, and the collector with the least overhead on 2 cores
gateway_jvm=${GATEWAY_JVM_OPTS:--Xmx128m -XX:+UseSerialGC}
stub_port=18901 gateway_port=18902 portkey_port=18903
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v hey >/dev/null || { apt-get update -qq && apt-get install -y -qq hey >/dev/null; }
[ -d node_modules/@portkey-ai/gateway ] || npm install --no-audit --no-fund --silent
(cd .. && ./mvnw -q package -Pserver -DskipTests)   # the plain HTTP server build, always current

wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done; echo "port $1 never opened" >&2; exit 1; }

node stub.mjs "$stub_port" & pids+=($!); stub_pid=$!
AI_PROXY_ROUTES_0__PATHS=/v1/chat/completions \
AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE=llm/v1/chat \
AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER=mistral \
AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME=mistral-tiny \
AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT=openai \
AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL="http://127.0.0.1:$stub_port/v1/chat/completions" \
AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_NAME=Authorization \
AI_PROXY_ROUTES_0__TARGETS_0__AUTH_HEADER_VALUE="Bearer bench-key" \
AI_PROXY_METRICS_ENABLED=false QUARKUS_HTTP_PORT=$gateway_port QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN \
  java $gateway_jvm -jar ../target/quarkus-app/quarkus-run.jar > "$work/gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
NODE_ENV=production node --require ./loopback-only.cjs node_modules/@portkey-ai/gateway/build/start-server.js \
  --port=$portkey_port --headless > "$work/portkey.log" 2>&1 & pids+=($!); portkey_pid=$!
wait_for $stub_port; wait_for $gateway_port; wait_for $portkey_port

chat='{"model":"mistral-tiny","messages":[{"role":"user","content":"What is 1+1?"}]}'
sse='{"model":"mistral-tiny","stream":true,"messages":[{"role":"user","content":"What is 1+1?"}]}'

# one hey run; prints "req/s p50_ms p99_ms"
measure() { # seconds url concurrency body extra-headers...
  local time=$1 url=$2 concurrency=$3 body=$4; shift 4
  local args=(); for header in "$@"; do args+=(-H "$header"); done
  hey -z "$time" -c "$concurrency" -m POST -T application/json "${args[@]}" -d "$body" "$url" > "$work/hey.txt"
  awk '/Requests\/sec/ {rps=$2} /50%% in|50% in/ {p50=$3*1000} /99% in/ {p99=$3*1000} END {printf "%.0f %.3f %.3f\n", rps, p50, p99}' "$work/hey.txt"
}
peak_rss() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }

portkey_headers=("x-portkey-provider: mistral-ai" "x-portkey-custom-host: http://127.0.0.1:$stub_port/v1" "Authorization: Bearer bench-key")
printf "%-8s %-5s %3s %10s %9s %9s %11s %9s %10s\n" peer body c "req/s" "p50 ms" "p99 ms" "+p50 ms" "RSS MB" "÷Portkey"
for kind in chat sse; do
  body=$chat; [ $kind = sse ] && body=$sse
  for concurrency in 1 16; do
    measure "$warmup" "http://127.0.0.1:$stub_port/v1/chat/completions" "$concurrency" "$body" > /dev/null
    read -r d_rps d_p50 d_p99 < <(measure "$duration" "http://127.0.0.1:$stub_port/v1/chat/completions" "$concurrency" "$body")
    measure "$warmup" "http://127.0.0.1:$gateway_port/v1/chat/completions" "$concurrency" "$body" > /dev/null
    read -r g_rps g_p50 g_p99 < <(measure "$duration" "http://127.0.0.1:$gateway_port/v1/chat/completions" "$concurrency" "$body")
    measure "$warmup" "http://127.0.0.1:$portkey_port/v1/chat/completions" "$concurrency" "$body" "${portkey_headers[@]}" > /dev/null
    read -r p_rps p_p50 p_p99 < <(measure "$duration" "http://127.0.0.1:$portkey_port/v1/chat/completions" "$concurrency" "$body" "${portkey_headers[@]}")
    printf "%-8s %-5s %3s %10s %9s %9s %11s %9s %10s\n" direct $kind $concurrency "$d_rps" "$d_p50" "$d_p99" - "$(peak_rss $stub_pid)" -
    printf "%-8s %-5s %3s %10s %9s %9s %11.3f %9s %10.1f\n" gateway $kind $concurrency "$g_rps" "$g_p50" "$g_p99" \
      "$(echo "$g_p50 - $d_p50" | bc -l)" "$(peak_rss $gateway_pid)" "$(echo "$g_rps / $p_rps" | bc -l)"
    printf "%-8s %-5s %3s %10s %9s %9s %11.3f %9s %10s\n" portkey $kind $concurrency "$p_rps" "$p_p50" "$p_p99" \
      "$(echo "$p_p50 - $d_p50" | bc -l)" "$(peak_rss $portkey_pid)" 1.0
  done
done
echo "(hey, $duration per cell after $warmup of warm-up; $(nproc) cores; $(java -version 2>&1 | head -1); gateway JVM: $gateway_jvm)"
