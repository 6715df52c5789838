"""The pipeline: extractors in dependency order, then (when asked) indicators and the score.

Pure per document: no I/O, no global state beyond read-only tables, so the same function runs in
the CLI, the server and on an engine's workers. One exception, off by default: with OCR on
(`Pipeline(ocr=True)` or ADTRACE_OCR=on) the last step reads the document's local images inside the
image folders (adtrace.ocr, cached by each file's hash) and adds what they say as `image_text`.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from adtrace import errors
from adtrace.documents import Document
from adtrace.extractors import Context, Extractor, ordered
from adtrace.registry import Registry
from adtrace.text import View

# Record fields in contract order (DESIGN §3); each is present (empty list when nothing was found).
RECORD_FIELDS = ("phones", "emails", "handles", "urls", "ages", "prices", "places", "payments", "names", "images",
                 "image_text")

# Stages after extraction (indicators, scoring) register here: f(doc, record, view) -> None, mutating
# record; `view` is the normalised text extraction already made (None when not at hand). A stage may
# carry `reads()`: the Record fields it needs, checked against the pipeline's extractors. Built-ins are
# loaded lazily (scoring loads lexicons); plugins come from the "adtrace.post_stages" entry points.
PostStage = Callable[[Document, dict[str, Any], View | None], None]
POST_STAGES: Registry[PostStage] = Registry("post-extraction stage", "adtrace.post_stages",
                                            builtins={"score": "adtrace.scoring:indicate_and_score"})

# Documents per stage-major batch: measured best between 32 and 128 (bench/extract.py); beyond,
# the batch's own data starts to crowd the caches.
BATCH = 64

# What the batch methods give for each document: its Record, or the exception a stage raised on it.
Outcome = dict[str, Any] | Exception


@dataclass
class Pipeline:
    default_region: str = "US"
    extractor_names: list[str] | None = None
    ocr: bool | None = None  # read images' text (adtrace.ocr); None: as ADTRACE_OCR says
    extractors: list[Extractor] = field(init=False)
    ocr_stage: Callable[[Document, dict[str, Any], Callable[[Document], dict[str, Any]]], None] | None = \
        field(init=False, default=None)
    _stages: dict[tuple[str, ...] | None, list[PostStage]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Named extractors pull in what they require; a requirement nobody provides fails here (AT151).
        self.extractors = ordered(self.extractor_names)
        self.ocr_stage = _ocr_stage(self.ocr, self.default_region)

    def post_stages(self, stages: tuple[str, ...] | None = None) -> list[PostStage]:
        """The post-extraction stages to run (all registered ones when `stages` is None), checked once:
        a stage that reads a field this pipeline's extractors do not assign fails (AT151) rather than
        scoring a Record with that field empty."""
        got = self._stages.get(stages)
        if got is None:
            POST_STAGES.load()
            chosen = {name: stage for name, stage in POST_STAGES.items() if stages is None or name in stages}
            have = {f for ex in self.extractors for f in ex.assigns}
            for name, stage in chosen.items():
                reads = getattr(stage, "reads", None)
                missing = sorted(set(reads()) - have) if callable(reads) else []
                if missing:
                    raise errors.RegistryError(
                        message=f"the '{name}' stage reads {', '.join(missing)}, which this pipeline's extractors "
                                f"({', '.join(ex.name for ex in self.extractors)}) do not assign; add the "
                                "extractors that do, or use extract() without the stages",
                        detail={"stage": name, "reads": missing}, code=errors.UNMET_REQUIREMENT)
            got = self._stages[stages] = list(chosen.values())
        return got

    def extract(self, doc: Document) -> dict[str, Any]:
        record = self._extract(doc)[0]
        self._read_images(doc, record)
        return record

    def _read_images(self, doc: Document, record: dict[str, Any]) -> None:
        """The OCR stage, last: after indicators and the score, whose evidence spans index the ad's text."""
        if self.ocr_stage is not None and doc.images:
            self.ocr_stage(doc, record, lambda sub: self._extract(sub)[0])

    def _extract(self, doc: Document) -> tuple[dict[str, Any], View]:
        ctx = Context(doc, default_region=self.default_region)
        ctx.record["id"] = doc.id
        for ex in self.extractors:
            ex.run(ctx)
        return _record(ctx), ctx.view

    def process(self, doc: Document, stages: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Extract, then run the post-extraction stages (all registered ones when `stages` is None)."""
        record, view = self._extract(doc)
        for stage in self.post_stages(stages):
            stage(doc, record, view)
        self._read_images(doc, record)
        return record

    def extract_many(self, docs: Sequence[Document]) -> list[Outcome]:
        """`extract` for each document, stage by stage over the batch (see `process_many`)."""
        return self._many(docs, None, post=False)

    def process_many(self, docs: Sequence[Document], stages: tuple[str, ...] | None = None) -> list[Outcome]:
        """`process` for each document, in order: the same Records for ~25 % less CPU.

        Why: each stage runs over the whole batch before the next starts, so its code and tables stay
        in the CPU caches; document after document, every stage evicted the others'. Stages are pure
        per document, so the order changes nothing but speed. A document a stage fails on (a bug) gets
        the exception in place of its Record; the others are unaffected.
        """
        return self._many(docs, stages, post=True)

    def _many(self, docs: Sequence[Document], stages: tuple[str, ...] | None, post: bool) -> list[Outcome]:
        out: list[Outcome] = []
        for i in range(0, len(docs), BATCH):
            out += self._batch(docs[i:i + BATCH], stages, post)
            _settle()
        return out

    def _batch(self, docs: Sequence[Document], stages: tuple[str, ...] | None, post: bool) -> list[Outcome]:
        ctxs = [Context(doc, default_region=self.default_region) for doc in docs]
        after = self.post_stages(stages) if post else []  # a misbuilt pipeline fails whole, not per document
        # No cyclic collection inside a batch (as linking's batches, adtrace.linking.run): its matches,
        # candidates and Records are short-lived and hold no cycles, so reference counting frees them,
        # but at 700 allocations a collection walked them ~40 times per 1,000 ads (~7-14 µs an ad).
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._stages_over(ctxs, stages, post, after)
        finally:
            if paused:
                gc.enable()

    def _stages_over(self, ctxs: list[Context], stages: tuple[str, ...] | None, post: bool,
                     after: list[PostStage]) -> list[Outcome]:
        try:
            for ctx in ctxs:
                ctx.record["id"] = ctx.doc.id
            for ex in self.extractors:
                run = ex.run
                for ctx in ctxs:
                    run(ctx)
            records = [_record(ctx) for ctx in ctxs]
            for stage in after:
                for ctx, record in zip(ctxs, records, strict=True):
                    stage(ctx.doc, record, ctx.view)
            for ctx, record in zip(ctxs, records, strict=True):
                self._read_images(ctx.doc, record)
        except Exception:  # which document? redo them one by one and keep each outcome
            return [self._one(ctx.doc, stages, post) for ctx in ctxs]
        return list(records)  # as list[Outcome] (list is invariant)

    def _one(self, doc: Document, stages: tuple[str, ...] | None, post: bool) -> Outcome:
        try:
            return self.process(doc, stages) if post else self.extract(doc)
        except Exception as exc:  # reported to the caller, per document
            return exc


def batches(docs: Iterable[Document], size: int = BATCH) -> Iterator[list[Document]]:
    """`docs` in lists of `size`, for a streaming caller of `process_many`/`extract_many`.

    When reading `docs` raises (a bad line under `--on-error fail`), the documents read before it
    come out first, then the error: what came before a bad line is still processed.
    """
    batch: list[Document] = []
    it = iter(docs)
    while True:
        try:
            doc = next(it)
        except StopIteration:
            break
        except Exception:
            if batch:
                yield batch
            raise
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_settled = False


def _settle() -> None:
    """Once per process, after the first batch: move what is alive out of the collector's sight.

    The first batch builds the process-wide tables (gazetteer, lexicons, phone metadata: ~0.5 M
    objects that live as long as the process); without gc.freeze() every full collection walks them
    all again (measured: 2 full collections cost 0.58 s of 19.8 s CPU over 100,000 documents).
    Frozen objects are still freed when nothing refers to them; only cycles among them stay.
    """
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


_ocr_said = False


def _ocr_stage(on: bool | None, region: str = "US") -> Any:
    """The OCR stage when OCR is wanted and can run; else None, saying once on stderr why it is off."""
    global _ocr_said
    if on is None:
        from adtrace.ocr.engine import wanted

        on = wanted()
    if not on:
        return None
    from adtrace.ocr.engine import status

    state = status()
    if not state.on:
        if not _ocr_said:
            _ocr_said = True
            sys.stderr.write(state.message + "\n")
        return None
    from adtrace.ocr.stage import OcrStage

    return OcrStage.from_env(region)


def _record(ctx: Context) -> dict[str, Any]:
    """The Record in contract order; private keys (leading "_") stay behind."""
    doc = ctx.doc
    record: dict[str, Any] = {"id": doc.id}
    for name in RECORD_FIELDS:
        record[name] = ctx.record.get(name, [])
    for name, value in ctx.record.items():
        if name not in record and not name.startswith("_"):
            record[name] = value
    if doc.images and (name_images := _images(doc)):
        record["images"] = name_images
    return record


def _images(doc: Document) -> list[dict[str, Any]]:
    return [{k: v for k, v in img.items() if k in ("url", "path", "sha256", "pdq")} for img in doc.images]


_default: Pipeline | None = None


def _pipeline() -> Pipeline:
    global _default
    if _default is None:
        _default = Pipeline()
    return _default


def extract(doc: Document) -> dict[str, Any]:
    """Entities only: the Record of `adtrace extract`."""
    return _pipeline().extract(doc)


def process(doc: Document) -> dict[str, Any]:
    """Entities, indicators and risk: the Record of `adtrace score`."""
    return _pipeline().process(doc)
