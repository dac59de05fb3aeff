from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.index, name="index"),
    path("preferences/", views.preferences, name="preferences"),
    path("settings/", views.org_settings, name="settings"),
    path("feed/", views.feed, name="feed"),
    path("samples/", views.samples, name="samples"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
