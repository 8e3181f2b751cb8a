#!/usr/bin/env bash
# Serve Zhengshe with the production server (gunicorn + whitenoise) and a background-job worker.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything the server writes (the SQLite file, keys, logs, exports, uploads) readable by this account only.
umask 077
BIND=${BIND:-127.0.0.1:8000}
DATA=${ZHENGSHE_DATA_DIR:-data}
# Access log to a file (ACCESS_LOG=- for the terminal), so the demo logins printed above stay readable.
ACCESS_LOG=${ACCESS_LOG:-$DATA/access.log}
.venv/bin/zhengshe db_worker --queue-name default >"$DATA/worker.log" 2>&1 &
worker=$!
# The audit chain verified and a signed checkpoint written outside the database at start and then daily
# (docs/security.md); a broken chain is logged loudly in audit.log. Expired idempotency keys are pruned with it.
( while true; do .venv/bin/zhengshe audit_verify >>"$DATA/audit.log" 2>&1 || echo "审计链校验失败 $(date -Is)" >>"$DATA/audit.log"; .venv/bin/zhengshe idempotency prune >>"$DATA/worker.log" 2>&1 || true; sleep 86400; done ) &
checkpoints=$!
trap 'kill $worker $checkpoints 2>/dev/null || true' EXIT INT TERM
echo "政社 Zhengshe 已启动：http://$BIND/  （按 Ctrl+C 停止；访问日志 $ACCESS_LOG，后台任务日志 $DATA/worker.log）"
exec_status=0
.venv/bin/gunicorn config.wsgi:application --bind "$BIND" --workers "${WORKERS:-3}" --access-logfile "$ACCESS_LOG" || exec_status=$?
exit $exec_status
