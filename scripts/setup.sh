#!/usr/bin/env bash
# Install what dzgeo needs on a fresh Debian machine.
#   bash scripts/setup.sh         the app and the CLI (Python packages, a CJK font)
#   bash scripts/setup.sh --dev   also the test tools: chromium, poppler-utils, nginx, pytest, ruff …,
#                                 and PostgreSQL + PostGIS for the ledger store tests
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(fonts-noto-cjk fonts-wqy-zenhei)
extras=""
if [[ "${1:-}" == "--dev" ]]; then
  debs+=(chromium poppler-utils postgresql postgresql-postgis nginx curl)
  extras="[dev]"
fi

missing=()
for pkg in "${debs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

python3 -m pip install -q --disable-pip-version-check -e ".${extras}"
