#!/usr/bin/env bash
# Print a Python >= 3.12 (Django 6.1 needs it): $PYTHON, then python3.13/3.12 on PATH, then pyenv's.
for candidate in "${PYTHON:-}" python3.13 python3.12 python3 /root/.pyenv/versions/3.13*/bin/python /root/.pyenv/versions/3.12*/bin/python "$HOME"/.pyenv/versions/3.1[23]*/bin/python; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "Zhengshe needs Python 3.12 or newer (Django 6.1). Install one (e.g. pyenv install 3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
