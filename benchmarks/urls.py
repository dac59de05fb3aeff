"""The product's URLs plus the floor view the page benchmark compares every page with."""

from django.urls import path

from benchmarks.instrument import floor
from calibration.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    *product_urlpatterns,
    path("o/<slug:org>/__floor__/", floor, name="perf_floor"),
]
