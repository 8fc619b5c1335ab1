"""API of the workforce app, under /api/v1/programmes/<slug>/workforce/…"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from workforce import api

app_name = "workforce_api"

P = "programmes/<slug:programme_slug>/workforce"

urlpatterns = [
    path(f"{P}/summary/", api.SummaryView.as_view(), name="summary"),
    path(f"{P}/versions/", api.VersionsView.as_view(), name="versions"),
    path(f"{P}/versions/<int:version>/people/", api.PeopleView.as_view(), name="people"),
    path(f"{P}/difference/", api.DifferenceView.as_view(), name="difference"),
    path(f"{P}/readiness/", api.ReadinessView.as_view(), name="readiness"),
    path(f"{P}/people/<int:pk>/readiness/", api.PersonReadinessView.as_view(), name="person_readiness"),
    path(f"{P}/pensions/", api.PensionsView.as_view(), name="pensions"),
    path(f"{P}/restructures/", api.RestructuresView.as_view(), name="restructures"),
    path(f"{P}/restructures/<int:pk>/", api.EstablishmentView.as_view(), name="establishment"),
]

# The records HR keeps by hand: the programme's day-one checks and its pension rates.
router = SimpleRouter(use_regex_path=False)
router.register(f"{P}/readiness/checks", api.ReadinessItemViewSet, basename="readiness-checks")
router.register(f"{P}/pensions/rates", api.PensionRateViewSet, basename="pension-rates")
urlpatterns += router.urls
