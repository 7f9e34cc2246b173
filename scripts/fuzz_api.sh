#!/usr/bin/env bash
# Fuzz the API from its OpenAPI schema (/api/schema/) with schemathesis, as an administrator, a
# case editor and an OPCC scrutiny officer: any 5xx, a response that does not match the schema or
# a wrong content type fails. Run by .ci/run (blocking); bounded by FUZZ_SECONDS per user (default
# 60) and FUZZ_EXAMPLES cases per operation and phase (default 25).
#
# Repeatable: schemathesis's deterministic generation (the same inputs on every run), so a CI
# failure is the same failure on a developer's machine. FUZZ_SEED=<n> explores random inputs from
# that seed instead (to look for new failures on purpose; a seed reproduces its run).
#
# Uses DATABASE_URL when set (CI: a database of its own, it is written to) or a throwaway SQLite
# file, seeded with the demo data; gunicorn serves the app with DEBUG off; tasks run eagerly.
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

unset REDIS_URL
export DATABASE_URL="${DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}"
export DJANGO_ENV=development DEBUG=False ALLOWED_HOSTS=127.0.0.1
export API_THROTTLE_USER=1000000/min API_THROTTLE_ANON=1000000/min
export DEMO_PASSWORD="$(python -c 'import secrets; print(secrets.token_urlsafe(16))')"
port="${FUZZ_PORT:-8766}"
seconds="${FUZZ_SECONDS:-60}"
examples="${FUZZ_EXAMPLES:-25}"
if [ -n "${FUZZ_SEED:-}" ]; then
  generation=(--seed "$FUZZ_SEED")
else
  generation=(--generation-deterministic)
fi
base="http://127.0.0.1:$port"

python manage.py migrate --noinput --verbosity 0
python manage.py seed_demo >/dev/null

gunicorn oversight.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 60 >"$work/web.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$base/healthz" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/web.log"; echo "gunicorn exited" >&2; exit 1; }
  sleep 0.5
done

status=0
for email in admin@example.org data.officer@example.org opcc.scrutiny@example.org; do
  token="$(python manage.py drf_create_token "$email" | awk '{print $3}')"
  echo "== schemathesis as $email (at most ${seconds}s, $examples cases per operation, ${generation[*]})"
  (cd "$work" && schemathesis run "$base/api/schema/?format=json" \
    --header "Authorization: Token $token" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance \
    --max-time "$seconds" --max-examples "$examples" "${generation[@]}" \
    --workers 1 --no-color) || status=1
done
if grep -q "Internal Server Error" "$work/web.log"; then
  grep -A40 "Internal Server Error" "$work/web.log" | head -200 >&2
  status=1
fi
exit "$status"
