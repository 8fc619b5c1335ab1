"""Logging a look at personal data from any app.

The log itself (workforce.PersonalDataView) belongs to the workforce, which programmes and
the apps beside workforce cannot import. Workforce registers its logger here in its
AppConfig.ready; any page or API answer that shows a member of staff's name to a role that
may see it calls `personal_data_looked_at`, so every look is logged in the one place."""
from collections.abc import Callable

_loggers: list[Callable[..., object]] = []


def personal_data_logger(log: Callable[..., object]) -> None:
    """Register `log(programme=, user=, what=)` (once; again is harmless)."""
    if log not in _loggers:
        _loggers.append(log)


def personal_data_looked_at(*, programme, user, what: str) -> None:
    for log in _loggers:
        log(programme=programme, user=user, what=what)
