"""The search results page: what the header's search box finds in every programme the
signed-in person belongs to (programmes.search)."""
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.pagination import page_links
from core.search import Hit, SearchKind
from programmes.forms import SearchForm
from programmes.models import Programme
from programmes.search import search_for

RESULTS_PER_PAGE = 20


@dataclass
class KindGroup:
    kind: SearchKind
    hits: list[Hit] = field(default_factory=list)


@dataclass
class ProgrammeGroup:
    programme: dict  # pk, name, slug
    kinds: list[KindGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(k.hits) for k in self.kinds)


def grouped(hits: list[Hit], programmes: dict[int, dict]) -> list[ProgrammeGroup]:
    """The page's results by programme, then by kind, each group where its best result
    ranks (the hits come best first)."""
    groups: dict[int, ProgrammeGroup] = {}
    kinds: dict[tuple[int, str], KindGroup] = {}
    for hit in hits:
        if hit.tenant_id not in programmes:
            continue
        group = groups.setdefault(hit.tenant_id, ProgrammeGroup(programmes[hit.tenant_id]))
        kind = kinds.get((hit.tenant_id, hit.kind.key))
        if kind is None:
            kind = kinds[hit.tenant_id, hit.kind.key] = KindGroup(hit.kind)
            group.kinds.append(kind)
        kind.hits.append(hit)
    return list(groups.values())


@login_required
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Search every programme the person may see: the best RESULTS_PER_PAGE results at a
    time, grouped by programme and kind, with the words that matched marked."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    raw_page = request.GET.get("page", "")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    found = search_for(request.user, query, offset=(page - 1) * RESULTS_PER_PAGE, limit=RESULTS_PER_PAGE)
    pages = max(-(-found.total // RESULTS_PER_PAGE), 1)
    programmes = {p["pk"]: p for p in Programme.objects.filter(pk__in={h.tenant_id for h in found.hits})
                  .values("pk", "name", "slug")} if found.hits else {}
    skipped = (page - 1) * RESULTS_PER_PAGE
    return render(request, "programmes/search.html", {
        "form": form, "query": query, "total": found.total, "groups": grouped(found.hits, programmes),
        "page": page, "first": skipped + 1, "last": skipped + len(found.hits),
        "pagination": page_links(request, min(page, pages), pages),
        "breadcrumbs": [("Programmes", reverse("programmes:list")), ("Search", None)]})
