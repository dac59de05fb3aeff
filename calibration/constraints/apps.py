from django.apps import AppConfig


class ConstraintsConfig(AppConfig):
    name = "calibration.constraints"
    label = "constraints"
