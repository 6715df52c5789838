"""Stream a generated corpus to files: big buffered writes, optional images and HTML alongside."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from adtrace import errors
from adtrace.synth.generate import DEFAULT_PROFILE, Generator
from adtrace.synth.mixture import Mixture

IMAGE_TEXT = 0.2  # share of photos that carry painted text (phones, handles, rates, decoys)
_FLUSH_EVERY = 4096  # documents per write call: few syscalls, small constant memory


@dataclass
class Summary:
    documents: int = 0
    networks: int = 0
    images: int = 0
    pages: int = 0


def write_corpus(n: int, seed: int, out: IO[bytes], *, truth: IO[bytes] | None = None,
                 mixture: Mixture | None = None, images_dir: str | None = None,
                 html_dir: str | None = None, profile: str = DEFAULT_PROFILE, image_text: float = IMAGE_TEXT) -> Summary:
    """Write `n` documents (and truth, images, HTML when asked) without holding the corpus in memory.

    With images, a share `image_text` of the photos carry painted text (adtrace.synth.image_text),
    the same on every repost; each document's truth `image_text` says which of its images show what."""
    gen = Generator(n, seed, mixture, profile)
    summary = Summary(networks=len(gen.networks))
    painter = site = None
    if images_dir:
        from adtrace.synth.images import Painter  # Pillow only when images are asked for

        painter = Painter(_mkdir(images_dir), seed)
    if html_dir:
        from adtrace.synth.html import Sites

        site = Sites(_mkdir(html_dir))
    dumps = orjson.dumps
    nl = orjson.OPT_APPEND_NEWLINE
    docs: list[bytes] = []
    facts: list[bytes] = []
    for doc, fact in gen.documents():
        if painter is not None:
            doc["images"] = _paint(painter, doc, fact, image_text)
            summary.images += len(doc["images"])
        if site is not None:
            site.add(doc)
        docs.append(dumps(doc, option=nl))
        if truth is not None:
            facts.append(dumps(fact, option=nl))
        summary.documents += 1
        if len(docs) >= _FLUSH_EVERY:
            out.write(b"".join(docs))
            docs.clear()
            if truth is not None:
                truth.write(b"".join(facts))
                facts.clear()
    out.write(b"".join(docs))
    if truth is not None:
        truth.write(b"".join(facts))
        truth.write(b"".join(dumps(t, option=nl) for t in gen.network_truth()))
    if site is not None:
        summary.pages = site.close()
    return summary


def _paint(painter: Any, doc: dict[str, Any], fact: dict[str, Any], image_text: float) -> list[dict[str, Any]]:
    out = []
    for k, photo in enumerate(fact["images"]):
        planted = painter.plant(doc, fact, k, image_text)
        if planted is None:
            out.append({"path": painter.paint(photo, f"{doc['id']}-{k}")})
        else:
            out.append({"path": painter.paint_text(photo, f"{doc['id']}-{k}")})
            fact.setdefault("image_text", []).append({"image": k, **planted.to_dict()})
    return out


def _mkdir(path: str) -> Path:
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.ConfigError(f"cannot create directory {path}: {exc.strerror}. Choose a writable path.",
                                 code=errors.CANNOT_WRITE) from None
    return p
