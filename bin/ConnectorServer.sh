#!/bin/sh
# Launcher with the command set of the Java connector server's bin/ConnectorServer.sh:
#   ConnectorServer.sh /run [-J<jvm-style option> ...] [rcs run options]
#   ConnectorServer.sh /setkey [<key>] [--properties <file>]
# -J-Dconnectorserver.<name>=<value> arguments are appended to OPENICF_OPTS, where they override
# conf/ConnectorServer.properties. Commands are case-insensitive (/setKey works too).
set -e

# The installation directory is the parent of bin/, following symbolic links to this script.
script=$0
while [ -h "$script" ]; do
  link=$(readlink "$script")
  case $link in
    /*) script=$link ;;
    *) script=$(dirname "$script")/$link ;;
  esac
done
INSTALL_DIR=$(cd "$(dirname "$script")/.." && pwd -P)
NODE=${NODE:-node}

usage() {
  cat <<USAGE
Usage: ConnectorServer.sh /run [-J-Dconnectorserver.<name>=<value> ...] [rcs run options]
       ConnectorServer.sh /setkey [<key>] [--properties <file>]

  /run     Run the connector server in the foreground (conf/ConnectorServer.properties).
  /setkey  Set the shared key IDM must present; asks for it twice when not given.

  -J<option>  Appended to OPENICF_OPTS; -J-Dconnectorserver.port=8760 overrides that property.
USAGE
}

# Quote one word for OPENICF_OPTS, which is split like a shell command line.
quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

if [ $# -eq 0 ]; then
  usage >&2
  exit 1
fi
command=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
shift

# Move -J options into OPENICF_OPTS and keep the other arguments, in order, for rcs.
count=$#
while [ "$count" -gt 0 ]; do
  arg=$1
  shift
  case $arg in
    -J?*) OPENICF_OPTS="${OPENICF_OPTS:+$OPENICF_OPTS }$(quote "${arg#-J}")" ;;
    *) set -- "$@" "$arg" ;;
  esac
  count=$((count - 1))
done
if [ -n "${OPENICF_OPTS:-}" ]; then export OPENICF_OPTS; fi

case $command in
  /run)
    cd "$INSTALL_DIR"
    exec "$NODE" "$INSTALL_DIR/bin/rcs" run "$@"
    ;;
  /setkey)
    cd "$INSTALL_DIR"
    exec "$NODE" "$INSTALL_DIR/bin/rcs" setkey "$@"
    ;;
  /help|-h|--help)
    usage
    ;;
  *)
    usage >&2
    exit 1
    ;;
esac
