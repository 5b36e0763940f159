#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 at a free port, as the postgres user.
#   eval "$(scripts/postgres-throwaway.sh start)"   -> exports DATABASE_URL and GOBS_PG_DIR
#   scripts/postgres-throwaway.sh stop "$GOBS_PG_DIR"
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/gobs-pg.XXXXXX)
    chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    su postgres -s /bin/sh -c "$PGBIN/initdb -D '$dir/data' -A trust -U postgres -E UTF8 >'$dir/initdb.log' 2>&1"
    su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D '$dir/data' -w -l '$dir/server.log' \
      -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c max_connections=200\" start >/dev/null"
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export GOBS_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D '$dir/data' -m fast stop >/dev/null" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
