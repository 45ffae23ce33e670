#!/usr/bin/env bash
# What the test suite needs from Debian: Chromium for the end-to-end tests (driven by playwright-core;
# no browser is ever downloaded from elsewhere), ffmpeg/ffprobe for video thumbnails and durations, and
# pg_dump/pg_restore for `npm run backup` / `npm run restore` on PostgreSQL (and their test), and a Java
# runtime for the Nu HTML checker (vnu.jar, shipped inside the vnu-jar package) of the accessibility test.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
{ command -v pg_dump && command -v pg_restore; } >/dev/null 2>&1 || missing+=(postgresql-client)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "test dependencies: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(ffprobe -version 2>/dev/null | head -1 | awk '{print $1, $3}'), $(pg_dump --version 2>/dev/null), $(java -version 2>&1 | head -1)"
