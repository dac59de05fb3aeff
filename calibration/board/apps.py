from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "calibration.board"
    label = "board"
