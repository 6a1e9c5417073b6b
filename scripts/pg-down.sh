#!/usr/bin/env bash
# Stop the throwaway PostgreSQL started by scripts/pg-up.sh and remove its directory.
#
#   scripts/pg-down.sh [DIR]    # DIR defaults to $MIM_PG_DIR
#
# Idempotent: exits 0 when there is nothing to stop or the cluster is already down.
set -uo pipefail

log() { printf 'pg-down: %s\n' "$*" >&2; }

dir="${1:-${MIM_PG_DIR:-}}"
if [[ -z "$dir" ]]; then
    log "MIM_PG_DIR not set; nothing to stop"
    exit 0
fi
if [[ ! -d "$dir" ]]; then
    exit 0
fi
# Refuse to remove anything pg-up.sh did not create.
if [[ "$(basename "$dir")" != mim-pg.* ]]; then
    log "refusing to remove '$dir': not a pg-up.sh directory (mim-pg.*)"
    exit 0
fi

bin="${MIM_PG_BIN:-}"
if [[ -z "$bin" || ! -x "$bin/pg_ctl" ]]; then
    bin="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"
fi

if [[ -f "$dir/data/postmaster.pid" && -x "$bin/pg_ctl" ]]; then
    as_owner=()
    if [[ "$(id -u)" == 0 ]]; then
        as_owner=(runuser -u "$(stat -c %U "$dir/data")" --)
    fi
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
        log "pg_ctl stop failed (already down?)"
fi

rm -rf "$dir" || log "could not remove $dir"
exit 0
