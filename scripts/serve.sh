#!/usr/bin/env bash
# Serve Zhengshe with the production server (gunicorn + whitenoise) and a background-job worker.
set -euo pipefail
cd "$(dirname "$0")/.."
BIND=${BIND:-127.0.0.1:8000}
.venv/bin/zhengshe db_worker --queue-name default >"${ZHENGSHE_DATA_DIR:-data}/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "政社 Zhengshe 已启动：http://$BIND/  （按 Ctrl+C 停止）"
exec_status=0
.venv/bin/gunicorn config.wsgi:application --bind "$BIND" --workers "${WORKERS:-3}" --access-logfile - || exec_status=$?
exit $exec_status
