from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.index, name="index"),
    path("webhooks/new/", views.create_endpoint, name="create_endpoint"),
    path("webhooks/<int:pk>/", views.endpoint, name="endpoint"),
    path("webhooks/<int:pk>/test/", views.send_test, name="send_test"),
    path("webhooks/<int:pk>/delete/", views.delete_endpoint, name="delete_endpoint"),
    path("trackers/", views.save_connection, name="save_connection"),
    path("trackers/<int:pk>/delete/", views.delete_connection, name="delete_connection"),
    path("indicators/", views.link_source, name="link_source"),
    path("indicators/<int:pk>/unlink/", views.unlink_source, name="unlink_source"),
]
