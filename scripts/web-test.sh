#!/usr/bin/env bash
# The browser test: builds the page (profile web-ci unless RELU0_WEB_PROFILE says otherwise),
# serves it on 127.0.0.1 and drives Debian's Chromium through web/test.mjs.
# Results (JSON, screenshots) land in web/test-output/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export RELU0_WEB_PROFILE=${RELU0_WEB_PROFILE:-web-ci}
dist="$root/web/test-output/dist"
web/build.sh "$dist"
if [ ! -d web/node_modules/playwright-core ]; then
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "scripts/web-test.sh: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2
    exit 2
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dist" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$port/" >/dev/null && break
    sleep 0.1
done
node web/test.mjs "http://127.0.0.1:$port" "$root/web/test-output"
