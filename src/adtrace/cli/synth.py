"""`adtrace synth`: a synthetic corpus with planted networks and a ground-truth file."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path

import typer

from adtrace.cli.io import err_console, output
from adtrace.cli.main import app
from adtrace.i18n import gettext


@app.command("synth")
def synth_cmd(
    docs: int = typer.Option(1000, "--docs", "-n", min=0, help="How many documents to generate."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives byte-identical output."),
    out: str = typer.Option("-", "-o", "--output", help="Corpus JSONL (default stdout)."),
    truth: str = typer.Option(None, "--truth", help="Write ground truth JSONL here (see docs/synth.md)."),
    images: str = typer.Option(None, "--images", help="Write abstract PNGs here; documents get image paths."),
    image_text: float = typer.Option(0.2, "--image-text", min=0.0, max=1.0,
                                     help="With --images: share of photos with a phone, handle or rate painted on "
                                          "(JPEGs, the same text on every repost; the truth's image_text)."),
    html: str = typer.Option(None, "--html", help="Render the two classified sites as HTML pages here."),
    rate: list[str] = typer.Option([], "--rate", help="Category share, e.g. --rate network=0.2 (repeatable)."),
    minor_networks: float = typer.Option(0.15, help="Share of networks advertising minors."),
    obfuscation: float = typer.Option(0.25, help="Share of ordinary ads whose phone is disguised."),
    network_obfuscation: float = typer.Option(0.6, help="Share of network ads whose phone is disguised."),
    lang_es: float = typer.Option(0.08, help="Share of Spanish ads (Mexican cities are always Spanish)."),
    lang_zh: float = typer.Option(0.04, help="Share of Chinese ads (x4 for massage businesses)."),
    foreign: float = typer.Option(0.10, help="Share of documents in CA, MX, GB and AU."),
    docs_per_network: float = typer.Option(40.0, help="Mean documents per network."),
    profile: str = typer.Option("realistic", "--profile",
                                help="realistic: ads of real length and mess, each advertiser in her own voice, "
                                     "entity spans in the truth; compact: the first short, clean profile."),
    start: str = typer.Option("2024-01-01", "--start",
                              help="First posting date (YYYY-MM-DD); postings span the 366 days from it. "
                                   "`make demo` starts a year back so the demo's ads are recent."),
) -> None:
    """Generate a corpus of synthetic ads, posts and job ads whose truth is known."""
    from adtrace import errors
    from adtrace.synth import Mixture, parse_rates, write_corpus

    try:
        first = date.fromisoformat(start)
    except ValueError:
        raise errors.InputError.at(errors.BAD_FIELD, gettext("--start must be a date like 2024-01-01, got %(value)r")
                                   % {"value": start},
                                   field_name="start") from None
    mix = Mixture(minor_networks=minor_networks, obfuscation=obfuscation,
                  network_obfuscation=network_obfuscation, lang_es=lang_es, lang_zh=lang_zh, foreign=foreign,
                  docs_per_network=docs_per_network, start=first)
    if rate:
        mix = mix.with_rates(parse_rates(rate))
    with ExitStack() as stack:
        fh = stack.enter_context(output(out))
        tfh = stack.enter_context(Path(truth).open("wb")) if truth else None
        summary = write_corpus(docs, seed, fh, truth=tfh, mixture=mix, images_dir=images, html_dir=html,
                               profile=profile, image_text=image_text)
    line = gettext("%(docs)s documents, %(networks)s networks") % {"docs": f"{summary.documents:,}",
                                                                    "networks": f"{summary.networks:,}"}
    if images:
        line += gettext(", %(n)s images") % {"n": f"{summary.images:,}"}
    if html:
        line += gettext(", %(n)s HTML pages") % {"n": f"{summary.pages:,}"}
    err_console.print(line, highlight=False)
