from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<slug:app_label>/<slug:model_name>/<int:pk>/", views.discussion, name="discussion"),
    path("comment/<int:pk>/", views.comment, name="comment"),
    path("comment/<int:pk>/delete/", views.delete_comment, name="delete"),
]
