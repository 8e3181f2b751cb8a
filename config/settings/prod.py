"""Production settings (gunicorn; ``make demo`` and ``make serve`` use them too): base plus HTTPS from the environment.

ZHENGSHE_HTTPS=1         the site is reached over https://: Secure session and CSRF cookies, http:// redirected to
                         https://, HSTS
ZHENGSHE_BEHIND_PROXY=1  a reverse proxy in front terminates TLS and sets ``X-Forwarded-Proto``; only then is that
                         header trusted (the proxy must set or strip it on every request)
ZHENGSHE_SSL_REDIRECT    default on with HTTPS (0 if the proxy already redirects)
ZHENGSHE_HSTS_SECONDS    default 31536000 (one year) with HTTPS, never sent without
ZHENGSHE_HSTS_INCLUDE_SUBDOMAINS, ZHENGSHE_HSTS_PRELOAD   default off (they bind every subdomain, and preload is hard
                         to undo)
USE_TLS=1                the earlier single switch: HTTPS behind a proxy (both of the first two)

With none of them set (``make demo``): plain http://127.0.0.1:8000, nothing redirected, no HSTS.
"""

import os

from .base import *  # noqa: F403
from .base import env_bool

_USE_TLS = env_bool("USE_TLS", False)
HTTPS = env_bool("ZHENGSHE_HTTPS", _USE_TLS)
BEHIND_PROXY = env_bool("ZHENGSHE_BEHIND_PROXY", _USE_TLS)

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("ZHENGSHE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("ZHENGSHE_HSTS_SECONDS", 31536000)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("ZHENGSHE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("ZHENGSHE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
