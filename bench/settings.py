"""Settings for bench/web.py: the production settings, served by gunicorn over plain HTTP on
loopback. Only what plain HTTP, the bench's own URLs and a load generator need differs."""

from __future__ import annotations

from lepportal.settings.production import *  # noqa: F403
from lepportal.settings.production import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Plain HTTP on 127.0.0.1: no redirect to HTTPS, and cookies a plain-HTTP client may send back.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]

# collectstatic writes here (the manifest storage needs it), not into the deployment's folder.
STATIC_ROOT = BASE_DIR / "var" / "bench" / "staticfiles"
MEDIA_ROOT = BASE_DIR / "var" / "bench" / "media"

# Receipts are rendered as in production, then dropped: there is no mail server on loopback.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# The anonymous-abuse guards would refuse a load generator: every journey comes from one
# address, faster than a person types. They cost a signed-token check and a cache increment,
# which still run.
CONSULTATION_MIN_SECONDS_ON_PAGE = 0
CONSULTATION_ANONYMOUS_STARTS_PER_HOUR = 10**9
