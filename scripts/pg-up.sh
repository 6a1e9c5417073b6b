#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster on a random loopback port (TECH-NOTES §9).
#
#   eval "$(scripts/pg-up.sh [--durable])"   # exports MIM_PG_DIR, MIM_PG_BIN, DATABASE_URL
#   scripts/pg-down.sh                        # stops it and removes MIM_PG_DIR
#
# Only the export line goes to stdout; everything else goes to stderr.
# Default is fast (fsync, synchronous_commit and full_page_writes off); --durable keeps
# fsync and synchronous_commit on (for the benchmark). Works as root (server commands run
# as the `postgres` user, since initdb and pg_ctl refuse root) and as a normal user.
set -euo pipefail

log() { printf 'pg-up: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

durable=0
for arg in "$@"; do
    case "$arg" in
    --durable) durable=1 ;;
    -h | --help)
        sed -n '2,10p' "$0" >&2
        exit 0
        ;;
    *) die "unknown argument: $arg (usage: pg-up.sh [--durable])" ;;
    esac
done

is_root() { [[ "$(id -u)" == 0 ]]; }

# Prints the directory holding PostgreSQL 15's initdb, or nothing.
find_bin() {
    local candidate
    for candidate in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin; do
        if [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] &&
            "$candidate/postgres" --version 2>/dev/null | grep -q ' 15\.'; then
            printf '%s\n' "$candidate"
            return
        fi
    done
}

install_pg() {
    local -a runner=()
    if is_root; then
        runner=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        runner=(sudo -n)
    else
        die "PostgreSQL 15 binaries not found and cannot install them (not root, no passwordless sudo).
       Install them with: sudo apt-get install -y postgresql-15"
    fi
    log "PostgreSQL 15 not found; installing postgresql-15 with apt-get"
    "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2 ||
        die "apt-get update failed"
    "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2 ||
        die "apt-get install postgresql-15 failed"
}

free_port() {
    if command -v python3 >/dev/null 2>&1 &&
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null; then
        return
    fi
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means nobody listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return
        fi
    done
    die "no free port found"
}

bin="$(find_bin)"
if [[ -z "$bin" ]]; then
    install_pg
    bin="$(find_bin)"
    [[ -n "$bin" ]] || die "postgresql-15 installed but initdb not found in pg_config --bindir or /usr/lib/postgresql/15/bin"
fi

as_owner=()
if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run the server as"
    as_owner=(runuser -u postgres --)
fi

# The directory must be traversable by `postgres` when root; TMPDIR might not be.
base="${TMPDIR:-/tmp}"
if is_root && ! runuser -u postgres -- test -w "$base" 2>/dev/null; then
    base=/tmp
fi
dir="$(mktemp -d "$base/mim-pg.XXXXXX")"
chmod 755 "$dir"
if is_root; then
    chown postgres: "$dir"
fi
ok=0
cleanup_on_exit() {
    [[ "$ok" == 1 ]] && return
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}
trap cleanup_on_exit EXIT
trap 'exit 130' INT TERM

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    die "initdb failed"
}

settings="-c listen_addresses=127.0.0.1 -c jit=off -c max_connections=200"
if [[ "$durable" == 1 ]]; then
    settings+=" -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
else
    settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi

# The port is probed, then bound by postgres: retry if someone else took it in between.
started=0
for _ in 1 2 3; do
    port="$(free_port)"
    if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 start \
        -o "-p $port -k $dir $settings" >/dev/null 2>&1; then
        started=1
        break
    fi
    log "start on port $port failed, retrying"
done
if [[ "$started" != 1 ]]; then
    tail -n 20 "$dir/log" >&2 || true
    die "PostgreSQL did not start (log above)"
fi

"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres mim_test >&2 || die "createdb failed"
ok=1

log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') up on 127.0.0.1:$port ($([[ "$durable" == 1 ]] && echo durable || echo fast)), dir $dir"
echo "export MIM_PG_DIR=$dir MIM_PG_BIN=$bin DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:$port/mim_test"
