from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "calibration"
    verbose_name = "Calibrate"

    def ready(self):
        from . import pagecache

        pagecache.connect_signals()
