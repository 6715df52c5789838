import pytest

from adtrace import errors
from adtrace.extractors import EXTRACTORS, Context, Extractor, ordered, register


def _noop(ctx: Context) -> None:
    pass


def test_duplicate_names_refused() -> None:
    ordered()  # load built-ins
    with pytest.raises(errors.RegistryError):
        register(Extractor("phones", _noop, assigns=("phones",)))


def test_requirements_order_extractors() -> None:
    names = [e.name for e in ordered()]
    if "places" in names:  # phones read the places' countries as region hints
        assert names.index("phones") > names.index("places")
    for ex in ordered():
        for req in ex.requires:
            providers = [o.name for o in EXTRACTORS.values() if req in o.assigns]
            assert all(names.index(p) < names.index(ex.name) for p in providers)


def test_cycle_is_reported() -> None:
    a = Extractor("test.cycle_a", _noop, assigns=("x_a",), requires=("x_b",))
    b = Extractor("test.cycle_b", _noop, assigns=("x_b",), requires=("x_a",))
    register(a)
    register(b)
    try:
        with pytest.raises(errors.RegistryError) as info:
            ordered(["test.cycle_a", "test.cycle_b"])
        assert "cycle" in info.value.message
    finally:
        del EXTRACTORS["test.cycle_a"], EXTRACTORS["test.cycle_b"]
