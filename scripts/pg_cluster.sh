#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests, in a temporary folder:
#   scripts/pg_cluster.sh start DIR   initdb in DIR (made if missing), start the server
#                                     listening only on a Unix socket in DIR, and print its
#                                     URL for SOVIPHAM_TEST_DATABASE_URL;
#   scripts/pg_cluster.sh stop DIR    stop it and remove DIR.
# Trust authentication for the one login (`sovipham`): only this machine reaches the
# socket, and the cluster lives only as long as the run. initdb refuses to run as root: as root the
# cluster belongs to the `postgres` account (made by the Debian package).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# = 2 ] || usage
action=$1 dir=$2

# The server's programs: on PATH, else the newest Debian build.
bin_dir() {
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] || { echo "PostgreSQL is not installed (no pg_ctl)." >&2; exit 1; }
  echo "$found"
}
BIN=$(bin_dir)

# Run as the cluster's owner: this account, or `postgres` when this is root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case $action in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_owner "$BIN/initdb" -D "$dir/data" -U sovipham --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Durability is not what the tests check: fsync off keeps the suite's many CREATE
    # DATABASE quick.
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start -o \
      "-c listen_addresses='' -c unix_socket_directories='$dir' \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql+psycopg://sovipham@/postgres?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -s stop || true
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
