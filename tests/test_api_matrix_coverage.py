"""Every route under /api/, with every method it accepts (GET, POST, PUT, PATCH, DELETE),
is in some app's API permission matrix, and every matrix names a real route. The routes
are found by walking the URL resolver, so a new endpoint fails here until its app's matrix
says who may use it."""
import pytest

from programmes import api_urls as programme_api_urls
from tests.api_matrix import SIGNED_IN, Endpoint, api_routes, run_row
from tests.business_cases import test_api_matrix as business_cases
from tests.business_cases import test_api_query_counts as business_case_counts
from tests.consultations import test_api_matrix as consultations
from tests.consultations import test_api_query_counts as consultation_counts
from tests.finance import test_api_matrix as finance
from tests.finance import test_api_query_counts as finance_counts
from tests.programmes import test_api as programmes
from tests.programmes import test_council_query_counts as council_counts
from tests.risks import test_api_matrix as risks
from tests.risks import test_api_query_counts as risk_counts
from tests.workforce import test_api_matrix as workforce
from tests.workforce import test_api_query_counts as workforce_counts

# The API's own routes, outside any app: the OpenAPI schema, for any signed-in user.
CORE = {"api-schema": Endpoint({"get": (SIGNED_IN, 200)}, kwargs=lambda w: {},
                               query=lambda w: {"format": "json"})}


def matrices() -> dict[str, dict]:
    """Every matrix entry by full URL name → its methods and their (rule, status)."""
    out = {name: e.methods for name, e in CORE.items()}
    out.update({f"api:{name}": e.methods for name, e in programmes.ENDPOINTS.items()})
    for app in (risks, finance, workforce, business_cases, consultations):
        out.update({f"{app.NAMESPACE}:{name}": e.methods for name, e in app.ENDPOINTS.items()})
    return out


def test_every_api_route_and_method_is_in_a_matrix():
    routes, covered = api_routes(), matrices()
    missing = sorted(f"{method.upper()} {name}" for name, methods in routes.items()
                     for method in methods if method not in covered.get(name, {}))
    assert missing == []


def test_every_matrix_entry_is_a_route_and_refuses_what_the_route_does_not_accept():
    routes, covered = api_routes(), matrices()
    assert sorted(set(covered) - set(routes)) == []
    wrong = sorted(f"{method.upper()} {name}" for name, methods in covered.items()
                   for method, (_, status) in methods.items()
                   if method not in routes[name] and status != 405)
    assert wrong == []


def test_the_walk_finds_the_methods_a_route_accepts():
    routes = api_routes()
    assert routes["risks_api:risks-detail"] == {"get", "put", "patch", "delete"}
    assert routes["finance_api:ledger-upload-rollback"] == {"post"}
    assert routes["workforce_api:person_readiness"] == {"get", "put"}
    assert routes["api:programme-detail"] == {"get", "patch"}


@pytest.mark.django_db
def test_schema_matrix(cast):
    expected, actual, problems = run_row(cast, cast, "api-schema", CORE["api-schema"], [])
    assert actual == expected
    assert problems == []



def test_every_api_list_has_a_pinned_query_count():
    """Every router list (`<segment>-list`) under /api/ has its count pinned at 3 rows and 30
    in its app's test_api_query_counts.py (the programmes' in tests/programmes/test_api.py)."""
    pinned = {"api:programme-list", *(f"api:{s}-list" for s in programme_api_urls.CHILDREN),
              "api:derived-deadlines-list",  # in tests/programmes/test_api.py
              *(f"api:{s}-list" for s in council_counts.PINNED),
              "business_cases_api:business-cases-list",
              *(f"risks_api:{s}-list" for s in risk_counts.PINNED),
              *(f"business_cases_api:{s}-list" for s in business_case_counts.PINNED),
              *(f"finance_api:{s}" if s == "ledger-uploads" else f"finance_api:{s}-list"
                for s in finance_counts.PINNED),
              *(f"workforce_api:{s}" for s in workforce_counts.PINNED),
              *(f"consultations_api:{s}-list" for s in consultation_counts.PINNED)}
    lists = {name for name in api_routes() if name.endswith("-list")}
    assert sorted(lists - pinned) == []
    assert sorted(pinned - set(api_routes())) == []
