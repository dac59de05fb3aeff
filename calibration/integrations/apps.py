from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "calibration.integrations"
    label = "integrations"
