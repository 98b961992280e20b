#!/usr/bin/env bash
# Benchmarks that print numbers (no assertions): the 10,000-customer register,
# provisioning against the simulator (one run, and 50 customers at once), a schema
# roll-out over FABRIK_BENCH_ROLLOUT_N delivered instances (default 500; their setup takes
# several minutes), and a template roll-out over FABRIK_BENCH_TEMPLATE_N customers' changed
# repositories (default 200), and workflow backups of FABRIK_BENCH_WORKFLOWS_N instances
# (default 100) to the simulated Gitea. Runs in a private
# D-Bus session with its own unlocked keyring, like the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
WORK="$(mktemp -d -t fabrik-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_RUNTIME_DIR="$WORK/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c 'echo -n bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo bench --bench register -- --warm-up-time 1 --measurement-time 3
  cargo bench --bench provision
  cargo bench --bench rollout
  cargo bench --bench template
  cargo bench --bench workflow_backup'
