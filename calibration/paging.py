"""Long lists shown PER_PAGE rows at a time: "51–100 of 215" and page links that keep the
filters and the sort of the URL they come from (only `page` changes)."""

from django.core.paginator import Paginator

PER_PAGE = 50


def page_of(items, request, per_page=PER_PAGE):
    """(the rows of the page asked for in ?page=, the pager the template shows). A page number
    past the end or not a number shows the last or the first page, as Paginator.get_page does."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page.object_list, Pager(page, request.GET)


class Pager:
    def __init__(self, page, params):
        self.page, self.params = page, params
        self.count = page.paginator.count
        self.first = page.start_index()
        self.last = page.end_index()
        self.several = page.paginator.num_pages > 1

    def url(self, number):
        params = self.params.copy()
        params["page"] = number
        return "?" + params.urlencode()

    def links(self):
        """[(number, url, is the current page)]: the first and last pages and those around
        this one; a gap between them is (None, "", False), shown as "…" (a history of
        thousands of changes has hundreds of pages)."""
        paginator = self.page.paginator
        return [
            (None, "", False)
            if n == paginator.ELLIPSIS
            else (n, self.url(n), n == self.page.number)
            for n in paginator.get_elided_page_range(self.page.number)
        ]

    def previous_url(self):
        return self.url(self.page.previous_page_number()) if self.page.has_previous() else ""

    def next_url(self):
        return self.url(self.page.next_page_number()) if self.page.has_next() else ""
