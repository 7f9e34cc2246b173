#!/usr/bin/env bash
# Throughput of the investigation register (/cases/) served as in production, measured with wrk over loopback.
#
#   DATABASE_URL=postgres://... [REDIS_URL=...] scripts/bench_throughput.sh [PORT] [DURATION] [CONNECTIONS]
#
# Defaults: port 8105, 20 s per URL, 16 connections (wrk -t2). Needs wrk (`apt-get install -y wrk`) and a
# register worth measuring (`manage.py generate_investigations --count 1000000`).
#
# What it does, in order:
#   1. collectstatic into a throwaway STATIC_ROOT (production serves hashed names from the manifest);
#   2. signs in a benchmark audit lead the way a browser would end up: a database session holding the
#      login and a passed multi-factor check (a confirmed TOTP device), so MFA_REQUIRED lets it through;
#   3. starts the Procfile's web process (gunicorn, WEB_CONCURRENCY=4 workers, access log to a file) with
#      DJANGO_ENV=production and DEBUG off; requests carry X-Forwarded-Proto: https as behind the TLS proxy;
#   4. runs wrk against /healthz (the floor: no session, no template), /cases/ (page 1, the estimated
#      total), the last page, and a filtered page (an exact count), printing req/s and the latency
#      distribution of each, with the load average, and the CPU time each request cost in the gunicorn
#      workers and in their PostgreSQL backends (from /proc, so it needs PostgreSQL on this machine). On a
#      shared machine req/s follows whatever else runs; CPU per request does not, and 2 cores / (app + db
#      CPU per request) is what the page could serve with the machine to itself;
#   5. stops gunicorn and deletes the session (the benchmark user and its access-log rows stay: the log is
#      append-only, as it must be).
# Every /cases/ request writes its access-log row, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

port="${1:-8105}"
duration="${2:-20}"
connections="${3:-16}"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
session=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  if [ -n "$session" ]; then
    python manage.py shell -c "from django.contrib.sessions.models import Session; Session.objects.filter(session_key='$session').delete()" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_ENV=production DEBUG=False
export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT="$work/static"
# CONN_MAX_AGE longer than the run, so no worker reconnects mid-run and PostgreSQL's CPU is counted whole.
export PORT="$port" WEB_CONCURRENCY=4 CONN_MAX_AGE=600

python manage.py collectstatic --noinput --verbosity 0
session="$(python manage.py shell -c '
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from oversight.models import User
from oversight.roles import Role
user, _ = User.objects.get_or_create(email="throughput-benchmark@example.invalid", defaults={"full_name": "Throughput benchmark"})
user.groups.add(Group.objects.get(name=Role.AUDIT_LEAD.value))
device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store[DEVICE_ID_SESSION_KEY] = device.persistent_id
store.create()
print(store.session_key)
' | tail -n1)"

web="$(sed -n 's/^web: //p' Procfile | sed 's/--access-logfile -/--access-logfile "$ACCESS_LOG"/')"
export ACCESS_LOG="$work/access.log"
bash -c "exec $web" >"$work/web.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$base/healthz" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/web.log"; echo "gunicorn exited" >&2; exit 1; }
  sleep 0.5
done

last_page="$(python manage.py shell -c 'from cases.pagination import full_table_count; print(-(-full_table_count("cases_investigation")[0] // 50))' | tail -n1)"
headers=(-H "Cookie: sessionid=$session" -H "X-Forwarded-Proto: https")
cpu_snapshot() {  # "pid ticks" (user + system CPU clock ticks so far) of each given process
  local p f
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    read -r -a f <"/proc/$p/stat"
    echo "$p $((f[13] + f[14]))"
  done
}
db_backends() {  # the PostgreSQL backends serving this database, other than the one asking
  python manage.py dbshell -- -Atc "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 2>/dev/null
}
hz="$(getconf CLK_TCK)"
for path in /healthz /cases/ "/cases/?page=$last_page" "/cases/?strand=rasso&da_flag=yes"; do
  status="$(curl -s -o "$work/body" -w '%{http_code}' "${headers[@]}" "$base$path")"
  if [ "$status" != 200 ]; then
    echo "GET $path answered $status, expected 200" >&2
    tail -n 30 "$work/web.log" >&2
    exit 1
  fi
  if [ "$path" != /healthz ]; then
    grep -q 'data-testid="investigation-table"' "$work/body" || { echo "GET $path is not the register" >&2; exit 1; }
  fi
  echo "== GET $path ($(wc -c <"$work/body") bytes); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  workers="$(pgrep -P "$pid")"
  # shellcheck disable=SC2086  # lists of process ids
  { cpu_snapshot $workers; echo app; cpu_snapshot $(db_backends); } >"$work/cpu_before"
  wrk -t2 -c"$connections" -d"${duration}s" --latency "${headers[@]}" "$base$path" >"$work/wrk.txt"
  # shellcheck disable=SC2086
  { cpu_snapshot $workers; echo app; cpu_snapshot $(db_backends); } >"$work/cpu_after"
  grep -E 'Latency|Req/Sec|requests in|Requests/sec|Non-2xx|Socket errors|^ +(50|75|90|99)%' "$work/wrk.txt"
  requests="$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")"
  python - "$work/cpu_before" "$work/cpu_after" "$requests" "$hz" <<'PY'
import sys
def read(path):  # (workers, backends): {pid: ticks}, split at the "app" line
    parts, current = [], {}
    for line in open(path).read().split("\n"):
        if line == "app":
            parts.append(current)
            current = {}
        elif line:
            pid, ticks = line.split()
            current[pid] = int(ticks)
    return parts[0], current
(app0, db0), (app1, db1) = read(sys.argv[1]), read(sys.argv[2])
n, hz = max(1, int(sys.argv[3] or 1)), int(sys.argv[4])
# A backend that appeared during the run (a worker's first connection) counts from zero.
app_ms = sum(t - app0.get(p, 0) for p, t in app1.items()) * 1000 / hz / n
db_ms = sum(t - db0.get(p, 0) for p, t in db1.items()) * 1000 / hz / n
print(f"  CPU per request: app {app_ms:.1f} ms, PostgreSQL {db_ms:.1f} ms; "
      f"2 idle cores would serve about {2000 / max(app_ms + db_ms, 0.1):.0f} req/s")
PY
done
echo "gunicorn: 4 workers, DJANGO_ENV=production; access-log rows written: every /cases/ request"
