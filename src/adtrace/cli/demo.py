"""`adtrace demo`: the main job on the embedded default, start to finish, with a readable summary.

Generates a synthetic corpus (never real ads), runs the full pipeline over it, writes the Records,
and prints what an analyst would want to see first.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adtrace.cli.io import progress
from adtrace.cli.main import app
from adtrace.documents import Document
from adtrace.i18n import gettext
from adtrace.pipeline import Pipeline


def run_demo(out_dir: Path, docs: int, seed: int) -> dict[str, Any]:
    """Synthesise, process and summarise; returns the summary as data (the CLI only prints it)."""
    from adtrace.synth import generate

    out_dir.mkdir(parents=True, exist_ok=True)
    pipe = Pipeline()
    kinds: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    indicator_counts: Counter[str] = Counter()
    places: Counter[str] = Counter()
    planted = recovered = obfuscated = 0
    top: list[tuple[float, str, str, list[str]]] = []
    with (out_dir / "corpus.jsonl").open("wb") as corpus, (out_dir / "truth.jsonl").open("wb") as truth_fh, \
            (out_dir / "records.jsonl").open("wb") as records, progress(gettext("processing"), docs) as bar:
        for raw, truth in generate(docs, seed=seed):
            corpus.write(orjson.dumps(raw) + b"\n")
            truth_fh.write(orjson.dumps(truth) + b"\n")
            if truth.get("type") == "network":
                continue
            doc = Document.from_dict(raw)
            rec = pipe.process(doc)
            records.write(orjson.dumps(rec) + b"\n")
            kinds[doc.kind] += 1
            for name in ("phones", "emails", "handles", "ages", "prices", "places", "payments", "names"):
                entities[name] += len(rec.get(name, []))
            found = {p["value"] for p in rec["phones"]}
            obfuscated += sum(1 for p in rec["phones"] if p.get("obfuscated"))
            want = set(truth.get("phones", []))
            planted += len(want)
            recovered += len(want & found)
            for place in rec["places"]:
                places[f"{place['name']}, {place.get('admin') or place.get('country')}"] += 1
            risk = rec.get("risk")
            if risk:
                levels[risk["level"]] += 1
                for ind in rec.get("indicators", []):
                    indicator_counts[ind["id"]] += 1
                top.append((risk["score"], doc.id, (doc.title or doc.text)[:70], risk.get("reasons", [])[:3]))
                top.sort(reverse=True)
                del top[8:]
            bar.advance()
        # Network summaries may trail the documents in the stream.
    return {
        "dir": str(out_dir), "documents": sum(kinds.values()), "kinds": dict(kinds), "entities": dict(entities),
        "phones_planted": planted, "phones_recovered": recovered, "phones_obfuscated": obfuscated,
        "levels": dict(levels), "indicators": dict(indicator_counts.most_common(10)),
        "places": dict(places.most_common(8)), "top": top,
    }


def _print(summary: dict[str, Any]) -> None:
    con = Console()
    con.rule("[bold]" + gettext("adtrace demo — synthetic data only"))
    kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(summary["kinds"].items()))
    con.print(gettext("%(n)s documents processed (%(kinds)s); files in %(dir)s: corpus.jsonl, truth.jsonl, "
                      "records.jsonl") % {"n": f"{summary['documents']:,}", "kinds": kinds,
                                          "dir": f"[bold]{summary['dir']}[/]"})
    ents = Table(title=gettext("Entities extracted"), show_header=True)
    for name in summary["entities"]:
        ents.add_column(name, justify="right")
    ents.add_row(*(f"{v:,}" for v in summary["entities"].values()))
    con.print(ents)
    if summary["phones_planted"]:
        share = summary["phones_recovered"] / summary["phones_planted"]
        con.print(gettext("Planted phone numbers recovered: %(found)s of %(planted)s (%(share)s); %(dodging)s found "
                          "were written to dodge filters.")
                  % {"found": f"{summary['phones_recovered']:,}", "planted": f"{summary['phones_planted']:,}",
                     "share": f"{share:.1%}", "dodging": f"{summary['phones_obfuscated']:,}"})
    if summary["places"]:
        con.print(gettext("Most frequent places: %(places)s")
                  % {"places": "; ".join(f"{k} ({v})" for k, v in summary["places"].items())})
    if summary["levels"]:
        con.print(gettext("Risk levels: %(levels)s")
                  % {"levels": ", ".join(f"{k}: {v:,}" for k, v in sorted(summary["levels"].items()))})
        table = Table(title=gettext("Review first (indicators present — not a verdict on anyone)"))
        table.add_column(gettext("score"), justify="right")
        table.add_column(gettext("document"))
        table.add_column(gettext("why"))
        for score, doc_id, title, reasons in summary["top"]:
            why = "; ".join(r if isinstance(r, str) else str(r.get("text") or r) for r in reasons)
            table.add_row(f"{score:.0f}", f"{doc_id}\n{title}", why)
        con.print(table)
    con.print(gettext("US National Human Trafficking Hotline: 1-888-373-7888 (text 233733)."))


@app.command("demo")
def demo_cmd(
    out_dir: Path = typer.Option(Path("demo-out"), "--dir", help="Where to write the demo files."),
    docs: int = typer.Option(3000, help="How many synthetic documents to generate."),
    seed: int = typer.Option(1, help="Seed for the synthetic corpus (same seed, same corpus)."),
) -> None:
    """Run the main job on synthetic data and print a summary an analyst can read."""
    _print(run_demo(out_dir, docs, seed))
