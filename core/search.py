"""Search over the records a person may see, with one document per record in one table
(core.models.SearchDocument).

Core knows no domain app, so each app declares, in its AppConfig.ready:
  - its kinds of result (`search_kind`): a key, the heading its results go under, and its
    place among the others;
  - the models whose rows are found (`searchable`): a function that makes a row's
    documents (`SearchText`: the kind, a title, the words, the page that shows it, and
    who may see it), the foreign key that names the row's tenant (its programme), and the
    capabilities its documents may require.
A row's documents are replaced when it is saved and removed when it is deleted, by the
post_save and post_delete signals connected here for every searchable model, in the same
transaction as the write. The index is a copy of the records, not a side effect a service
owns: a signal is the one place every way of writing them passes (pages, the API, uploads,
the admin, a cascade). Writes that send no signal (bulk_create, QuerySet.update: the scale
data) are followed by `search_rebuild`, as `manage.py search_rebuild` does.

Staff personal data is never indexed: no app declares a model that holds it.

On PostgreSQL the search is full text (websearch syntax, English stemming) over a GIN
index, ranked by SearchRank with the title weighted above the words, the matching words
marked by SearchHeadline. On SQLite, every word must appear in the title or the words
(icontains), titles that hold more of them first, and the snippet is cut around the first.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.models import SearchDocument

# The longest search a person may ask, and the most words of it the SQLite fallback reads.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# The text search configuration of both the index and the query: English stemming, so
# "milestones" finds "milestone".
CONFIG = "english"
TITLE_LENGTH = 300
# A body longer than this is cut: the words past it are not worth a heading's rank, and
# ts_headline reads the whole body of every result it marks.
BODY_LENGTH = 20_000
SNIPPET_LENGTH = 220
# What marks a matched word in a headline until it becomes <mark>: characters of Unicode's
# private use area, which no record keeps (they are dropped from the text indexed).
_START, _STOP = "\ue000", "\ue001"
# A document's capability of this prefix is shown to the members who lack the capability
# (the public copy of an exempt paper), so each person finds one document per record.
WITHOUT = "not:"


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str  # the heading of its results: "Risks"
    order: int


@dataclass(frozen=True)
class SearchText:
    """One document of a record, as an app makes it."""

    kind: str
    title: str
    body: str
    url: str
    # Blank: every member of the programme may see it; a capability: only members whose
    # role has it; `WITHOUT` + a capability: only those whose role lacks it.
    capability: str = ""


@dataclass(frozen=True)
class _Source:
    model: type[models.Model]
    describe: Callable[[models.Model], Iterable[SearchText]]
    tenant: str  # the foreign key to the tenant: "programme"
    related: tuple[str, ...]  # what describe reads through a foreign key, for the rebuild


_kinds: dict[str, SearchKind] = {}
_sources: dict[type[models.Model], _Source] = {}
_capabilities: set[str] = set()


def search_kind(key: str, label: str, *, order: int) -> SearchKind:
    """Declare a kind of result. The same declaration again is harmless."""
    kind = SearchKind(key, label, order)
    known = _kinds.get(key)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"Search kind {key!r} is declared twice, differently.")
    _kinds[key] = kind
    return kind


def search_kinds() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def searchable(model: type[models.Model], describe: Callable[[models.Model], Iterable[SearchText]], *,
               tenant: str = "programme", related: tuple[str, ...] = (),
               capabilities: tuple[str, ...] = ()) -> None:
    """Find rows of `model` by the documents `describe` makes of each (none: not found),
    and keep them up to date on every save and delete."""
    if model in _sources and _sources[model].describe is not describe:
        raise ImproperlyConfigured(f"{model.__name__} is made searchable twice, differently.")
    _sources[model] = _Source(model, describe, tenant, related)
    _capabilities.update(capabilities)
    uid = f"core-search-{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    # A deleted tenant takes every document of its own with it (its rows' signals do too,
    # one by one, but a document of a kind no longer declared would stay).
    tenant_model = model._meta.get_field(tenant).related_model
    post_delete.connect(_tenant_deleted, sender=tenant_model,
                        dispatch_uid=f"core-search-tenant-{tenant_model._meta.label_lower}")


def search_capabilities() -> set[str]:
    """The capabilities a document may require, which a search must be told the user's
    standing in."""
    return set(_capabilities)


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # a fixture being loaded: its rows are indexed by search_rebuild
        search_index(instance)


def _deleted(sender, instance, **kwargs) -> None:
    SearchDocument.objects.filter(source_type=ContentType.objects.get_for_model(sender),
                                  source_id=instance.pk).delete()


def _tenant_deleted(sender, instance, **kwargs) -> None:
    SearchDocument.objects.filter(tenant_type=ContentType.objects.get_for_model(sender),
                                  tenant_id=instance.pk).delete()


def _clean(text: str, length: int) -> str:
    return (text or "").replace(_START, "").replace(_STOP, "").strip()[:length]


def _documents(source: _Source, obj: models.Model) -> list[SearchDocument]:
    field = source.model._meta.get_field(source.tenant)
    tenant_type = ContentType.objects.get_for_model(field.related_model)
    source_type = ContentType.objects.get_for_model(source.model)
    postgresql = connection.vendor == "postgresql"
    found = []
    for text in source.describe(obj):
        if text.kind not in _kinds:
            raise ImproperlyConfigured(f"Search kind {text.kind!r} is not declared.")
        title, body = _clean(text.title, TITLE_LENGTH), _clean(text.body, BODY_LENGTH)
        found.append(SearchDocument(
            tenant_type=tenant_type, tenant_id=getattr(obj, field.attname), source_type=source_type,
            source_id=obj.pk, kind=text.kind, capability=text.capability, title=title, body=body, url=text.url,
            # Worked out by the database in the INSERT itself, so a write costs no extra query.
            vector=_vector(Value(title), Value(body)) if postgresql else None))
    return found


def _vector(title, body):
    return SearchVector(title, weight="A", config=CONFIG) + SearchVector(body, weight="B", config=CONFIG)


def search_index(obj: models.Model) -> None:
    """Replace the documents of one row with those its app makes of it now: two queries."""
    source = _sources[type(obj)]
    with transaction.atomic():
        SearchDocument.objects.filter(source_type=ContentType.objects.get_for_model(source.model),
                                      source_id=obj.pk).delete()
        SearchDocument.objects.bulk_create(_documents(source, obj))


@transaction.atomic
def search_rebuild(*, tenant: models.Model | None = None, batch_size: int = 2000) -> int:
    """Make every searchable row's documents afresh (of one tenant's rows, or all) and
    return how many there are."""
    count = 0
    for source in _sources.values():
        source_type = ContentType.objects.get_for_model(source.model)
        stale = SearchDocument.objects.filter(source_type=source_type)
        rows = source.model._default_manager.select_related(*source.related).order_by("pk")
        if tenant is not None:
            stale = stale.filter(tenant_type=ContentType.objects.get_for_model(tenant), tenant_id=tenant.pk)
            rows = rows.filter(**{source.tenant: tenant})
        stale.delete()
        batch: list[SearchDocument] = []
        for obj in rows.iterator(chunk_size=batch_size):
            batch += _documents(source, obj)
            if len(batch) >= batch_size:
                count += len(SearchDocument.objects.bulk_create(batch))
                batch = []
        count += len(SearchDocument.objects.bulk_create(batch))
    if tenant is None:
        # Documents of a model no longer searchable.
        SearchDocument.objects.exclude(source_type__in=[ContentType.objects.get_for_model(m)
                                                        for m in _sources]).delete()
    return count


# --- Searching ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    kind: SearchKind
    tenant_id: int
    title: SafeString  # with the matching words in <mark>
    snippet: SafeString
    url: str
    rank: float


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    total: int


def visible_q(*, everyone: QuerySet, by_capability: dict[str, QuerySet]) -> Q:
    """The documents a person may see: every member's, in the tenants of `everyone` (a
    queryset of tenant ids), and for each capability a document may require, those of the
    tenants where they have it (`by_capability`), or where they lack it."""
    q = Q(capability="", tenant_id__in=everyone)
    for capability in sorted(_capabilities):
        having = by_capability.get(capability)
        if having is None:
            q |= Q(capability=f"{WITHOUT}{capability}", tenant_id__in=everyone)
            continue
        q |= Q(capability=capability, tenant_id__in=having)
        q |= Q(capability=f"{WITHOUT}{capability}", tenant_id__in=everyone) & ~Q(tenant_id__in=having)
    return q


def search(query: str, *, tenant_model: type[models.Model], visible: Q, offset: int = 0,
           limit: int = 20) -> Found:
    """The documents of `tenant_model`'s tenants that `visible` allows and `query`
    matches, best first, `limit` of them from `offset`, and how many there are in all.
    Two queries, however many match."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return Found([], 0)
    documents = SearchDocument.objects.filter(visible, tenant_type=ContentType.objects.get_for_model(tenant_model))
    if connection.vendor == "postgresql":
        found, total = _postgresql(documents, query, offset, limit)
    else:
        found, total = _fallback(documents, query, offset, limit)
    return Found(found, total)


def _postgresql(documents: QuerySet, query: str, offset: int, limit: int) -> tuple[list[Hit], int]:
    sq = SearchQuery(query, search_type="websearch", config=CONFIG)
    matching = documents.filter(vector=sq)
    total = matching.count()
    rows = (matching.annotate(rank=SearchRank(F("vector"), sq))
            .order_by("-rank", "title", "pk")[offset:offset + limit]
            .annotate(title_marked=SearchHeadline("title", sq, config=CONFIG, start_sel=_START,
                                                  stop_sel=_STOP, highlight_all=True),
                      snippet=SearchHeadline("body", sq, config=CONFIG, start_sel=_START, stop_sel=_STOP,
                                             max_words=35, min_words=15, max_fragments=2,
                                             fragment_delimiter=" … "))
            .values("kind", "tenant_id", "title_marked", "snippet", "url", "rank"))
    return [Hit(_kinds[r["kind"]], r["tenant_id"], _marked(r["title_marked"]), _marked(r["snippet"]),
                r["url"], r["rank"]) for r in rows if r["kind"] in _kinds], total


def _marked(text: str) -> SafeString:
    return mark_safe(escape(text or "").replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _fallback(documents: QuerySet, query: str, offset: int, limit: int) -> tuple[list[Hit], int]:
    words, without = _terms(query)
    if not words:
        return [], 0
    matching = documents
    for word in words:
        matching = matching.filter(Q(title__icontains=word) | Q(body__icontains=word))
    for word in without:
        matching = matching.exclude(Q(title__icontains=word) | Q(body__icontains=word))
    total = matching.count()
    # A word in the title counts for more than one in the words, as PostgreSQL's weights do.
    rank = sum((Case(When(title__icontains=w, then=Value(1.0)), default=Value(0.1), output_field=FloatField())
                for w in words), Value(0.0))
    rows = (matching.annotate(rank=rank).order_by("-rank", "title", "pk")[offset:offset + limit]
            .values("kind", "tenant_id", "title", "body", "url", "rank"))
    return [Hit(_kinds[r["kind"]], r["tenant_id"], _mark_words(r["title"], words),
                _mark_words(_snippet(r["body"], words), words), r["url"], r["rank"])
            for r in rows if r["kind"] in _kinds], total


def _terms(query: str) -> tuple[list[str], list[str]]:
    """The words (or "quoted phrases") to find and the -words to leave out, as PostgreSQL's
    websearch syntax reads them; "or" is taken as one more word to find."""
    words, without = [], []
    for phrase, word in _TERM.findall(query):
        term = phrase.strip() or word
        if word.startswith("-") and len(word) > 1:
            without.append(word[1:])
        elif term and term != "-":
            words.append(term)
    return list(dict.fromkeys(words))[:MAX_WORDS], list(dict.fromkeys(without))[:MAX_WORDS]


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def _snippet(body: str, words: list[str]) -> str:
    """Some words of `body` around the first of `words` it holds (its start if none)."""
    lower = body.lower()
    at = min((i for i in (lower.find(w.lower()) for w in words) if i >= 0), default=0)
    start = max(0, at - SNIPPET_LENGTH // 3)
    if start:
        start = body.rfind(" ", 0, start) + 1
    end = start + SNIPPET_LENGTH
    if end < len(body):
        end = body.rfind(" ", start, end) if body.rfind(" ", start, end) > at else end
    return f"{'… ' if start else ''}{body[start:end].strip()}{' …' if end < len(body) else ''}"


def _mark_words(text: str, words: list[str]) -> SafeString:
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    return _marked(pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", text))
