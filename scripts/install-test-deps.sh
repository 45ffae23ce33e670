#!/usr/bin/env bash
# What the test suite needs from Debian: Chromium for the end-to-end tests (driven by playwright-core;
# no browser is ever downloaded from elsewhere) and ffmpeg/ffprobe for video thumbnails and durations.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "test dependencies: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(ffprobe -version 2>/dev/null | head -1 | awk '{print $1, $3}')"
