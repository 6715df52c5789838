"""OCR of text painted into synthetic ad photos: phone recall and precision from images alone, speed,
and what OCR adds to the cost of processing an ad. Prints JSON.

    .venv/bin/python bench/ocr.py --docs 2000 --seed 11 [--image-text 0.2] [--width W] [--out DIR]

The corpus is `adtrace synth --images` (synthetic only: no real ad photos exist in this project).
Truth: the `image_text` of each document's truth line says which phones (E.164) were painted on which
image. "From images alone": extraction runs only on the text OCR read from each image (the ad's own
text is not used), and a phone counts as found for the image it was read from.

- precision = phones read from images that were painted on that image / all phones read from images
  (images with no painted text, decoy text or only a handle count: any phone read there is false);
- recall = painted phones read from their image / painted phones;
- per style of painting (plain, outlined, banner, rotated, stylised, emoji, busy: adtrace.synth.image_text)
  and for photos without text: painted phones, recall, false phones;
- images per CPU-second (one core: this process only; Tesseract and RapidOCR run single-threaded here), with the
  share skipped by the no-text test, the CPU cost of an image with text vs one without, and the p50/p95 CPU
  milliseconds per image;
- cost per ad: CPU seconds per document of `Pipeline.process` with OCR off and on, over the same
  documents (every image read once, the cache empty), and again with the cache warm (reposts);
- the process's peak resident memory (RapidOCR's engine, the photos decoded).

`--width W` enlarges every synthetic photo to W pixels wide (Lanczos, aspect kept; the photos with text
are 384x288 JPEG, those without 96x96 PNG) before anything is read or timed: real ad photos are often
800-4,000 px wide. The painted text grows with the photo, as in a large real photo; enlarged, it holds
no detail the small photo did not. `--max-side N` sets RapidOCR's bound (`max_side_len`: it shrinks a
photo past N px on its long side before detecting and reading; the reader's is adtrace.ocr.neural.MAX_SIDE,
RapidOCR's own default 2,000) to measure another.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from adtrace.documents import Document
from adtrace.ocr import neural, status
from adtrace.ocr.cache import Cache
from adtrace.ocr.stage import OcrStage, home_countries, merge, read
from adtrace.pipeline import Pipeline
from adtrace.synth import write_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--image-text", type=float, default=0.2)
    ap.add_argument("--out", help="keep the corpus here (default: a temporary folder)")
    ap.add_argument("--cost-docs", type=int, default=300, help="documents timed for the cost per ad")
    ap.add_argument("--width", type=int, help="enlarge every photo to this many pixels wide (Lanczos) before reading")
    ap.add_argument("--max-side", type=int, help=f"RapidOCR shrinks photos longer than this (its max_side_len; "
                    f"default the reader's, {neural.MAX_SIDE})")
    args = ap.parse_args()
    state = status()
    if not state.on:
        print(orjson.dumps({"error": state.message}).decode())
        raise SystemExit(3)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.process_time()
        with (out / "corpus.jsonl").open("wb") as fh, (out / "truth.jsonl").open("wb") as th:
            summary = write_corpus(args.docs, args.seed, fh, truth=th, images_dir=str(out / "images"),
                                   image_text=args.image_text)
        synth_cpu = time.process_time() - t0
        sizes = enlarge(out / "images", args.width) if args.width else None
        if args.max_side:
            neural.SETTINGS["max_side_len"] = args.max_side  # before the engine is made (first photo)
        docs = [Document.from_dict(orjson.loads(line)) for line in (out / "corpus.jsonl").open("rb")]
        truth = {}
        for line in (out / "truth.jsonl").open("rb"):
            t = orjson.loads(line)
            if t.get("type") == "document":
                truth[t["id"]] = {e["image"]: e for e in t.get("image_text") or []}
        result: dict[str, Any] = {"corpus": {"documents": summary.documents, "images": summary.images,
                                             "images_with_text": sum(len(v) for v in truth.values()),
                                             "seed": args.seed, "synthetic": True,
                                             "synth_cpu_s": round(synth_cpu, 1), "width": args.width,
                                             "photo_sizes": sizes, "rapidocr_max_side": neural.SETTINGS.get("max_side_len")},
                                  "ocr": state.message}
        result.update(quality(docs, truth, out))
        result["peak_rss_mb_after_reading"] = peak_rss_mb()
        if args.cost_docs:
            result["cost_per_ad"] = cost(docs[: args.cost_docs], out)
            result["peak_rss_mb"] = peak_rss_mb()
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())


def enlarge(folder: Path, width: int) -> dict[str, int]:
    """Every photo in `folder` enlarged in place to `width` pixels wide (Lanczos, aspect kept; JPEG at
    quality 90, PNG as PNG); how many photos of each new size, WxH."""
    from PIL import Image

    sizes: Counter[str] = Counter()
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            continue
        with Image.open(path) as img:
            img.load()
            big = img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)
        big.save(path, **({"format": "PNG"} if path.suffix.lower() == ".png" else {"format": "JPEG", "quality": 90}))
        sizes[f"{big.width}x{big.height}"] += 1
    return dict(sizes)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def quality(docs: list[Document], truth: dict[str, dict[int, Any]], root: Path) -> dict[str, Any]:
    pipe = Pipeline(ocr=False)
    c: Counter[str] = Counter()
    cpu = {"text": 0.0, "no_text": 0.0}
    by_style: Counter[str] = Counter()
    ms: list[float] = []
    ms_text: list[float] = []
    if docs:
        pipe.extract(docs[0])  # the extractors' tables loaded: the memory before any photo is read
    rss_before = peak_rss_mb()
    for doc in docs:
        # The stage's rule for foreign phones needs the ad's own countries (its text's places and phones);
        # only the phones read from images are scored.
        home = home_countries(doc, pipe.extract(doc), pipe.default_region)
        for n, img in enumerate(doc.images):
            painted = truth.get(doc.id, {}).get(n)
            want = set(painted["phones"]) if painted else set()
            t0 = time.process_time()
            # the stage's own reading: RapidOCR first, Tesseract where it read digits but no phone (a cache per photo:
            # the fallback reuses RapidOCR's reading; reposts are read again)
            reading, found_rec, phones = read(Path(img["path"]), doc, "eng", Cache(), pipe.extract, home)
            dt = time.process_time() - t0
            c["tesseract_text" if painted else "tesseract_no_text"] += reading.tesseract and not reading.skipped
            c["rapidocr_failed"] += bool(reading.neural_failed)
            kind = "text" if painted else "no_text"
            ms.append(1000 * dt)
            if painted:
                ms_text.append(1000 * dt)
            cpu[kind] += dt
            c[f"images_{kind}"] += 1
            c[f"skipped_{kind}"] += reading.skipped
            record: dict[str, Any] = {}
            merge(record, n, reading, found_rec, home, phones)
            found = {p["value"] for p in record.get("phones") or ()}
            c["tp"] += len(found & want)
            c["fp"] += len(found - want)
            c["fn"] += len(want - found)
            style = painted["style"].get("name", "unnamed") if painted else "no_text"
            by_style[f"{style}/images"] += 1
            by_style[f"{style}/painted"] += len(want)
            by_style[f"{style}/true"] += len(found & want)
            by_style[f"{style}/false"] += len(found - want)
    images = c["images_text"] + c["images_no_text"]
    total_cpu = cpu["text"] + cpu["no_text"]
    return {
        "phones_from_images": {
            "precision": round(c["tp"] / max(1, c["tp"] + c["fp"]), 4),
            "recall": round(c["tp"] / max(1, c["tp"] + c["fn"]), 4),
            "painted": c["tp"] + c["fn"], "found_true": c["tp"], "found_false": c["fp"],
        },
        "per_style": per_style(by_style),
        "speed": {
            "images": images,
            "images_per_cpu_second": round(images / max(total_cpu, 1e-9), 1),
            "ms_cpu_per_image_with_text": round(1000 * cpu["text"] / max(1, c["images_text"]), 1),
            "ms_cpu_per_image_without_text": round(1000 * cpu["no_text"] / max(1, c["images_no_text"]), 1),
            "no_text_images_skipped_cheaply": round(c["skipped_no_text"] / max(1, c["images_no_text"]), 4),
            "text_images_wrongly_skipped": c["skipped_text"],
            "tesseract_read_images_with_text": c["tesseract_text"],
            "tesseract_read_images_without_text": c["tesseract_no_text"],
            "rapidocr_failed_tesseract_read": c["rapidocr_failed"],
            "ms_cpu_per_image_p50": round(float(np.percentile(ms, 50)), 1) if ms else None,
            "ms_cpu_per_image_p95": round(float(np.percentile(ms, 95)), 1) if ms else None,
            "ms_cpu_per_image_with_text_p95": round(float(np.percentile(ms_text, 95)), 1) if ms_text else None,
        },
        "peak_rss_mb_before_reading": rss_before,
    }


def per_style(by_style: Counter[str]) -> dict[str, dict[str, Any]]:
    """Images, painted phones, recall and false phones for each painting style (and photos without text)."""
    out: dict[str, dict[str, Any]] = {}
    for key in sorted({k.split("/")[0] for k in by_style}):
        painted, true, false = (by_style[f"{key}/{x}"] for x in ("painted", "true", "false"))
        out[key] = {"images": by_style[f"{key}/images"], "painted": painted, "found_true": true, "found_false": false,
                    "recall": round(true / painted, 4) if painted else None,
                    "precision": round(true / (true + false), 4) if true + false else None}
    return out


def cost(docs: list[Document], root: Path) -> dict[str, Any]:
    """CPU per document of the whole pipeline (extract, indicators, score) with OCR off and on."""
    off = Pipeline(ocr=False)
    on = Pipeline(ocr=True)
    stage = on.ocr_stage
    assert isinstance(stage, OcrStage)
    stage.roots = (root.resolve(),)
    stage.cache = Cache()
    off.process_many(docs[:20])  # tables loaded before timing
    t0 = time.process_time()
    off.process_many(docs)
    t_off = time.process_time() - t0
    t0 = time.process_time()
    records = on.process_many(docs)
    t_on = time.process_time() - t0
    t0 = time.process_time()
    on.process_many(docs)  # every image again: all from the cache
    t_warm = time.process_time() - t0
    n = max(1, len(docs))
    with_images = sum(1 for d in docs if d.images)
    return {
        "documents": len(docs), "with_images": with_images,
        "images": sum(len(d.images) for d in docs),
        "ms_cpu_per_ad_ocr_off": round(1000 * t_off / n, 2),
        "ms_cpu_per_ad_ocr_on": round(1000 * t_on / n, 2),
        "ms_cpu_per_ad_ocr_on_cached": round(1000 * t_warm / n, 2),
        "ads_with_image_text": sum(1 for r in records if isinstance(r, dict) and r.get("image_text")),
        "problems": dict(stage.problems),
    }


if __name__ == "__main__":
    main()
