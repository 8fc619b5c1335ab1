"""Links for the GOV.UK pagination component (templates/includes/pagination.html).

A page keeps its other query parameters (filters) in every link and changes only `page`.
"""
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis between page numbers
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    items: list[PageLink]
    previous_url: str
    next_url: str


def page_links(request: HttpRequest, page: int, pages: int, *, around: int = 1) -> Pagination | None:
    """The links to the pages of a list on page `page` of `pages`: the first, the last and
    `around` either side of the current one, with ellipses for the gaps, as the GOV.UK
    pattern advises. None when there is only one page."""
    if pages <= 1:
        return None

    def url(n: int) -> str:
        query = request.GET.copy()
        query["page"] = n
        return f"?{query.urlencode()}"

    wanted = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    items: list[PageLink] = []
    for n in wanted:
        if items and items[-1].number is not None and n > items[-1].number + 1:
            items.append(PageLink(None))
        items.append(PageLink(n, url(n), n == page))
    return Pagination(page, pages, items, url(page - 1) if page > 1 else "",
                      url(page + 1) if page < pages else "")
