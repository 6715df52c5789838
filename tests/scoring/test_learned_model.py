"""Train/evaluate round trip on a small synthetic labelled set; skops save and load; bad files refused."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cli.main import _register, app
from adtrace.pipeline import Pipeline
from adtrace.scoring import model as learned
from adtrace.scoring.evaluate import cross_validate, level_table
from adtrace.scoring.labels import label_groups, read_labels
from adtrace.scoring.rules import logit
from adtrace.synth import generate

pytest.importorskip("sklearn")
pytest.importorskip("skops")


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic corpus and labels: 1 where the truth planted indicators (not benign)."""
    d = tmp_path_factory.mktemp("labels")
    corpus, labels = d / "corpus.jsonl", d / "labels.csv"
    with corpus.open("wb") as fc, labels.open("w", newline="") as fl:
        w = csv.writer(fl)
        w.writerow(["id", "label"])
        for doc, truth in generate(400, seed=5):
            if truth.get("type", "document") != "document":
                continue
            fc.write(orjson.dumps(doc) + b"\n")
            w.writerow([doc["id"], "0" if truth["benign"] else "1"])
    return corpus, labels


def _texts(corpus: Path, labels: Path) -> tuple[list[str], list[float], list[int]]:
    from adtrace.documents import Document

    docs = [Document.from_dict(orjson.loads(line)) for line in corpus.read_bytes().splitlines()]
    pairs = read_labels(str(labels), docs)
    pipe = Pipeline()
    recs = [pipe.process(d) for d, _ in pairs]
    return [d.full_text for d, _ in pairs], [logit(r["indicators"]) for r in recs], [y for _, y in pairs]


def test_fit_save_load_predict_explain(labelled: tuple[Path, Path], tmp_path: Path) -> None:
    texts, logits, ys = _texts(*labelled)
    assert 0 < sum(ys) < len(ys)
    m = learned.fit(texts, logits, ys)
    path = tmp_path / "m.skops"
    learned.save(m, path)
    assert path.read_bytes()[:2] == b"PK"  # a skops zip, not a pickle
    back = learned.load(path)
    assert back.probability(texts[:20], logits[:20]) == pytest.approx(m.probability(texts[:20], logits[:20]))
    pos = next(i for i, y in enumerate(ys) if y)
    terms = back.explain(texts[pos], logits[pos])
    assert all(t["contribution"] > 0 for t in terms)


def test_load_refuses_non_skops_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.skops"
    bad.write_bytes(b"not a model")
    with pytest.raises(errors.InputError):
        learned.load(bad)
    with pytest.raises(errors.InputError):
        learned.load(tmp_path / "missing.skops")


def test_one_class_refused() -> None:
    with pytest.raises(errors.InputError, match="only one class"):
        learned.fit(["a b", "a c"], [0.0, 0.0], [1, 1])


def test_cross_validation_beats_chance(labelled: tuple[Path, Path]) -> None:
    texts, logits, ys = _texts(*labelled)
    levels = ["high" if x > 1.4 else "elevated" if x > -0.4 else "low" for x in logits]
    result = cross_validate(texts, logits, levels, ys, folds=3)
    assert result["folds"] == 3
    assert result["model"]["roc_auc"] > 0.7
    assert set(result["rules"]["levels"]) == {"elevated", "high"}


def test_level_table_counts() -> None:
    t = level_table(["low", "elevated", "high", "high"], [0, 0, 1, 0])
    assert t["high"] == {"flagged": 2, "precision": 0.5, "recall": 1.0, "false_positive_rate": round(1 / 3, 4)}
    assert t["elevated"]["flagged"] == 3


def test_labels_errors_name_line_and_field(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    p.write_text("id,label\nabc,maybe\n")
    with pytest.raises(errors.InputError, match=r"line 2.*label"):
        read_labels(str(p))
    p.write_text("id,label\nabc,1\n")
    with pytest.raises(errors.InputError, match="not in the corpus"):
        read_labels(str(p))
    p.write_text("text,label\nnew in town,1\nsofa,0\n")
    assert [y for _, y in read_labels(str(p))] == [1, 0]


def test_cli_train_evaluate_score_round_trip(labelled: tuple[Path, Path], tmp_path: Path) -> None:
    _register()
    corpus, labels = labelled
    runner = CliRunner()
    model = tmp_path / "m.skops"
    r = runner.invoke(app, ["train", "--labels", str(labels), "--corpus", str(corpus), "-o", str(model)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["evaluate", "--labels", str(labels), "--corpus", str(corpus), "--folds", "3"])
    assert r.exit_code == 0, r.output
    result = orjson.loads(r.stdout)
    assert {"precision", "recall", "pr_auc", "roc_auc"} <= set(result["model"])
    assert "false_positive_rate" in result["rules"]["levels"]["high"]
    out = tmp_path / "scored.jsonl"
    r = runner.invoke(app, ["score", str(corpus), "--model", str(model), "-o", str(out)])
    assert r.exit_code == 0, r.output
    first = orjson.loads(out.read_bytes().splitlines()[0])
    assert 0 <= first["risk"]["model"]["probability"] <= 1


def test_grouped_cross_validation_from_a_group_column(labelled: tuple[Path, Path], tmp_path: Path) -> None:
    """Every document's group in the labels keeps near-duplicates in one fold; the CLI reads the column."""
    corpus, labels = labelled
    rows = list(csv.DictReader(labels.open()))
    grouped = tmp_path / "grouped.csv"
    with grouped.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", "group"])
        for i, row in enumerate(rows):
            w.writerow([row["id"], row["label"], f"g{i // 3}"])  # groups of three
    assert label_groups(str(grouped)) == [f"g{i // 3}" for i in range(len(rows))]
    assert label_groups(str(labels)) is None
    texts, logits, ys = _texts(corpus, labels)
    levels = ["low"] * len(ys)
    result = cross_validate(texts, logits, levels, ys, folds=3, groups=[f"g{i // 3}" for i in range(len(ys))])
    assert result["grouped"] is True and result["model"]["roc_auc"] > 0.7
    _register()
    r = CliRunner().invoke(app, ["evaluate", "--labels", str(grouped), "--corpus", str(corpus), "--folds", "3"])
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.stdout)["grouped"] is True


def test_a_format_1_model_still_loads_with_its_rule_scale(labelled: tuple[Path, Path], tmp_path: Path) -> None:
    import skops.io as sio

    texts, logits, ys = _texts(*labelled)
    m = learned.fit(texts, logits, ys)
    assert m.rule_scale == learned.RULE_SCALE
    old = tmp_path / "v1.skops"
    sio.dump({"format": 1, "vectorizer": m.vectorizer, "classifier": m.classifier}, str(old))
    assert learned.load(old).rule_scale == 0.25
