#!/usr/bin/env bash
# Run an app's tests against kessai, as a CI job does: start kessai in the background with fixed
# keys and an in-memory database (nothing on disk, so every run starts clean), wait until it
# answers, run the command given as arguments with the app pointed at kessai, then stop kessai
# whatever the tests' outcome. The script exits with the tests' status.
#
#   examples/ci.sh npm test
#
# The app reads KOMOJU_API_URL, KOMOJU_SECRET_KEY and KOMOJU_PUBLISHABLE_KEY (rename them to what
# your app reads). Settings:
#   KESSAI       the kessai command: default `kessai` on PATH (npm i -g kessai, or a devDependency
#                under `npm run`), else this repository's bin/kessai.js; `npx kessai` works too
#   KESSAI_PORT  the port (default 3000)
#   KESSAI_WAIT  seconds to wait for it to answer (default 30)
#   KESSAI_LOG   where the server's output goes (default kessai.log); shown if it fails to start
set -euo pipefail

if [ -z "${KESSAI:-}" ]; then
  if command -v kessai >/dev/null 2>&1; then
    KESSAI=kessai
  else
    KESSAI="node $(cd "$(dirname "$0")/.." && pwd)/bin/kessai.js"
  fi
fi
port="${KESSAI_PORT:-3000}"
log="${KESSAI_LOG:-kessai.log}"
wait_seconds="${KESSAI_WAIT:-30}"

# A server left over on the port (a self-hosted runner) would answer for ours: the tests must not
# run against it. Anything accepting connections counts, whatever it answers and however slowly.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "something already answers on port $port: stop it, or set KESSAI_PORT" >&2
  exit 1
fi

# $KESSAI is unquoted on purpose: it may be a command with arguments (`node …/bin/kessai.js`).
# Job control gives the server a process group of its own, so that stopping it reaches the server
# itself when KESSAI is a launcher such as `npx kessai` (npm does not pass SIGTERM on to its child).
set -m
$KESSAI serve --memory --port "$port" --secret-key sk_test_ci --publishable-key pk_test_ci >"$log" 2>&1 &
server=$!
set +m

# SIGTERM lets kessai finish in-flight requests and close its database (it gives them 10 s); waiting
# for the whole group makes sure the port is free when this script returns. The wait is bounded: a
# container whose PID 1 reaps no orphans would keep an exited launcher's child as a zombie.
stop() {
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  for _ in $(seq 150); do
    kill -0 -- "-$server" 2>/dev/null || return 0
    sleep 0.2
  done
}
trap stop EXIT

# And our server must still be running once the port answers.
if ! $KESSAI health --wait "$wait_seconds" --url "http://127.0.0.1:$port" || ! kill -0 "$server" 2>/dev/null; then
  echo "kessai did not start on port $port within $wait_seconds s; its output:" >&2
  cat "$log" >&2
  exit 1
fi

export KOMOJU_API_URL="http://127.0.0.1:$port/api/v1"
export KOMOJU_SECRET_KEY=sk_test_ci
export KOMOJU_PUBLISHABLE_KEY=pk_test_ci
"$@"
