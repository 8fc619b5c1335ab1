"""The site's URLs and its error handlers, plus a page that fails: Django calls handler500
only for a real failure, and the site itself has no page that fails on purpose."""
from django.db import OperationalError
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_patterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def fails(request):
    # What a lost database looks like to a view.
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [path("tests/fails/", fails), *site_patterns]
