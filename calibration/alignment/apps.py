from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "calibration.alignment"
    label = "alignment"
