"""The ledger upload kind as the pipeline sees it (registered in FinanceConfig.ready)."""
from core.uploads import UploadSpec
from finance.ledger.columns import COLUMNS, KIND
from finance.ledger.forms import LedgerRowForm
from finance.ledger.validation import ledger_bulk_validate
from finance.ledger.writing import rollback_ledger, write_ledger
from finance.ledger.years import known_years
from programmes.models import Programme


def ledger_form_kwargs(programme: Programme) -> dict:
    return {"programme": programme, "known": known_years(programme)}


SPEC = UploadSpec(kind=KIND, columns=COLUMNS, form_class=LedgerRowForm, write=write_ledger,
                  rollback=rollback_ledger, label="Ledger export", bulk_validate=ledger_bulk_validate,
                  raw_read=True)
