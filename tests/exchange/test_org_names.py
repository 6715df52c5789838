"""An organisation's exchange name is one partners can route tips to: `exchange keys --org` refuses what
routing would refuse (a partner named "NGO B" got keys, and then no tip could be routed to it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adtrace import errors
from adtrace.exchange import keys as xk
from adtrace.tips.store import check_org


@pytest.mark.parametrize("name", ["NGO B", "ngo/b", "-ngo", "ngo\nb", "x" * 65])
def test_names_routing_refuses_get_no_keys(tmp_path: Path, name: str) -> None:
    with pytest.raises(errors.InputError):
        check_org(name)
    with pytest.raises(errors.InputError) as exc:
        xk.generate(name, tmp_path)
    assert exc.value.code == errors.BAD_FIELD
    assert not (tmp_path / "org.json").exists()


@pytest.mark.parametrize("name", ["ngo-b", "NGO_B", "ngo.b2"])
def test_names_that_get_keys_can_be_routed_to(tmp_path: Path, name: str) -> None:
    assert check_org(xk.generate(name, tmp_path).org) == name
