#!/usr/bin/env bash
# A throw-away PostgreSQL + PostGIS cluster for the ledger store tests (no TCP: a unix
# socket in a temporary folder, on a free port number).
#   eval "$(bash scripts/pg_test_cluster.sh start)"   exports DZGEO_TEST_PG and PG_TEST_DIR
#   bash scripts/pg_test_cluster.sh stop "$PG_TEST_DIR"
# Needs Debian's postgresql + postgresql-*-postgis-3 (scripts/setup.sh --dev installs them).
# As root the cluster runs as the `postgres` user, who owns the folder.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bindir" ]] || { echo "pg_test_cluster: PostgreSQL is not installed" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/dzgeo-pg.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null
    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U postgres dzgeo_test
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d dzgeo_test -q \
      -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    echo "export PG_TEST_DIR='$dir'"
    echo "export DZGEO_TEST_PG='postgresql://postgres@/dzgeo_test?host=$dir&port=$port'"
    ;;
  stop)
    dir="${2:?usage: pg_test_cluster.sh stop DIR}"
    [[ -d "$dir/data" ]] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_test_cluster.sh start | stop DIR" >&2
    exit 2
    ;;
esac
