"""PDF made on the server with WeasyPrint, from the same HTML the print view uses."""

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML


def html_to_pdf(html, base_url=None):
    """The PDF bytes of `html`, styled with the app's stylesheet (its print rules apply)."""
    stylesheet = CSS(filename=finders.find("css/app.css"))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
