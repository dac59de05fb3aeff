from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "calibration.api"
    label = "api"
    verbose_name = "API"
