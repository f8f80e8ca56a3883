#!/usr/bin/env bash
# Two server builds side by side on the same routes, chat JSON, cells taken in turn (A, B, A, B, ...)
# so that a drift of the machine touches both alike: the A/B for one change, where bench/run.sh's
# tables are one run of each. Prints each cell and each build's median p50. Not part of the test run.
#   bench/ab.sh A/quarkus-run.jar B/quarkus-run.jar
#   (PAIRS=5 pairs of DURATION=5s cells at CONCURRENCY=1 after WARMUP=10s; REDIS=1 rate-limits the
#    route in a local redis-server started here, for the shared state's cost; A_ENV, B_ENV: more
#    VAR=value settings for one side only, e.g. the same build twice with one setting changed)
set -euo pipefail
cd "$(dirname "$0")"
app_a=$(realpath "$1") app_b=$(realpath "$2")
pairs=${PAIRS:-5} duration=${DURATION:-5s} warmup=${WARMUP:-10s} concurrency=${CONCURRENCY:-1}
jvm=${GATEWAY_JVM_OPTS:--Xmx128m -XX:+UseSerialGC}
stub_port=18911 a_port=18912 b_port=18913 redis_port=18917
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -d node_modules ] || npm ci --silent

routes="AI_PROXY_ROUTES_0__PATHS=/v1/chat/completions AI_PROXY_ROUTES_0__TARGETS_0__ROUTE_TYPE=llm/v1/chat
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_PROVIDER=mistral AI_PROXY_ROUTES_0__TARGETS_0__MODEL_NAME=mistral-tiny
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_MISTRAL_FORMAT=openai
  AI_PROXY_ROUTES_0__TARGETS_0__MODEL_OPTIONS_UPSTREAM_URL=http://127.0.0.1:$stub_port/v1/chat/completions
  AI_PROXY_METRICS_ENABLED=false QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN"
if [ "${REDIS:-0}" = 1 ]; then
  command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 & pids+=($!)
  routes="$routes AI_PROXY_ROUTES_0__RATE_LIMITS_0__LIMIT=1000000000 AI_PROXY_ROUTES_0__RATE_LIMITS_0__WINDOW_SIZE=60
    QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$redis_port"
fi
node stub.mjs "$stub_port" & pids+=($!)
# shellcheck disable=SC2086
for peer in "$a_port:$app_a:${A_ENV:-}" "$b_port:$app_b:${B_ENV:-}"; do
  IFS=: read -r port app extra <<< "$peer"
  env $routes $extra QUARKUS_HTTP_PORT="$port" java $jvm -jar "$app" > "$work/gateway-$port.log" 2>&1 & pids+=($!)
done
for port in $stub_port $a_port $b_port; do
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' \
  '{"model":"mistral-tiny","messages":[{"role":"user","content":"What is 1+1?"}]}' > "$work/chat.lua"
p50() { # url time: one cell's p50 in ms
  wrk -t1 -c"$concurrency" -d"$2" --latency -s "$work/chat.lua" "$1" |
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
         /^ +50%/ {printf "%.3f\n", ms($2)}'
}
for port in $a_port $b_port; do p50 "http://127.0.0.1:$port/v1/chat/completions" "$warmup" > /dev/null; done
echo "c=$concurrency, $pairs pairs of $duration cells; A=$1 B=$2; $(uptime | sed 's/.*load/load/')"
for pair in $(seq 1 "$pairs"); do
  a=$(p50 "http://127.0.0.1:$a_port/v1/chat/completions" "$duration")
  b=$(p50 "http://127.0.0.1:$b_port/v1/chat/completions" "$duration")
  echo "pair $pair: A p50 $a ms, B p50 $b ms" | tee -a "$work/cells"
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
a=$(awk '{print $5}' "$work/cells" | median) b=$(awk '{print $9}' "$work/cells" | median)
echo "median p50: A $a ms, B $b ms, B-A $(echo "$b - $a" | bc -l | sed 's/^\./0./;s/^-\./-0./') ms"
