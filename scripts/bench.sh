#!/usr/bin/env bash
# Benchmarks that print numbers as `bench: key=value` lines (no assertions on time), in this order:
#   register        the 100,000-customer register (SQLite) and 10,000 on PostgreSQL
#   provision       one provisioning run against the simulator, then 50 customers at once
#   rollout_usage   FABRIK_BENCH_ROLLOUT_N delivered instances (default 500), delivered once for
#                   both: a schema roll-out over them, then the nightly usage collection
#                   (`rollout` and `usage_collect` are each alone, with a fleet of its own)
#   template        a template roll-out over FABRIK_BENCH_TEMPLATE_N customers' changed
#                   repositories (default 50; the calls per repository do not depend on N)
#   workflow_backup FABRIK_BENCH_WORKFLOWS_N instances' workflows backed up to Gitea (default 100)
#   tick            `fabrik tick` over FABRIK_BENCH_TICK_N delivered instances (default 100)
#   team            FABRIK_BENCH_TEAM_N people (default 50) invited into one instance's team
#   usage_fleet     the usage view at FABRIK_BENCH_USAGE_FLEET_N instances (default 500) × 90 days
#   export          a customer's export of FABRIK_BENCH_EXPORT_ROWS rows (default 250,000)
#   relocation      a move of an instance with FABRIK_BENCH_MOVE_ROWS rows (default 250,000)
# Every set-up delivers with the simulator's request limits lifted (they are back before what
# is measured). Each benchmark runs in a D-Bus session of its own with a fresh unlocked keyring,
# whatever keyring the machine has; one whose set-up delivers fewer instances than asked fails,
# and this script stops there and names it. The whole suite: about 25 minutes on two cores.
#   bash scripts/bench.sh [NAME...]   (default: every benchmark above, in that order)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
WORK="$(mktemp -d -t fabrik-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(register provision rollout_usage template workflow_backup tick team usage_fleet export relocation)
# The benchmarks' one program (benches/all.rs) built first, so each one's time below is its own run.
built=$SECONDS
cargo bench --no-run --bench all
echo "bench: bench_build_s=$((SECONDS - built))"
suite_started=$SECONDS
for bench in "${benches[@]}"; do
  started=$SECONDS
  # A keyring and data folder of each benchmark's own: nothing carries over between them.
  export XDG_DATA_HOME="$WORK/$bench/data" XDG_RUNTIME_DIR="$WORK/$bench/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  printf '\033[1m==> bench %s\033[0m\n' "$bench"
  if ! bash scripts/keyring-session.sh cargo bench --bench all -- "$bench"; then
    echo "bench.sh: the $bench benchmark failed (see above); the ones after it did not run" >&2
    exit 1
  fi
  echo "bench: bench_${bench}_s=$((SECONDS - started))"
done
echo "bench: bench_suite_s=$((SECONDS - suite_started)) bench_suite_count=${#benches[@]}"
