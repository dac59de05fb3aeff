from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("organizations/", views.start, name="start"),
    path("organizations/new/", views.new_organization, name="new_organization"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]

org_urlpatterns = [
    path("settings/", views.org_settings, name="org_settings"),
    path("settings/invite/", views.invite, name="invite"),
    path(
        "settings/invitations/<int:pk>/resend/", views.resend_invitation, name="resend_invitation"
    ),
    path(
        "settings/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"
    ),
    path("settings/members/<int:pk>/", views.change_member, name="change_member"),
]
