#!/usr/bin/env python3
"""Screenshot of the demo home page for the README (headless Debian chromium through Playwright).

    make demo &                                   # a running demo server
    .venv/bin/python scripts/screenshot.py [--base http://127.0.0.1:8000] [--user leader] [--out docs/screenshot.png]

Signs in through the real login form with the demo password (users without a second factor only).
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="leader")
    parser.add_argument("--password", default="Zhengshe@2026")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=500)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN", viewport={"width": args.width, "height": args.height})
        page.goto(f"{args.base}/accounts/login/")
        page.get_by_label("用户名").fill(args.user)
        page.get_by_label("密码").fill(args.password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{args.base}/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out, full_page=False)
        browser.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
