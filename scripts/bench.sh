#!/usr/bin/env bash
# Benchmarks that print numbers as `bench: key=value` lines (no assertions on time): the
# 100,000-customer register, provisioning against the simulator (one run, and 50 customers at
# once), a schema roll-out over FABRIK_BENCH_ROLLOUT_N delivered instances (default 500; their
# set-up takes several minutes), a template roll-out over FABRIK_BENCH_TEMPLATE_N customers'
# changed repositories (default 200), and workflow backups of FABRIK_BENCH_WORKFLOWS_N instances
# (default 100) to the simulated Gitea, and `fabrik tick` over FABRIK_BENCH_TICK_N delivered
# instances (default 100): the nightly tick, then one with nothing due, and FABRIK_BENCH_TEAM_N
# people (default 50) invited into one instance's team, the usage view at FABRIK_BENCH_USAGE_FLEET_N
# delivered instances (default 500) × 90 days (each query's time, target ≤ 16 ms), and the
# nightly usage collection over FABRIK_BENCH_USAGE_N delivered instances (default 500: calls
# per instance, wall time, 429s), a customer's export of FABRIK_BENCH_EXPORT_ROWS rows (default
# 1,000,000) across the template's tables (wall time, peak memory, bytes), and a move of an instance with FABRIK_BENCH_MOVE_ROWS rows (default
# 1,000,000) into another: export and import wall time, peak memory, the archive's bytes. Each runs in a D-Bus session of its own with a fresh
# unlocked keyring, whatever keyring the machine has; a benchmark whose set-up delivers fewer
# instances than asked fails, and this script stops there and names it.
#   bash scripts/bench.sh [NAME...]   (default: every benchmark, in the order above)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
WORK="$(mktemp -d -t fabrik-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(register provision rollout template workflow_backup tick team usage_fleet usage_collect export relocation)
# Every benchmark's program built first, so each one's time below is its own run.
built=$SECONDS
args=(); for bench in "${benches[@]}"; do args+=(--bench "$bench"); done
cargo bench --no-run "${args[@]}"
echo "bench: bench_build_s=$((SECONDS - built))"
suite_started=$SECONDS
for bench in "${benches[@]}"; do
  started=$SECONDS
  # A keyring and data folder of each benchmark's own: nothing carries over between them.
  export XDG_DATA_HOME="$WORK/$bench/data" XDG_RUNTIME_DIR="$WORK/$bench/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  printf '\033[1m==> bench %s\033[0m\n' "$bench"
  if ! bash scripts/keyring-session.sh cargo bench --bench "$bench"; then
    echo "bench.sh: the $bench benchmark failed (see above); the ones after it did not run" >&2
    exit 1
  fi
  echo "bench: bench_${bench}_s=$((SECONDS - started))"
done
echo "bench: bench_suite_s=$((SECONDS - suite_started)) bench_suite_count=${#benches[@]}"
