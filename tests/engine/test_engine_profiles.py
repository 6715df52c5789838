"""`adtrace engine run --profiles`: extra site profiles reach the workers, which are other processes."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

from adtrace.cli.main import main

PROFILE = ("name: enginesite-html\nhosts: [enginesite.test]\nselectors:\n  body: div.ad\n  title: h1\n")


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "pages" / "enginesite.test" / "ad" / "1.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>Front desk</h1><div class=ad>Call 213 555 0142 for the job</div>", encoding="utf-8")
    return page


def test_dask_workers_read_pages_with_the_extra_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Profiles loaded on the driver travel in the read options: a Dask worker (a spawned process, with only
    the built-in profiles of its own) reads a page of a site only the extra profile knows. Before, `engine
    run` had no --profiles and the page was rejected ("no site profile matches this page")."""
    (tmp_path / "p.yaml").write_text(PROFILE, encoding="utf-8")
    page = _page(tmp_path)
    monkeypatch.setattr(sys, "argv", ["adtrace", "engine", "run", "--engine", "dask", "--workers", "1",
                                      "-i", str(page), "-o", str(tmp_path / "out"), "--profiles",
                                      str(tmp_path / "p.yaml")])
    try:
        main()
    except SystemExit as exc:
        assert not exc.code
    manifest = orjson.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (manifest["documents"], manifest["rejected"]) == (1, 0)


def test_a_bad_profile_stops_the_run_before_any_worker_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p.yaml").write_text("name: x\nselectors: {body: p}\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["adtrace", "engine", "run", "--engine", "dask", "-i", str(_page(tmp_path)),
                                      "-o", str(tmp_path / "out"), "--profiles", str(tmp_path / "p.yaml")])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code
    err = capsys.readouterr().err
    assert "p.yaml" in err and "needs 'hosts' or 'markers'" in err
    assert not (tmp_path / "out").exists()


def test_a_worker_takes_the_drivers_copy_of_an_edited_profile() -> None:
    """A long-lived worker (a --scheduler cluster) keeps the profiles of an earlier run: the copy a new run
    carries replaces the old one of that name; a built-in name is still refused."""
    from adtrace import errors
    from adtrace.sources import profiles

    first = profiles.parse_profile({"name": "edited-html", "hosts": ["edited.test"], "selectors": {"body": "p"}}, "a")
    second = profiles.parse_profile({"name": "edited-html", "hosts": ["edited.test"], "selectors": {"body": "div"}}, "b")
    profiles.ensure((first,))
    profiles.ensure((second,))
    assert profiles.for_host("https://edited.test/1") == second
    builtin = profiles.profiles()[0]
    with pytest.raises(errors.RegistryError):
        profiles.ensure((profiles.parse_profile({"name": builtin.name, "hosts": ["x.test"],
                                                 "selectors": {"body": "p"}}, "c"),))
