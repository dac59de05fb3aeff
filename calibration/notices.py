"""Flash messages ("Saved", "Ada changed the summary meanwhile; both changes are kept")
reach the person also when htmx swaps only a fragment of the page: any message still
waiting after an htmx response is rendered is sent along as an out-of-band swap of the
page's message list (templates/includes/messages.html)."""

from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if (
            not htmx
            or htmx.history_restore_request
            or response.streaming
            or "text/html" not in response.get("Content-Type", "")
            or response.status_code in (204, 304)
            or "HX-Redirect" in response
            or "HX-Refresh" in response
        ):
            return response
        waiting = list(get_messages(request))
        if waiting:
            response.content += render_to_string(
                "includes/messages.html", {"messages": waiting, "out_of_band": True}
            ).encode()
        return response
