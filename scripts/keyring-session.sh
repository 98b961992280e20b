#!/usr/bin/env bash
# Runs a command in a D-Bus session of its own with a fresh, unlocked gnome-keyring (the Secret
# Service), as on a desktop, whatever keyring daemon or session bus the machine already has:
#   bash scripts/keyring-session.sh COMMAND [ARG...]
# The keyring's files go to $XDG_DATA_HOME/keyrings and its control socket to $XDG_RUNTIME_DIR:
# the caller points both at folders of its own (scripts/test.sh and scripts/bench.sh do).
# The command starts only once the Secret Service answers with its default collection unlocked;
# before that, a client's first call would have the bus start a second daemon whose keyring is
# locked ("Nyckelringen är låst").
set -euo pipefail

if [ -z "${FABRIK_KEYRING_SESSION:-}" ]; then
  [ -n "${XDG_DATA_HOME:-}" ] && [ -n "${XDG_RUNTIME_DIR:-}" ] || {
    echo "keyring-session.sh: set XDG_DATA_HOME and XDG_RUNTIME_DIR to folders of this run's own" >&2
    exit 2
  }
  # Nothing of another keyring or session may be found through the environment.
  unset GNOME_KEYRING_CONTROL GNOME_KEYRING_PID SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS DBUS_SESSION_BUS_PID
  exec env FABRIK_KEYRING_SESSION=1 dbus-run-session -- bash "${BASH_SOURCE[0]}" "$@"
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

echo -n fabrik-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
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
  exit 1
fi
exec "$@"
