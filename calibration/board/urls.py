from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.board_view, name="view"),
    path("table/", views.board_table, name="table"),
    path("print/", views.board_print, name="print"),
    path("board.csv", views.board_csv, name="csv"),
    path("board.pdf", views.board_pdf, name="pdf"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("snapshots/new/", views.new_snapshot, name="new_snapshot"),
    path("snapshots/<int:pk>/", views.snapshot, name="snapshot"),
    path("snapshots/<int:pk>/compare/", views.compare_snapshot, name="compare"),
    path("snapshots/<int:pk>/csv/", views.snapshot_csv, name="snapshot_csv"),
    path("snapshots/<int:pk>/pdf/", views.snapshot_pdf, name="snapshot_pdf"),
]
