#!/usr/bin/env bash
# Times the client page of an agent system access for a firm with many clients.
#
#   scripts/bench-clients.sh [CLIENTS] [DATABASE_URL]
#
# Seeds a fresh database (SQLite in a temp folder unless DATABASE_URL names an empty
# PostgreSQL database), generates a firm with CLIENTS clients (default 5000), starts the
# release build on a port of its own (port 0, the one it announces) and reports the median and worst of 20 requests for each
# page state, the time of "add all", and the server's resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-5000}"
work=$(mktemp -d)
url="${2:-sqlite://$work/bench.db}"
bin=target/release/systemtilgang

cargo build --release --quiet
seeded=$("$bin" --database-url "$url" seed --firm-clients "$clients")
pid_line=$(grep -o '([0-9]\{11\})' <<<"$seeded" | tr -d '()')
page=$(grep -o '/accessmanagement/ui/systemuser/[^ ]*/agentdelegation' <<<"$seeded")
"$bin" --database-url "$url" --bind "127.0.0.1:0" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
# The address the server itself announces, so nothing else listening is measured.
base=
for _ in $(seq 1 100); do
  base=$(grep -o 'is running at http://[0-9.:]*' "$work/server.log" | head -1 | sed 's/is running at //') || true
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

jar="$work/cookies"
csrf() { curl -s -b "$jar" -c "$jar" "$1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
token=$(csrf "$base/login")
curl -s -b "$jar" -c "$jar" -o /dev/null "$base/login/test" -d "pid=$pid_line" -d "csrf=$token"

measure() {
  local label=$1 path=$2 times
  times=$(for _ in $(seq 1 20); do
    curl -s -b "$jar" -o /dev/null -w '%{http_code} %{time_total}\n' "$base$path"
  done)
  if grep -qv '^200 ' <<<"$times"; then echo "$label: a request failed: $(grep -v '^200 ' <<<"$times" | head -1)"; exit 1; fi
  sort -k2 -n <<<"$times" | awk -v label="$label" '{t[NR]=$2} END {printf "%-34s median %6.1f ms  worst %6.1f ms\n", label, t[int((NR+1)/2)]*1000, t[NR]*1000}'
}

echo "firm with $clients clients on ${url%%://*}"
measure "first page" "$page"
measure "page 100" "$page?page=100"
measure "search by name (\"elg\")" "$page?q=elg"
measure "search by org number with spaces" "$page?q=400+000+0"
measure "only those that can be added" "$page?show=addable"
measure "only those that cannot" "$page?show=refused"
token=$(csrf "$base$page")
start=$(date +%s.%N)
curl -s -b "$jar" -o /dev/null -w '' "$base$page/addall" -d "csrf=$token" -d "confirmed=$clients"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$clients" 'BEGIN {printf "%-34s %6.0f ms\n", "add all (" n " clients)", (e-s)*1000}'
measure "first page, all added" "$page"
measure "only those that can be added, all added" "$page?show=addable"
echo "server resident memory: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$server/status)"
