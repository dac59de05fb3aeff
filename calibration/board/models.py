"""Board snapshots: the board view frozen as it was presented.

"Prepare for board meeting" stores the figures (the rows of ``figures.board_figures`` as JSON)
and the picture (the SVG text) together, dated. A snapshot is never edited afterwards: it is
created with ``create_shared`` (so it appears in the organization's history) and read only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from calibration.formats import date_text
from calibration.models import SharedRecord
from calibration.ranges import date_in_range

from . import svg
from .figures import Filters, Row


class BoardSnapshot(SharedRecord):
    title = models.CharField(max_length=140, help_text="For example “Board meeting, March 2027”.")
    meeting_date = models.DateField("meeting date", validators=[date_in_range])
    taken_on = models.DateField("figures as of", editable=False, validators=[date_in_range])
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", editable=False
    )
    filters = models.JSONField(default=dict, editable=False)
    filters_description = models.CharField(max_length=300, blank=True, editable=False)
    figures = models.JSONField(default=list, editable=False)
    svg = models.TextField(editable=False)

    class Meta:
        ordering = ["-taken_on", "-id"]

    def __str__(self):
        return f"{self.title} ({date_text(self.taken_on)})"

    def clean(self):
        # The chart is shown as it is stored, and a snapshot may come from an imported file:
        # it holds chart markup only, and its rows and filters read back.
        problem = svg.markup_problem(self.svg)
        if problem:
            raise ValidationError({"svg": f"Not a chart as Calibrate draws it: {problem}."})
        for name, read in (("figures", self.rows), ("filters", self.filter_values)):
            try:
                read()
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise ValidationError({name: "Not what a board view writes."}) from error

    def rows(self):
        """The frozen rows (figures.Row), in the order they were presented."""
        return [Row.from_dict(data) for data in self.figures]

    def filter_values(self):
        return Filters(**{**Filters().__dict__, **self.filters})

    def initiative_count(self):
        return len(self.figures)
