#!/usr/bin/env bash
# Audit the pinned requirements for known vulnerabilities: pip-audit with PyPI's vulnerability data
# (https://pypi.org/pypi/<name>/<version>/json). Run by .ci/run. pip-audit lives in .venv-ci
# (requirements-ci.txt), apart from the app's environment.
#
#   - a known vulnerability in any pinned package (or a dependency of one): fails, always;
#   - the audit could not run or could not check some packages (PyPI unreachable or not answering
#     for a version): a loud "NOT AUDITED" report; it fails only with AUDIT_STRICT=1 (release
#     builds), so an outage of PyPI does not block every merge, and is never reported as "no
#     known vulnerabilities".
set -euo pipefail
cd "$(dirname "$0")/.."

venv=".venv-ci"
stamp="$venv/.installed-$(cksum requirements-ci.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
  rm -rf "$venv"
  "$(command -v python3.11 || command -v python3)" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet -r requirements-ci.txt
  touch "$stamp"
fi

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
set +e
"$venv/bin/pip-audit" -r requirements.txt --vulnerability-service pypi --progress-spinner off \
  --format json --output "$report" 2>"$report.err"
ran=$?
set -e

"$venv/bin/python" - "$report" "$ran" "${AUDIT_STRICT:-0}" "$report.err" <<'PY'
import json
import sys

path, ran, strict, errors = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
try:
    with open(path) as handle:
        dependencies = json.load(handle)["dependencies"]
except (OSError, ValueError, KeyError):
    print("NOT AUDITED: pip-audit did not produce a report (exit %d):" % ran)
    print(open(errors).read()[-2000:])
    sys.exit(1 if strict else 0)

vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if d.get("skip_reason")]
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
audited = len(dependencies) - len(skipped)
print(f"{audited} of {len(dependencies)} packages audited, {len(vulnerable)} with known vulnerabilities")
if skipped:
    print(f"NOT AUDITED ({len(skipped)}): " + ", ".join(f"{d['name']} {d.get('version', '')}".strip() for d in skipped))
    print("  first reason: " + skipped[0]["skip_reason"])
if vulnerable:
    sys.exit(1)
if skipped and strict:
    sys.exit(1)
PY
