"""A public tip becomes a document of kind `tip`: checked, run through the same pipeline as an ad, stored,
and remembered in `tips` with only the hash of its receipt code (docs/tips.md).

Nothing about the sender is kept: no address, no user agent, no cookie value. The receipt code is the
only key to a tip; whoever holds it may add text, never read it back.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.places.hotlines import country_code, org_country
from adtrace.tips import store as ts

SOURCE = "public-tip"
ABOUT = ("sex", "labour", "minor", "unsure")  # what the tipster thinks it is about (routing uses it)
LANGS = ("en", "es", "zh")
MAX_TEXT = 10_000  # characters of one tip or one addition
MAX_FIELD = 200  # characters of any other field
RECEIPT_BYTES = 16  # 128 random bits: unguessable, and the rate limit stops anyone trying


@dataclass(frozen=True)
class TipForm:
    text: str
    where: str = ""  # a place in the tipster's words (becomes the document's location field)
    country: str = ""  # ISO 3166-1 alpha-2 or ''
    about: str = "unsure"
    lang: str = "en"  # the text's language (guess_lang), else the page's


@dataclass(frozen=True)
class Receipt:
    code: str  # shown once to the tipster; only its hash is stored
    tip_id: int
    doc_id: str


def _clean(value: str, limit: int, name: str) -> str:
    # NFC so "é" typed two ways is one text; control characters other than line breaks and tabs go.
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if len(value) > limit:
        raise bad(_("The field '%(field)s' is too long: %(n)s characters, at most %(limit)s.")
                  % {"field": name, "n": f"{len(value):,}", "limit": f"{limit:,}"}, name)
    return value


def bad(message: str, field_name: str = "") -> errors.InputError:
    return errors.InputError(message=message, code=errors.BAD_TIP, http_status=422,
                             detail={"field": field_name} if field_name else {})


def check(fields: dict[str, str]) -> TipForm:
    """The form's fields, cleaned and bounded; an empty tip or an overlong field is refused (AT140)."""
    text = _clean(fields.get("text", ""), MAX_TEXT, "text")
    if not text:
        raise bad(_("Please write what you saw or know; the tip is empty."), "text")
    where = _clean(fields.get("where", ""), MAX_FIELD, "where")
    raw_country = _clean(fields.get("country", ""), MAX_FIELD, "country")
    country = country_code(raw_country) or ""
    if raw_country and not country:
        raise bad(_("Unknown country; choose one from the list or leave it empty."), "country")
    about = _clean(fields.get("about", ""), MAX_FIELD, "about") or "unsure"
    if about not in ABOUT:
        raise bad(_("Choose what the tip is about from the list."), "about")
    page = _clean(fields.get("lang", ""), MAX_FIELD, "lang")[:2].lower()
    return TipForm(text, where, country, about, guess_lang(text, page if page in LANGS else "en"))


# The commonest function words of each language: enough to tell English from Spanish in a few sentences
# (routing by language needs the text's language, not the page's: people often write in their own).
def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP = {"en": _set("the and to of a in is it that for on was with he she they you are at my this have "
                         "not but from there her his them were been"),
         "es": _set("el la los las de que y en un una es por con para no se lo le les del al su sus "
                         "pero como muy hay está están fue son mi")}
_WORDS = re.compile(r"[^\W\d_]+")


def guess_lang(text: str, fallback: str = "en") -> str:
    """zh when CJK characters are a fifth of the letters, else en or es by function words; `fallback`
    (the page's language) when the text is too short or mixed to say."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum("\u4e00" <= ch <= "\u9fff" for ch in letters) >= len(letters) / 5:
        return "zh"
    words = [w.lower() for w in _WORDS.findall(text)]
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOP.items()}
    best = max(counts, key=lambda k: counts[k])
    other = min(counts.values())
    return best if counts[best] >= 3 and counts[best] >= 2 * other else fallback


def receipt_hash(code: str) -> str:
    return hashlib.sha256(b"adtrace-tip-receipt\0" + code.encode("utf-8", "replace")).hexdigest()


def new_receipt() -> str:
    return secrets.token_urlsafe(RECEIPT_BYTES)


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document(doc_id: str, form: TipForm, text: str | None = None, posted_at: str | None = None) -> Document:
    """The tip as a Document: kind `tip`, its own source, a `tip:` URL so two equal texts stay two tips."""
    return Document(id=doc_id, source=SOURCE, kind="tip", url=f"tip:{doc_id}", text=text or form.text,
                    location=form.where or None, posted_at=posted_at or _stamp(), lang=form.lang,
                    meta={"tip": {"about": form.about, "country": form.country}})


def _process(doc: Document, region: str) -> dict[str, Any]:
    from adtrace.pipeline import Pipeline

    return Pipeline(default_region=region).process(doc)


def _put(store: Any, doc: Document, record: dict[str, Any]) -> None:
    from adtrace.storage.prepare import prepare

    store.put_batch([prepare(doc, record)])


def _after_store(store: Any, doc_id: str) -> None:
    """What any new document gets: alerts (watchlists, high risk) and incremental linking, so a phone in
    the tip joins the cluster of the ads that carry it. Failures here never lose the stored tip."""
    import logging

    from adtrace.cases import alerts
    from adtrace.cases.notify import Notifier
    from adtrace.linking.run import link_store

    try:
        alerts.evaluate(store, [doc_id], notifier=Notifier())
        link_store(store.engine, workers=1)
    except Exception:  # logged, not raised: the tipster's tip is stored either way
        logging.getLogger(__name__).exception("after storing tip %s", doc_id)


def submit(store: Any, form: TipForm, *, link: bool = True) -> Receipt:
    """Store a checked tip; returns the receipt (its code is not stored, only its hash)."""
    code = new_receipt()
    doc_id = "tip-" + secrets.token_hex(12)
    # Numbers written without a country code are read as the organisation's (as `adtrace ingest --region`),
    # not the tip's country: a tip about Mexico may well give a US number.
    doc = document(doc_id, form)
    record = _process(doc, org_country())
    _put(store, doc, record)
    tip_id = ts.create(store.engine, doc_id, receipt_hash(code), form.country, form.about, form.lang)
    if link:
        _after_store(store, doc_id)
    return Receipt(code, tip_id, doc_id)


def add(store: Any, code: str, more: str, *, link: bool = True) -> tuple[int, str]:
    """Append text to the tip this receipt belongs to (never shows what is there); returns (tip id, doc id)."""
    tip = ts.by_receipt(store.engine, receipt_hash(code))
    if tip is None:
        raise errors.InputError(message=_("This receipt code is not known. Check it, or send a new tip."),
                                code=errors.NO_SUCH_RECEIPT, http_status=404)
    more = _clean(more, MAX_TEXT, "text")
    if not more:
        raise bad(_("Please write what you want to add."), "text")
    old = store.get_document(tip["doc_id"])
    if old is None:  # purged by retention: the receipt no longer leads anywhere
        raise errors.InputError(message=_("This tip is closed; please send a new tip."),
                                code=errors.NO_SUCH_RECEIPT, http_status=404)
    if len(old.text) + len(more) > 10 * MAX_TEXT:
        raise bad(_("This tip has reached its size limit; please send a new tip."), "text")
    form = TipForm(old.text, old.location or "", str(tip["country"]), str(tip["about"]), str(tip["lang"]))
    text = f"{old.text}\n\n--- {_('added')} {_stamp()} ---\n{more}"
    doc = document(old.id, form, text=text, posted_at=old.posted_at)
    _put(store, doc, _process(doc, org_country()))
    ts.added(store.engine, int(tip["id"]))
    if link:
        _after_store(store, old.id)
    return int(tip["id"]), old.id
