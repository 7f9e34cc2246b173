#!/usr/bin/env bash
# Copy the built govuk-frontend and chart.js files from node_modules into static/vendor.
# GDS Transport @font-face rules and the crest are removed: both are for GOV.UK services only.
# Source-map comments are removed too: the maps are not vendored, and the production static storage
# (whitenoise's manifest) refuses to build when a file points at one that is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
G=node_modules/govuk-frontend/dist/govuk
mkdir -p static/vendor/govuk-frontend/assets/images static/vendor/chartjs
cp "$G/govuk-frontend.min.js" static/vendor/govuk-frontend/
cp "$G/assets/images/favicon.ico" "$G/assets/images/favicon.svg" static/vendor/govuk-frontend/assets/images/
python3 - "$G/govuk-frontend.min.css" static/vendor/govuk-frontend/govuk-frontend.min.css <<'PY'
import re, sys
css = open(sys.argv[1]).read()
css = re.sub(r"@font-face\{[^}]*\}", "", css).replace("url(/assets/images/govuk-crest.svg)", "none")
open(sys.argv[2], "w").write(css)
PY
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
cp node_modules/chart.js/LICENSE.md static/vendor/chartjs/
python3 - static/vendor/govuk-frontend/govuk-frontend.min.css static/vendor/govuk-frontend/govuk-frontend.min.js \
  static/vendor/chartjs/chart.umd.min.js <<'PY'
import re, sys
for path in sys.argv[1:]:
    text = open(path).read()
    text = re.sub(r"(/\*#\s*sourceMappingURL=[^*]*\*/|//#\s*sourceMappingURL=\S*)\s*$", "", text)
    if "sourceMappingURL" in text:
        sys.exit(f"{path}: a source-map reference is left")
    open(path, "w").write(text.rstrip() + "\n")
PY
