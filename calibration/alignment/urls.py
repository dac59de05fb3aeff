from django.urls import path

from . import views

app_name = "alignment"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("drift/", views.drift, name="drift"),
    path("<int:pk>/", views.sheet_page, name="sheet"),
    path("<int:pk>/board/", views.board, name="board"),
    path("<int:pk>/bets/", views.add_bet, name="add_bet"),
    path("<int:pk>/session/", views.session, name="session"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/next/", views.start_next, name="start_next"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/export.md", views.export_markdown, name="export_markdown"),
    path("<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("bet/<int:pk>/", views.bet, name="bet"),
    path("bet/<int:pk>/move/", views.move_bet, name="move_bet"),
    path("bet/<int:pk>/delete/", views.delete_bet, name="delete_bet"),
    path("bet/<int:pk>/keep/", views.keep_bet, name="keep_bet"),
    path("bet/<int:pk>/links/", views.bet_links, name="bet_links"),
    path("bet/<int:pk>/call/", views.call, name="call"),
]
