#!/usr/bin/env python3
"""Sign in through the real login form with every login ``make demo`` printed (TOTP ones included).

    make demo > demo.log &          # then, once it serves:
    .venv/bin/python scripts/check_demo_logins.py demo.log [--base http://127.0.0.1:8000]

For users marked ``*`` the 6-digit code comes from ``.venv/bin/zhengshe totp_code <user>`` (run with the
same ZHENGSHE_DATA_DIR / DATABASE_URL as the server). Exits 1 if any login does not reach the home page.
Standard library only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def printed_logins(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """(password, [(username, needs_totp)]) from the table ``zhengshe demo`` prints."""
    password = re.search(r"password for all\): (\S+)", text).group(1)
    table = text.split("动态口令密钥 TOTP secret", 1)[1].split("=" * 20, 1)[0]
    users = []
    for line in table.strip().splitlines():
        match = re.match(r"^([A-Za-z0-9_.@+-]+)( \*)?\s", line)
        if match:
            users.append((match.group(1), bool(match.group(2))))
    return password, users


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def login(base: str, username: str, password: str, needs_totp: bool) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "zh-CN")]
    page = opener.open(f"{base}/accounts/login/").read().decode()
    assert 'lang="zh-CN"' in page and "登录" in page, "login page is not the Chinese one"
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf_of(page), "username": username,
                                   "password": password, "next": "/"}).encode()
    response = opener.open(urllib.request.Request(f"{base}/accounts/login/", data=data,
                                                  headers={"Referer": f"{base}/accounts/login/"}))
    html = response.read().decode()
    if response.url.rstrip("/").endswith("/accounts/login/totp"):
        if not needs_totp:
            return "asked for a TOTP code although not marked *"
        code = subprocess.run([str(ROOT / ".venv/bin/zhengshe"), "totp_code", username], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf_of(html), "code": code}).encode()
        response = opener.open(urllib.request.Request(response.url, data=data, headers={"Referer": response.url}))
        html = response.read().decode()
    elif needs_totp:
        return "marked * but no TOTP step"
    path = urllib.parse.urlsplit(response.url).path
    if path != "/" or "以下是您的工作范围" not in html:
        return f"ended on {path} instead of the home page"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("log", help="the output of `make demo` (or `zhengshe demo`)")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    password, users = printed_logins(Path(args.log).read_text(encoding="utf-8", errors="replace"))
    failures = 0
    for username, needs_totp in users:
        try:
            result = login(args.base.rstrip("/"), username, password, needs_totp)
        except Exception as exc:  # noqa: BLE001 — report every login, then fail
            result = f"error: {exc!r}"
        failures += result != "ok"
        print(f"{username:<12} {'TOTP ' if needs_totp else '     '}{result}")
    print(f"{len(users) - failures}/{len(users)} printed logins reach the home page")
    return 1 if failures or not users else 0


if __name__ == "__main__":
    sys.exit(main())
