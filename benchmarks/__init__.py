"""The benchmarks (pages.py, load.py, reminders.py) and what their servers run with.

pages.py and load.py serve Calibrate with DJANGO_SETTINGS_MODULE=benchmarks.settings: the
product's settings plus a query-counting middleware and a floor view (instrument.py, routed by
urls.py). The product never imports this package.
"""
