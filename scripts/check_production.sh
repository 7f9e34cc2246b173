#!/usr/bin/env bash
# The documented production start-up, as README "Production" and the Procfile give it: migrate,
# collectstatic (whitenoise's manifest storage), `manage.py check --deploy`, then the Procfile's web
# process with DEBUG off; /login/, a static file and /healthz must answer 200. Run by .ci/run.
#
# Uses DATABASE_URL / REDIS_URL as set (the embedded SQLite default otherwise) and a throwaway
# STATIC_ROOT. Requests carry X-Forwarded-Proto: https, as the TLS-terminating proxy would.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_ENV=production DEBUG=False
export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static"
export PORT="${PRODUCTION_CHECK_PORT:-8765}" WEB_CONCURRENCY=1
base="http://127.0.0.1:$PORT"

python manage.py migrate --noinput --verbosity 0
python manage.py collectstatic --noinput --verbosity 0
python manage.py check --deploy --fail-level WARNING

web="$(sed -n 's/^web: //p' Procfile)"
bash -c "exec $web" >"$work/web.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$base/healthz" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/web.log"; echo "gunicorn exited" >&2; exit 1; }
  sleep 0.5
done

fetch() {  # fetch PATH → prints the status; the body is kept in $work/body
  curl -s -o "$work/body" -w '%{http_code}' -H 'X-Forwarded-Proto: https' "$base$1"
}
expect_200() {
  local status
  status="$(fetch "$1")"
  if [ "$status" != 200 ]; then
    echo "production check: GET $1 answered $status, expected 200" >&2
    cat "$work/web.log" >&2
    exit 1
  fi
  echo "GET $1 200"
}

expect_200 /login/
grep -q "Sign in to Oversight" "$work/body" || { echo "production check: /login/ is not the login page" >&2; exit 1; }
asset="$(grep -o '/static/[^"]*\.css' "$work/body" | head -n1)"
[ -n "$asset" ] || { echo "production check: the login page links no stylesheet" >&2; exit 1; }
case "$asset" in
  *.*.css) ;;
  *) echo "production check: $asset is not a hashed (manifest) name" >&2; exit 1 ;;
esac
expect_200 "$asset"
expect_200 /healthz
echo "production check passed: collectstatic, check --deploy, gunicorn with DEBUG off"
