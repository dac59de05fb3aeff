"""Mail sent by accounts: invitations."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_invitation(invitation):
    context = {"invitation": invitation, "url": invitation.accept_url()}
    subject = f"{invitation.invited_by} invites you to {invitation.organization} on Calibrate"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("accounts/emails/invitation.html", context), "text/html"
    )
    message.send()
