from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "calibration.timeline"
    label = "timeline"
