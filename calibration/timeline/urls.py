from django.urls import path

from . import views

app_name = "timeline"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.new_initiative, name="new"),
    path("calibration/", views.calibration, name="calibration"),
    path("calibration.csv", views.calibration_csv, name="calibration_csv"),
    path("calibration.json", views.calibration_json, name="calibration_json"),
    path("ledger/", views.ledger, name="ledger"),
    path("<int:pk>/", views.initiative, name="initiative"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/indicators/", views.new_indicator, name="new_indicator"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
    path("indicators/<int:pk>/remove/", views.delete_indicator, name="delete_indicator"),
    path("<int:pk>/slip-plan/", views.new_step, name="new_step"),
    path("slip-plan/<int:pk>/", views.step, name="step"),
    path("slip-plan/<int:pk>/delete/", views.delete_step, name="delete_step"),
    path("<int:pk>/overview/", views.section, {"name": "overview"}, name="overview"),
    path("<int:pk>/timelines/", views.section, {"name": "timelines"}, name="timelines"),
    path("<int:pk>/commitment/", views.section, {"name": "commitment"}, name="commitment"),
    path("actions/<int:pk>/done/", views.action_done, name="slip_action_done"),
]
