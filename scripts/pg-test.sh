#!/bin/sh
# scripts/pg-test.sh — a throwaway PostgreSQL server for the test command.
#
#   sh scripts/pg-test.sh start DIR   initdb into DIR/data, start a server on 127.0.0.1 (first
#                                     free port from 55432), create role remit (not superuser,
#                                     no BYPASSRLS) and database remit_test owned by it; print
#                                     postgres://remit:PASSWORD@127.0.0.1:PORT/remit_test
#                                     and write it to DIR/url, the port to DIR/port, the
#                                     superuser's URL to DIR/admin_url.
#   sh scripts/pg-test.sh stop DIR    fast shutdown, wait, remove DIR. Safe to repeat, and
#                                     after a failed start.
#
# The server is the test's own: fsync off, unix socket and log (DIR/postgres.log) in DIR,
# TCP on loopback only. Authentication: the postgres superuser is trusted over the socket and
# from 127.0.0.1 (tests create extra databases with it); every other role needs its password
# (scram-sha-256). The machine's own cluster (service postgresql) is never touched.
# PostgreSQL refuses to run as root, so as root the server runs as the postgres OS user.
set -eu

PORT_FIRST=55432
PORT_TRIES=50
WAIT_SECONDS=30

die() {
    echo "pg-test: $*" >&2
    exit 1
}

usage() {
    echo "usage: sh scripts/pg-test.sh start DIR | stop DIR" >&2
    exit 2
}

# The newest server binaries: pg_config's when it has them (libpq-dev's pg_config points at
# /usr/bin, which holds no initdb), else /usr/lib/postgresql/<newest>/bin.
find_bindir() {
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    fi
    best=
    bestv=0
    for d in /usr/lib/postgresql/*/bin; do
        v=${d#/usr/lib/postgresql/}
        v=${v%/bin}
        case $v in '' | *[!0-9]*) continue ;; esac     # majors are plain numbers since 10
        if [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ "$v" -gt "$bestv" ]; then
            best=$d
            bestv=$v
        fi
    done
    [ -n "$best" ] || die "no PostgreSQL server binaries (install: sh scripts/deps.sh test)"
    echo "$best"
}

is_root() {
    [ "$(id -u)" = 0 ]
}

# Runs a command as the server's OS user, from DIR (the caller's cwd may be unreadable to it).
as_pg() {
    if is_root; then
        (cd "$DIR" && runuser -u postgres -- "$@")
    else
        (cd "$DIR" && "$@")
    fi
}

# Is something listening on 127.0.0.1/any address at this TCP port? (Linux /proc)
port_busy() {
    hex=$(printf '%04X' "$1")
    awk -v p="$hex" 'FNR > 1 { n = split($2, a, ":"); if (toupper(a[n]) == p && $4 == "0A") f = 1 }
                     END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

server_pid() {
    if [ -f "$DIR/data/postmaster.pid" ]; then
        head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null || true
    fi
}

server_alive() {
    pid=$(server_pid)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Stops the server of DIR if it runs: fast, then immediate, then SIGKILL to its own pid.
stop_server() {
    [ -d "$DIR/data" ] || return 0
    server_alive || return 0
    as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m fast -w -t "$WAIT_SECONDS" >/dev/null 2>&1 ||
        as_pg "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
    if server_alive; then
        kill -9 "$(server_pid)" 2>/dev/null || true
        sleep 1
    fi
}

psql_admin() {
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$port" -U postgres -d postgres "$@"
}

start_failed() {
    echo "pg-test: $*" >&2
    if [ -f "$DIR/postgres.log" ]; then
        echo "pg-test: last lines of $DIR/postgres.log:" >&2
        tail -n 20 "$DIR/postgres.log" >&2
    fi
    stop_server
    echo "pg-test: DIR is kept for inspection; 'sh scripts/pg-test.sh stop $DIR' removes it" >&2
    exit 1
}

cmd_start() {
    [ ! -e "$DIR/data" ] || die "$DIR/data exists: run 'sh scripts/pg-test.sh stop $DIR' first"
    BIN=$(find_bindir)
    if is_root; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' OS user to run the server as"
    fi
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    : > "$DIR/.pg-test"                 # the mark that lets 'stop' delete this directory
    chmod 700 "$DIR"
    if is_root; then
        chown postgres: "$DIR"
        runuser -u postgres -- test -w "$DIR" ||
            die "the postgres user cannot write $DIR (a parent directory is closed to it); use a directory under /tmp"
    fi

    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C -N \
        > "$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    cat > "$DIR/data/pg_hba.conf" <<EOF
# written by scripts/pg-test.sh: superuser trusted locally and from loopback, others by password
local   all   postgres                  trust
local   all   all                       scram-sha-256
host    all   postgres   127.0.0.1/32   trust
host    all   all        127.0.0.1/32   scram-sha-256
EOF
    cat >> "$DIR/data/postgresql.conf" <<EOF

# scripts/pg-test.sh: a throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
password_encryption = 'scram-sha-256'
EOF
    if is_root; then
        chown postgres: "$DIR/data/pg_hba.conf" "$DIR/data/postgresql.conf"
    fi

    port=$PORT_FIRST
    last=$((PORT_FIRST + PORT_TRIES))
    started=
    while [ "$port" -lt "$last" ]; do
        if port_busy "$port"; then
            port=$((port + 1))
            continue
        fi
        as_pg "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/postgres.log" -o "-p $port" -W \
            >/dev/null 2>&1 || start_failed "pg_ctl start failed"
        waited=0
        while [ "$waited" -lt $((WAIT_SECONDS * 10)) ]; do
            if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
                started=1
                break
            fi
            # lost the race for the port (or failed otherwise): the postmaster is gone
            if [ "$waited" -gt 5 ] && ! server_alive; then
                break
            fi
            sleep 0.1
            waited=$((waited + 1))
        done
        [ -z "$started" ] || break
        if ! server_alive && grep -q 'could not bind\|could not create any TCP/IP sockets' \
                "$DIR/postgres.log" 2>/dev/null; then
            port=$((port + 1))
            continue
        fi
        start_failed "the server did not become ready within ${WAIT_SECONDS}s"
    done
    [ -n "$started" ] || start_failed "no free port in $PORT_FIRST-$((last - 1))"

    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    [ ${#password} -eq 32 ] || start_failed "could not make a password"
    psql_admin -c "CREATE ROLE remit LOGIN PASSWORD '$password' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION" \
        || start_failed "could not create role remit"
    psql_admin -c "CREATE DATABASE remit_test OWNER remit" \
        || start_failed "could not create database remit_test"

    url="postgres://remit:$password@127.0.0.1:$port/remit_test"
    echo "$url" > "$DIR/url"
    echo "$port" > "$DIR/port"
    echo "postgres://postgres@127.0.0.1:$port/postgres" > "$DIR/admin_url"
    echo "$url"
}

cmd_stop() {
    [ -e "$DIR" ] || return 0
    [ -d "$DIR" ] || die "$DIR is not a directory"
    DIR=$(cd "$DIR" && pwd)
    [ "$DIR" != / ] || die "refusing to remove /"
    if [ ! -e "$DIR/.pg-test" ]; then
        die "$DIR was not made by pg-test.sh start (no .pg-test mark); not removing it"
    fi
    if [ -d "$DIR/data" ]; then
        BIN=$(find_bindir)
        stop_server
        if server_alive; then
            die "the server in $DIR did not stop"
        fi
    fi
    rm -rf "$DIR"
}

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
DIR=$2
case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    *) usage ;;
esac
