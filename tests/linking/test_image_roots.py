"""Issue 20: `adtrace link` opens image paths only under the image folders; bad images are skipped and counted."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from PIL import Image
from typer.testing import CliRunner

from adtrace.cli.main import _register, app
from adtrace.documents import Document
from adtrace.documents.images import ROOTS_ENV
from adtrace.linking import images as im
from adtrace.pipeline import Pipeline
from adtrace.storage import init_db, open_store
from adtrace.storage.prepare import prepare


def _png(path: Path, shade: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", (64, 64))
    img.putdata([((x * shade) % 256, (y * 7) % 256, (x * y) % 256) for y in range(64) for x in range(64)])
    img.save(path)
    return path


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "images", tmp_path / "elsewhere"
    _png(root / "ok.png", 3)
    (root / "broken.png").write_bytes(b"\x89PNG not really an image")
    _png(outside / "secret.png", 5)
    (root / "escape.png").symlink_to(outside / "secret.png")
    db = tmp_path / "l.db"
    init_db(str(db))
    paths = [str(root / "ok.png"), "ok.png", str(root / "broken.png"), str(outside / "secret.png"),
             "../elsewhere/secret.png", str(root / "escape.png"), "/etc/passwd", str(root / "missing.png")]
    pipe = Pipeline()
    with open_store(str(db)) as store:
        docs = [Document.from_dict({"id": f"d{i}", "text": f"ad number {i}, call 213-473-01{i:02d}",
                                    "images": [{"path": p}]}) for i, p in enumerate(paths)]
        store.put_batch([prepare(d, pipe.process(d)) for d in docs])
    return root, db


def test_link_skips_bad_and_outside_images_and_reports_them(folders: tuple[Path, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = folders
    opened: list[Path] = []
    real = im.pdq_hex
    monkeypatch.setattr(im, "pdq_hex", lambda p: opened.append(Path(p)) or real(p))
    monkeypatch.setenv(ROOTS_ENV, "")  # restored after the test (the CLI sets it)
    _register()
    res = CliRunner().invoke(app, ["link", "--db", str(db), "--images", str(root)])
    assert res.exit_code == 0, res.output
    report = orjson.loads(res.stdout[res.stdout.index("{"):])
    assert report["linked"] == 8
    assert report["images_skipped"] == 6  # broken, outside (absolute, ../, symlink), /etc/passwd, missing
    assert report["image_problems"] == {"outside the image folders or missing": 5, "unreadable image": 1}
    assert opened and all(p.resolve().is_relative_to(root.resolve()) for p in opened)
    assert {p.name for p in opened} == {"ok.png", "broken.png"}


def test_no_image_folder_means_no_local_file_is_opened(folders: tuple[Path, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(im, "pdq_hex", lambda p: (_ for _ in ()).throw(AssertionError(f"opened {p}")))
    skipped: list[str] = []
    assert im.hashes_of({"images": [{"path": "/etc/passwd"}, {"pdq": "0f" * 32}]}, roots=(), skipped=skipped) == [
        "0f" * 32]
    assert skipped == ["no image folder given (--images)"]
