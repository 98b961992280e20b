#!/usr/bin/env bash
# Runs every test, installing what is missing first:
#   1. formatting and lints, the build, and beside the build the UI tests in headless Chromium
#      with the Tauri IPC mocked;
#   2. Rust unit, property and integration tests (core, CLI, simulator against a real PostgreSQL),
#      and beside them the end-to-end tests that drive the real app window under Xvfb through
#      WebKitWebDriver, from the build packed as a .deb, and the update test (two AppImages);
#   3. the contract check: what the Rust tests exchanged with the simulator, against the
#      providers' official descriptions.
# Nothing here reaches the internet once the packages are installed.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
# The machine's CPU seconds so far (all cores; user, system and interrupts), for `say` below.
busy() { [ -r /proc/stat ] && awk '/^cpu /{print int(($2+$3+$4+$7+$8)/100); exit}' /proc/stat || echo 0; }
BUSY0=$(busy)
# What needs only cargo and the network starts at once, beside the system packages and npm
# below: the crates the build reads and the AppImage runtime. (The window tests drive
# WebKitWebDriver directly, tests/e2e/webdriver.mjs: tauri-driver is not built.)
# Where the AppImage runtime is kept, fetched now and read by the update test later (whose
# XDG folders are the test's own): the tests themselves never reach the network.
export FABRIK_APPIMAGE_CACHE="${FABRIK_APPIMAGE_CACHE:-$HOME/.cache/fabrik}"
early() {
  cargo fetch --locked --quiet --target "$(rustc -vV | sed -n 's/^host: //p')" \
    --manifest-path "$(dirname "${BASH_SOURCE[0]}")/../Cargo.toml" || true
  # The AppImage runtime the update test packs its two versions with (from crates.io).
  bash "$(dirname "${BASH_SOURCE[0]}")/appimage.sh" --runtime || true
}
early &
EARLY=$!
trap 'pkill -P "$EARLY" 2>/dev/null; kill "$EARLY" 2>/dev/null; true' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Each phase says when it starts, in minutes and seconds since the command began, and how many
# seconds of CPU the whole machine has spent since then (so a phase that waits shows as one).
say() {
  printf '\033[1m==> [%d:%02d, cpu %d s] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) $(($(busy) - BUSY0)) "$*"
}
# A fresh clone (CI) builds everything once: incremental compilation would only add work, and
# so do rustc's 256 code-generation units a crate (made for incremental rebuilds): with 16, the
# cold build here took 663 s of CPU and 354 s (with 256: about 1,060 s of CPU and 530 s).
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_CODEGEN_UNITS=16 CARGO_PROFILE_DEV_BUILD_OVERRIDE_CODEGEN_UNITS=16
fi
cd "$ROOT"
wait "$EARLY" || true

# Everything the tests write (app data, window state, keyring, logs) stays in one temp folder,
# so the developer's own Fabrik data and keyring are never touched.
# In memory where the machine has a tmpfs: the PostgreSQL server's data folder is in it, and
# on a disk (ext4) each project database's 300 files cost more to create than all the rest of
# making it (a project's database in 9 ms in memory, 300 ms on the disk, late in a run).
SCRATCH=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && SCRATCH=/dev/shm
WORK="$(mktemp -d -p "$SCRATCH" fabrik-test.XXXXXX)"
chmod 711 "$WORK"
# When this run began (what it made in /dev/shm is newer).
: >"$WORK/.begun"
# On every way out, pass or fail: whatever a test started and left behind (a window, a driver,
# a database server, a simulator) is stopped, so nothing keeps the runner waiting. Each of them
# carries FABRIK_TEST_WORK=$WORK in its environment, which is how they are found.
stop_leftovers() {
  local pids
  pids="$(grep -lzx "FABRIK_TEST_WORK=$WORK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true)"
  for pid in $pids; do
    [ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null || true
  done
  # libfaketime (the tests that move a seat's clock) keeps its clock in shared memory named by
  # the process that made it, and a process killed at a test's end leaves it in /dev/shm. Those
  # made during this run by a process now gone are removed.
  local f
  for f in /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; do
    [ -e "$f" ] && [ "$f" -nt "$WORK/.begun" ] && [ ! -d "/proc/${f##*_}" ] && rm -f "$f"
  done
  rm -rf "$WORK"
}
trap stop_leftovers EXIT
export XDG_DATA_HOME="$WORK/xdg/data" XDG_CONFIG_HOME="$WORK/xdg/config" XDG_CACHE_HOME="$WORK/xdg/cache"
export XDG_RUNTIME_DIR="$WORK/xdg/runtime" NO_AT_BRIDGE=1 FABRIK_TEST_WORK="$WORK"
# A keyring call may take 30 s here (5 s in the app, which then asks for the keyring to be
# unlocked): the test session's one keyring daemon serves six test processes at a time, and on
# a loaded machine it answered one of them after more than 5 s.
export FABRIK_KEYRING_TIMEOUT_SECS=30
# The window tests take the README's pictures only when FABRIK_SCREENSHOTS names a folder
# (scripts/screenshots.sh): here none. About twenty, each a snapshot of the whole window
# through WebDriver, they were 7 of the usage test's 24 s alone on an idle machine.
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset FABRIK_DB

# A private D-Bus session with an unlocked gnome-keyring (the Secret Service), as on a desktop,
# whatever keyring the machine has.
in_session() { bash "$ROOT/scripts/keyring-session.sh" "$@"; }

# What runs beside another part (it would leave part of a core idle alone) gets its own
# keyring session and folders, and its output is shown when both are done. Its process is
# BESIDE (a child of this shell, for `joined` to wait for).
beside() {
  local name="$1"
  shift
  (
    # Every folder its own: in run 92 the update test's window wrote its default size into the
    # window state the window tests' restart then read (one XDG_CONFIG_HOME for both).
    export XDG_DATA_HOME="$WORK/xdg/data-$name" XDG_RUNTIME_DIR="$WORK/xdg/runtime-$name"
    export XDG_CONFIG_HOME="$WORK/xdg/config-$name" XDG_CACHE_HOME="$WORK/xdg/cache-$name"
    mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" && chmod 700 "$XDG_RUNTIME_DIR"
    "$@"
  ) >"$WORK/$name.log" 2>&1 &
  BESIDE=$!
}
# Waits for what `beside` started and shows its output; `passed` stops the command if it or
# anything else since the last `passed` failed (each part's output is shown first).
FAILED=()
joined() {
  local name="$1" pid="$2" failed=0
  wait "$pid" || failed=1
  say "$3"
  cat "$WORK/$name.log"
  [ "$failed" = 0 ] || FAILED+=("$3")
}
# CI keeps only the end of what a run printed, and the Rust tests' failures come before the
# window tests' output: the run at 7999f9c ended "The Rust tests: failed (above)" with the
# failure itself cut off. So the end repeats, from every part's log, which tests failed and why.
recap() {
  local log
  for log in "$WORK"/*.log; do
    [ -s "$log" ] || continue
    grep -a -E -A3 '^ *(FAIL|TIMEOUT|SIG[A-Z]+|LEAK|LEAK-FAIL) \[|^not ok|panicked at|^failures:$|^test result: FAILED' "$log" \
      | grep -a -v -E '^ *(PASS|SLOW|START) ' | head -n 60 | sed "s|^|$(basename "$log" .log): |" || true
  done
}
passed() {
  [ "${#FAILED[@]}" = 0 ] && return
  say "What failed (from the output above)"
  recap
  printf '%s: failed (above).\n' "${FAILED[@]}" >&2
  exit 1
}

say "Building the UI"
npm --prefix ui run --silent build

say "Formatting"
cargo fmt --all --check

# One compile for lints, tests and the window: clippy's driver compiles the workspace's own
# crates (it lints as it builds, `-D warnings`), every package and target in one feature
# resolution, the Tauri shell with the bundled UI (what `tauri build` sets). A separate
# `cargo clippy` and `tauri build` compiled the tree twice more: about 8 of CI's minutes.
export RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# The empty window (benches/empty-window) is built by scripts/measure-window.sh, which compares
# the start of the two; the tests never start it.
ALL=(--workspace --exclude empty-window --features fabrik-app/custom-protocol)
# The test build trusts a key of its own for updates (the release build, the release key's
# public half; docs/INSTALL.md): made once and kept beside the build, so that a second run
# compiles nothing again. tests/e2e/update.test.mjs signs with it.
UPDATE_KEY="${CARGO_TARGET_DIR:-$ROOT/target}/update-test-key"
if [ ! -s "$UPDATE_KEY/key.pub" ]; then
  rm -rf "$UPDATE_KEY" && mkdir -p "$UPDATE_KEY"
  npm --prefix ui run --silent tauri -- signer generate --ci -w "$UPDATE_KEY/key" >/dev/null 2>&1
fi
export FABRIK_UPDATE_PUBKEY="$(cat "$UPDATE_KEY/key.pub")"
# The UI tests need only the built UI and Chromium: they run during the build, which yields to
# them (nice) and takes what CPU they leave. After the Rust tests, beside the window tests,
# they tripled the window tests' time (run 95: 297 s instead of 107 s, WebKit waits on every step).
say "Building and linting every target (beside it the UI tests: headless Chromium, mocked IPC)"
beside ui npm --prefix ui test
UI_TESTS=$BESIDE
# The update test's newer version first (scripts/update-bundles.sh --newer: the same build with
# the next patch version, its `fabrik` kept aside), then this build, which compiles only the
# window's crate again: so the update test can run beside the Rust tests, which start
# target/debug/fabrik and must find this version there.
NEWER_BIN="$WORK/update-newer"
nice -n 10 bash scripts/update-bundles.sh --newer "$NEWER_BIN"
# Not --all-targets: it builds a test harness of every library and binary, those that have no
# tests (test = false: the Tauri shell's and the simulator's binaries, 14 s of CPU) included. cargo test builds the
# ones that do.
nice -n 10 cargo build --quiet "${ALL[@]}" --bins --benches --examples
nice -n 10 cargo test --no-run --quiet "${ALL[@]}"
joined ui "$UI_TESTS" "UI tests (headless Chromium, mocked IPC)"
passed

# One PostgreSQL server for every test process (each would otherwise start its own): the
# simulator's project databases and the registers' are each a database of their own on it.
coproc TEST_PG { exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/fabrik-test-pg"; }
read -r FABRIK_TEST_DATABASE_URL <&"${TEST_PG[0]}"
export FABRIK_TEST_DATABASE_URL
# stop_leftovers ends it; disowned, its end is not reported as a job that was "Killed".
disown "$TEST_PG_PID" 2>/dev/null || true

# cargo-nextest runs every test in a process of its own and the test binaries side by side
# (.config/nextest.toml: six at a time, a stuck test's process group killed); cargo test ran
# the binaries one after another, each waiting for its slowest test. Without nextest, cargo test.
# The integration tests of each package are one binary (tests/all.rs), a module a file:
# ON_POSTGRES picks the suites for the PostgreSQL pass below.
if cargo nextest --version >/dev/null 2>&1; then
  RUST_TESTS=(cargo nextest run --cargo-quiet --hide-progress-bar --status-level fail "${ALL[@]}")
  # The setup guide's proof is two ordinary runs: the suites below already hold those on it.
  # Of the inbox, the Stripe test (two seats polling one register at once); the portal's
  # write-back is the same on either register.
  ON_POSTGRES=(--test all -E 'test(/^(runs_api|ownership)::/) - test(/^runs_api::(proof|intake::approved)/)')
else
  export RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}"
  RUST_TESTS=(cargo test --quiet "${ALL[@]}")
  ON_POSTGRES=(--test all -- runs_api:: ownership::)
fi

# The engine on the shared register: the suites where PostgreSQL's semantics differ most from
# SQLite's (claims and leases of runs; the ledger and adoptions). The others run on it by hand:
# FABRIK_TEST_REGISTER=postgres cargo test --test all -- provision:: day_two:: update_modules::
# It and the documentation examples (nextest does not run them) go beside the main run, whose
# longest tests end alone and leave a quarter of the two cores idle (run 90: 484 of 566 CPU-s).
side_rust() {
  cargo test --quiet "${ALL[@]}" --doc
  local profile=()
  cargo nextest --version >/dev/null 2>&1 && profile=(--profile postgres)
  FABRIK_TEST_REGISTER=postgres FABRIK_TEST_KEYRING=1 in_session "${RUST_TESTS[@]}" "${profile[@]}" "${ON_POSTGRES[@]}" --test-threads 2
}
# The window tests drive the window as an agency gets it: the test build packed into a .deb by
# Tauri's bundler (scripts/package.sh, which compiles nothing here: 11 s) and unpacked as dpkg
# would install it; tests/e2e/package.test.mjs checks the package itself.
say "The Linux package (.deb) of this build"
bash scripts/package.sh --debug deb
FABRIK_PACKAGE="$(ls -t "${CARGO_TARGET_DIR:-$ROOT/target}"/debug/bundle/deb/*.deb | head -1)"
dpkg-deb -x "$FABRIK_PACKAGE" "$WORK/installed"
export FABRIK_PACKAGE

# The window tests (the real window under Xvfb, from the package) and the update test
# (scripts/update-test.sh: two AppImages a version apart, the older one updating itself). They
# run beside the Rust tests: a window and its driver wait on each other (about one core for
# both), and the Rust tests leave a quarter of the two cores idle (the fresh clone of 9aca2bb:
# 393 s of Rust tests on 590 s of CPU, then 237 s of window tests on 199). Their exchanges with
# the window's own sandbox are not recorded for the contract check, as before.
window_tests() {
  unset FABRIK_CONTRACT_RECORD
  local tests=()
  for f in tests/e2e/*.test.mjs; do [ "$f" = tests/e2e/update.test.mjs ] || tests+=("$f"); done
  FABRIK_APP="$WORK/installed/usr/bin/fabrik" in_session xvfb-run -a -s "-screen 0 1280x800x24" \
    node --test --test-concurrency=1 --test-timeout=600000 "${tests[@]}"
}
update_test() {
  unset FABRIK_CONTRACT_RECORD
  FABRIK_UPDATE_NEWER_BIN="$NEWER_BIN" bash scripts/update-test.sh
}
# Every exchange the Rust suites have with the simulator is recorded (secrets masked) and then
# held to its provider's official description in contracts/ (sim/tests/contract/; what is
# outside one: contracts/README.md).
export FABRIK_CONTRACT_RECORD="$WORK/contract"
say "Rust tests (core, CLI, simulator); beside them the documentation examples, the engine on a PostgreSQL register, the window tests and the update test"
beside window window_tests
WINDOW_TESTS=$BESIDE
beside update update_test
UPDATE_TEST=$BESIDE
beside rust-side side_rust
SIDE_RUST=$BESIDE
# Its output is shown as it comes and kept for the recap (passed).
FABRIK_TEST_KEYRING=1 in_session "${RUST_TESTS[@]}" 2>&1 | tee "$WORK/rust.log" || FAILED+=("The Rust tests")
joined rust-side "$SIDE_RUST" "Documentation examples and the engine on a PostgreSQL register"
joined window "$WINDOW_TESTS" "The window tests (the real window under Xvfb, from the package)"
joined update "$UPDATE_TEST" "The update test (two AppImages a version apart)"
passed
unset FABRIK_CONTRACT_RECORD
say "The contract check: every exchange with the simulator against the official descriptions"
if cargo nextest --version >/dev/null 2>&1; then
  FABRIK_CONTRACT_RECORDED="$WORK/contract" cargo nextest run --profile contract --cargo-quiet --hide-progress-bar --status-level fail \
    --success-output immediate "${ALL[@]}" --run-ignored only -E 'test(=contract::recorded_exchanges_hold_to_their_descriptions)'
else
  FABRIK_CONTRACT_RECORDED="$WORK/contract" cargo test --quiet "${ALL[@]}" --test all -- --ignored --exact \
    contract::recorded_exchanges_hold_to_their_descriptions --nocapture
fi
say "Every test passed"
