#!/usr/bin/env bash
# Run the service tests against PostgreSQL and Redis at 127.0.0.1, with real worker processes.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_up() { .venv/bin/python - <<'PY'
import socket, sys
for port in (5432, 6379):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        sys.exit(1)
PY
}
if ! pg_up; then
    # The machine starts both before a session; start them again if they have stopped.
    (pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true) 2>/dev/null
    (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true) >/dev/null 2>&1
    sleep 2
fi

export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jewelreview}"
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
export JEWELREVIEW_TEST_REDIS=1
exec .venv/bin/python -m pytest tests/jewelreview tests/hardening "$@"
