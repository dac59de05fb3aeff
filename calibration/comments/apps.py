from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "calibration.comments"
    verbose_name = "Discussion on the record"
