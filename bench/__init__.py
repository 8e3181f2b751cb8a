"""政社 Zhengshe benchmark harness: province-scale data, the production server, latency against a floor.

Run ``.venv/bin/python -m bench`` (or ``make bench``); see ``bench/README.md``.
"""
