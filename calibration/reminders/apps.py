from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "calibration.reminders"
    label = "reminders"
