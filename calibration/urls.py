from django.urls import include, path

from accounts.urls import org_urlpatterns

from . import live, views
from .api.app import api
from .reminders import views as reminders_views

org_patterns = [
    path("", views.home, name="home"),
    path("history/", views.history, name="history"),
    path("live/", live.check, name="live"),
    path("export/", views.export_data, name="export"),
    path("planning/", views.planning_cycles, name="planning_cycles"),
    path("planning/<int:pk>/", views.planning_cycle, name="planning_cycle"),
    path("planning/<int:pk>/delete/", views.delete_planning_cycle, name="delete_planning_cycle"),
    *org_urlpatterns,
    path("timeline/", include("calibration.timeline.urls")),
    path("alignment/", include("calibration.alignment.urls")),
    path("constraints/", include("calibration.constraints.urls")),
    path("reminders/", include("calibration.reminders.urls")),
    path("board/", include("calibration.board.urls")),
    path("discussion/", include("calibration.comments.urls")),
    path("api-tokens/", include("calibration.api.urls")),
    path("integrations/", include("calibration.integrations.urls")),
]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", api.urls),
    path("o/<slug:org>/", include(org_patterns)),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminders_views.unsubscribe,
        name="reminders_unsubscribe",
    ),
    path("calendar/<str:token>.ics", reminders_views.calendar_feed, name="reminders_feed"),
]
