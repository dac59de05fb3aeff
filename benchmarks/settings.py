"""The product's settings, plus the benchmarks' instrumentation (benchmarks/instrument.py):
`QueryCountMiddleware` first in MIDDLEWARE, so it counts the queries of every middleware
too, and a URLconf that adds the floor view. The servers of benchmarks/pages.py and
benchmarks/load.py run with DJANGO_SETTINGS_MODULE=benchmarks.settings."""

from calibration.settings import *  # noqa: F403

MIDDLEWARE = ["benchmarks.instrument.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "benchmarks.urls"
