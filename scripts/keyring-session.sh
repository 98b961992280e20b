#!/usr/bin/env bash
# Runs a command in a D-Bus session of its own with a fresh, unlocked gnome-keyring (the Secret
# Service), as on a desktop, whatever keyring daemon or session bus the machine already has:
#   bash scripts/keyring-session.sh COMMAND [ARG...]
# The keyring's files go to $XDG_DATA_HOME/keyrings and its control socket to $XDG_RUNTIME_DIR:
# the caller points both at folders of its own (scripts/test.sh and scripts/bench.sh do).
# The command starts only once the Secret Service answers with its default collection unlocked.
# The bus starts no service by itself: a client that asked while no keyring was on the bus had
# it start a second daemon whose keyring is locked ("Nyckelringen är låst"), and every test
# after that failed. A keyring that leaves the bus is started again, unlocked, instead.
set -euo pipefail

if [ -z "${FABRIK_KEYRING_SESSION:-}" ]; then
  [ -n "${XDG_DATA_HOME:-}" ] && [ -n "${XDG_RUNTIME_DIR:-}" ] || {
    echo "keyring-session.sh: set XDG_DATA_HOME and XDG_RUNTIME_DIR to folders of this run's own" >&2
    exit 2
  }
  # Nothing of another keyring or session may be found through the environment.
  unset GNOME_KEYRING_CONTROL GNOME_KEYRING_PID SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS DBUS_SESSION_BUS_PID
  # The session bus as dbus-run-session's default, less service activation.
  mkdir -p "$XDG_RUNTIME_DIR"
  conf="$XDG_RUNTIME_DIR/session-bus.conf"
  # Its socket in the run's own folder, which the run removes: with `tmpdir=/tmp` every session
  # left a dbus-* socket in /tmp (16 after a day of test runs). A socket's path holds at most
  # 107 bytes, so a long folder falls back to /tmp.
  listen="unix:dir=$XDG_RUNTIME_DIR"
  [ "${#XDG_RUNTIME_DIR}" -le 80 ] || listen="unix:tmpdir=/tmp"
  sed "s|@LISTEN@|$listen|" "$(dirname "${BASH_SOURCE[0]}")/session-bus.conf" >"$conf"
  exec env FABRIK_KEYRING_SESSION=1 dbus-run-session --config-file="$conf" -- bash "${BASH_SOURCE[0]}" "$@"
fi
unset FABRIK_KEYRING_SESSION

bus() {
  dbus-send --session --print-reply "$@" 2>/dev/null
}
# Asked of the bus, not of the service: asking the service itself would start one.
has_owner() {
  bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets | grep -q 'boolean true'
}
unlocked() {
  bus --dest=org.freedesktop.secrets /org/freedesktop/secrets/aliases/default \
    org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked |
    grep -q 'boolean false'
}

# The daemon runs in the foreground under a keeper: when it leaves (under heavy load it was seen
# to, 2026-11-25), its status and last words are said and it is started again, unlocked, on the
# same files. The keeper ends with the session's bus.
LOG="$XDG_RUNTIME_DIR/gnome-keyring.log"
keep_keyring() {
  local status restarts=0
  while bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null; do
    rm -f "$XDG_RUNTIME_DIR/keyring/control"
    echo -n fabrik-test | gnome-keyring-daemon --foreground --unlock --components=secrets >>"$LOG" 2>&1 &
    status=0
    wait $! || status=$?
    bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null || break
    # A daemon that cannot stay up (gone from the machine, or dying as it starts) is not
    # started forever: the tests that need it then fail and say why.
    restarts=$((restarts + 1))
    if [ "$restarts" -gt 20 ]; then
      echo "keyring-session.sh: gnome-keyring-daemon left the bus 20 times; not starting it again. Its last lines:" >&2
      tail -n 5 "$LOG" >&2 || true
      break
    fi
    echo "keyring-session.sh: gnome-keyring-daemon left the bus (exit status $status); starting it again. Its last lines:" >&2
    tail -n 5 "$LOG" >&2 || true
    sleep 0.2
  done
}
keep_keyring &
KEEPER=$!
ready=""
for _ in $(seq 200); do
  if has_owner && unlocked; then
    ready=1
    break
  fi
  sleep 0.05
done
if [ -z "$ready" ]; then
  echo "keyring-session.sh: the private gnome-keyring did not come up unlocked within 10 s" >&2
  cat "$LOG" >&2 || true
  exit 1
fi
status=0
"$@" || status=$?
kill "$KEEPER" 2>/dev/null || true
exit "$status"
