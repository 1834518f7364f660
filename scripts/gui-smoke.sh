#!/usr/bin/env bash
# Real-window smoke test: start the app under Xvfb, capture the screen while it runs, check the
# frame is not blank, and check that the app closes cleanly (exit code 0).
# Needs: xvfb, imagemagick (import, convert). Usage: scripts/gui-smoke.sh PATH/TO/relu0 [OUT.png]
set -euo pipefail
bin=${1:?usage: scripts/gui-smoke.sh PATH/TO/relu0 [OUT.png]}
shot=${2:-$(mktemp -d)/relu0-window.png}
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=$display XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
started=$(date +%s.%N)
RELU0_EXIT_AFTER_SECONDS=12 "$bin" gui 2>/tmp/relu0-gui-smoke.log &
app=$!
sleep 8
import -window root "$shot"
status=0
wait $app || status=$?
ended=$(date +%s.%N)
if [ "$status" -ne 0 ]; then
  echo "gui-smoke: the app exited with $status"; tail -5 /tmp/relu0-gui-smoke.log; exit 1
fi
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
if awk "BEGIN { exit !($spread < 0.02) }"; then
  echo "gui-smoke: the window looks blank (grey spread $spread): $shot"; exit 1
fi
echo "gui-smoke: window rendered (grey spread $spread), closed cleanly after $(awk "BEGIN { printf \"%.1f\", $ended - $started }") s; screenshot $shot"
