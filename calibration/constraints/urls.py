from django.urls import path

from . import views

app_name = "constraints"

urlpatterns = [
    path("", views.constraint_list, name="list"),
    path("new/", views.constraint_new, name="new"),
    path("<int:pk>/", views.constraint_detail, name="detail"),
    path("<int:pk>/edit/<slug:section>/", views.constraint_edit, name="edit"),
    path("<int:pk>/agree/", views.constraint_agree, name="agree"),
    path("<int:pk>/delete/", views.constraint_delete, name="delete"),
    path("<int:pk>/paths/", views.path_add, name="path_add"),
    path("<int:pk>/paths/<int:path_pk>/", views.path_edit, name="path_edit"),
    path("<int:pk>/paths/<int:path_pk>/delete/", views.path_delete, name="path_delete"),
    path("paths/<int:path_pk>/initiative/", views.path_to_initiative, name="path_to_initiative"),
]
