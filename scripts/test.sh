#!/usr/bin/env bash
# Full test run (`make test`): a throwaway PostgreSQL, migrations up/check/down/up on
# PostgreSQL and on a fresh SQLite file, then the whole suite with MIM_TEST_POSTGRES_URL set.
# Exit code is pytest's (or 1 when an earlier step fails). PostgreSQL is stopped on any exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }
fail() {
    printf '\nFAILED: %s\n' "$*" >&2
    exit 1
}

work="$(mktemp -d -t mim-test.XXXXXX)"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    scripts/pg-down.sh || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting PostgreSQL"
pg_env="$(scripts/pg-up.sh)" || fail "scripts/pg-up.sh"
eval "$pg_env"
pg_url="$DATABASE_URL"
sqlite_url="sqlite+aiosqlite:///$work/mim.db"

migrate() {
    local name="$1" url="$2" cmd
    for cmd in "upgrade head" "check" "downgrade base" "upgrade head"; do
        step "alembic $cmd ($name)"
        # shellcheck disable=SC2086  # cmd holds the subcommand and its argument
        DATABASE_URL="$url" .venv/bin/alembic $cmd || fail "alembic $cmd on $name"
    done
}
migrate PostgreSQL "$pg_url"
migrate SQLite "$sqlite_url"

step "pytest (SQLite and PostgreSQL)"
unset DATABASE_URL
rc=0
MIM_TEST_POSTGRES_URL="$pg_url" .venv/bin/pytest -q -p no:cacheprovider || rc=$?
if [[ "$rc" != 0 ]]; then
    printf '\nFAILED: pytest (exit %s)\n' "$rc" >&2
fi
exit "$rc"
