#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs everything Sheaf needs to build, run and test, from Debian 12's packages, and the PyPI
# packages of tests/deploy into a venv (build/deploy-venv). Idempotent: skips apt entirely when
# every package is already installed, and pip when the venv has the pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd
  tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-msa
  libpoppler-private-dev poppler-utils
  libsqlite3-dev libpq-dev postgresql-15 nlohmann-json3-dev libspdlog-dev libcli11-dev libyaml-cpp-dev libpugixml-dev libssl-dev
  zlib1g-dev libdeflate-dev libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev libcpp-httplib-dev librdkafka-dev libhiredis-dev wrk hey
  qpdf time
  libjpeg-dev libpng-dev clang libclang-rt-14-dev
  redis-server
  python3-pil fonts-dejavu-core fonts-dejavu-extra fonts-liberation python3-pytest python3-yaml python3-jsonschema python3-venv
  chromium
)
# The review page's build and browser tests need node and npm: Debian's nodejs and npm on a fresh
# machine; a nodejs that brings its own npm (NodeSource's, which conflicts with Debian's npm) is kept.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: installed ${missing[*]}"
fi

# tests/deploy validates the Kubernetes manifests with kubernetes-validate and KEDA's CRD models,
# which need a newer jsonschema than Debian's: a venv over Debian's python3 (not a pyenv one) that
# still sees python3-pytest and python3-yaml, so nothing changes for the other Python tests.
venv=build/deploy-venv
if [ ! -x "$venv/bin/python3" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python3" -m pip install -q --disable-pip-version-check -r tests/deploy/requirements.txt

# tests/api runs schemathesis against `sheaf serve`: a venv of its own (it brings its own pytest
# and hypothesis), pinned in tests/api/requirements.txt.
venv=build/api-venv
if [ ! -x "$venv/bin/python3" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python3" -m pip install -q --disable-pip-version-check -r tests/api/requirements.txt

# The review page (web/, docs/review-page.md): esbuild builds it and playwright-core drives
# Debian's chromium in tests/browser; both pinned in web/package-lock.json. Then the build
# (cmake/embed_web.cmake) runs `npm run build` and embeds web/dist in the binary.
(cd web && npm ci --no-audit --no-fund --loglevel=error)
