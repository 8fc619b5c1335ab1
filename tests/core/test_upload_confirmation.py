"""What a "Load anyway" box may send on to upload_commit: the key of the warnings shown,
and nothing else (in particular never the "*" that scripts pass to accept them all)."""
import pytest

from core.uploads import ALL_WARNINGS, RowError, confirmed_warnings, warnings_key


def test_the_key_of_warnings_is_taken_as_it_is():
    key = warnings_key([RowError(4, "Cost centre", "cost_centre", "Unknown cost centre").as_dict()])
    assert confirmed_warnings(key) == key


@pytest.mark.parametrize("sent", [ALL_WARNINGS, "", None, "x" * 500, "0123456789ABCDEF", "0123456789abcde",
                                  "0123456789abcdef0", "0123456789abcdef\n", ["0123456789abcdef"]])
def test_anything_else_is_no_confirmation(sent):
    assert confirmed_warnings(sent) == ""
