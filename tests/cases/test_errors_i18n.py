"""The errors of cases, holds and watchlists in the reader's language (issue 21); codes stay as they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adtrace import errors, i18n
from adtrace.cases import cases as cs
from adtrace.cases import holds, watchlists
from adtrace.storage import Store, init_db, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    init_db(url)
    with open_store(url) as s:
        yield s


def _message(lang: str, call: object) -> errors.InputError:
    with i18n.use(lang), pytest.raises(errors.InputError) as e:
        call()  # type: ignore[operator]
    return e.value


def test_case_hold_and_watchlist_errors_are_translated(store: Store) -> None:
    no_title = _message("es", lambda: cs.create(store, "  ", "alice"))
    assert no_title.code == errors.MISSING_FIELD and "un caso necesita un título" in no_title.message
    assert "p. ej. 'Circuito de Florida" in no_title.message  # the hint too
    assert "a case needs a title" in _message("en", lambda: cs.create(store, "", "alice")).message
    no_case = _message("zh_Hans", lambda: cs.get(store, 404))
    assert no_case.code == errors.NOT_FOUND and "没有案件 404" in no_case.message
    bad_phone = _message("es", lambda: watchlists.add(store, "phone", "hola", name="Op", owner="a"))
    assert bad_phone.code == errors.BAD_FIELD and "no es un número de teléfono" in bad_phone.message
    assert "código de área" in bad_phone.message
    no_hold = _message("zh_Hans", lambda: holds.get(store, 7))
    assert "没有保全 7" in no_hold.message
    wrong_kind = _message("es", lambda: holds.place(store, "planet", "x", "alice", "court order"))
    assert "tipo de retención desconocido" in wrong_kind.message and "Use uno de estos" in wrong_kind.message
