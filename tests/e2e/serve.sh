#!/usr/bin/env bash
# Serves the built SPA through the real Flask backend for the browser tests.
#
#   PORT=5123 tests/e2e/serve.sh [local|s3]
#
# Every run gets a fresh temporary directory: a new SQLite database, upload folder and JWT
# secret, so runs never see each other's users. With `s3`, a moto server on another free
# loopback port stands in for S3 and the backend's storage is initialised against it; the
# browser then loads photos from moto's presigned URLs.
#
# Assumes (see the backend's contract): the repository root has .venv/ with the backend
# installed (`pip install -e backend`, plus moto[server] for the s3 variant), and Flask serves
# FRONTEND_DIST with a history fallback for non-/api paths.
set -euo pipefail

STORAGE="${1:-${E2E_STORAGE_BACKEND:-local}}"
case "$STORAGE" in
  local | s3) ;;
  *) echo "serve.sh: storage must be 'local' or 's3', not '$STORAGE'" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${FRIENDER_VENV:-$ROOT/.venv}"
PORT="${PORT:?serve.sh: set PORT to a free loopback port}"
PY="$VENV/bin/python"

if [[ ! -x "$VENV/bin/flask" || ! -x "$VENV/bin/gunicorn" ]]; then
  echo "serve.sh: $VENV has no flask/gunicorn; install the backend into it first (make install)." >&2
  exit 1
fi

# The Makefile's rule: installs and rebuilds only when the lock file or a source changed since
# the last build, so `npx playwright test` run by hand never tests a stale build. Both backends'
# servers start at once: the lock lets one build while the other waits for it.
flock "$ROOT/frontend/.build-lock" make -s -C "$ROOT" frontend >&2

TMP="$(mktemp -d "${TMPDIR:-/tmp}/friender-e2e-$STORAGE.XXXXXX")"
CHILDREN=()
CLEANUP_FILES=()
cleanup() {
  for pid in "${CHILDREN[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$TMP" "${CLEANUP_FILES[@]:-}"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_http() { # url, seconds
  "$PY" - "$1" "$2" <<'PY'
import sys, time, urllib.request, urllib.error
url, deadline = sys.argv[1], time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # any HTTP answer means the server is up
    except Exception:
        time.sleep(0.2)
sys.exit(f"serve.sh: nothing answered at {url}")
PY
}

export FRIENDER_ENV=development
export DATABASE_URL="sqlite:///$TMP/e2e.sqlite3"
export LOCAL_STORAGE_DIR="$TMP/uploads"
export JWT_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(36))')" # 48 chars
export FRONTEND_DIST="$ROOT/frontend/dist"
# Mail goes to .eml files (no MAIL_SERVER); the suite reads them from the folder it chose.
export MAIL_OUTBOX_DIR="${MAIL_OUTBOX_DIR:-$TMP/outbox}"
export APP_BASE_URL="http://127.0.0.1:$PORT"
rm -rf "$MAIL_OUTBOX_DIR" && mkdir -p "$MAIL_OUTBOX_DIR"
export PORT
# The suite signs up a handful of users from one address; keep the limits out of its way.
export SIGNUP_RATE_LIMIT="${SIGNUP_RATE_LIMIT:-1000 per hour}"
export LOGIN_RATE_LIMIT="${LOGIN_RATE_LIMIT:-1000 per minute}"
export MESSAGE_RATE_LIMIT="${MESSAGE_RATE_LIMIT:-1000 per minute}"
mkdir -p "$LOCAL_STORAGE_DIR"

if [[ "$STORAGE" == s3 ]]; then
  if [[ ! -x "$VENV/bin/moto_server" ]]; then
    echo "serve.sh: $VENV/bin/moto_server is missing (pip install 'moto[server]')." >&2
    exit 1
  fi
  MOTO_PORT="$(free_port)"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$TMP/moto.log" 2>&1 &
  CHILDREN+=($!)
  wait_for_http "http://127.0.0.1:$MOTO_PORT/" 60
  export STORAGE_BACKEND=s3
  export S3_BUCKET=friender-e2e
  export S3_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
  export AWS_ACCESS_KEY_ID=test
  export AWS_SECRET_ACCESS_KEY=test
  export AWS_REGION=us-east-1
  export AWS_DEFAULT_REGION=us-east-1
else
  export STORAGE_BACKEND=local
fi

cd "$TMP"
"$VENV/bin/flask" --app friender db upgrade
# Where operator commands (flask users grant-moderator) reach this run's database, by port.
echo "$DATABASE_URL" >"${TMPDIR:-/tmp}/friender-e2e-$PORT.database-url"
CLEANUP_FILES+=("${TMPDIR:-/tmp}/friender-e2e-$PORT.database-url")
if [[ "$STORAGE" == s3 ]]; then
  "$VENV/bin/flask" --app friender storage init
fi

echo "serve.sh: Friender ($STORAGE storage) on http://127.0.0.1:$PORT, data in $TMP" >&2
# Not exec: this shell stays to stop moto and remove the temporary data when the tests end.
"$VENV/bin/gunicorn" -c python:friender.gunicorn_config -w 1 --timeout 120 -b "127.0.0.1:$PORT" 'friender:create_app()' &
CHILDREN+=($!)
wait "${CHILDREN[-1]}"
