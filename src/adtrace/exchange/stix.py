"""STIX 2.1 bundles of a case or a watchlist, built and serialised by the `stix2` library (OASIS).

What goes in (docs/exchange.md, "STIX 2.1"):

* an `identity` for the exporting organisation (`created_by_ref` of everything) and a `grouping`
  (context `suspicious-activity`) that names the case or watchlist;
* per ad, an `observed-data` of its phones (`x-adtrace-phone`, STIX has no phone object), e-mails
  (`email-addr`) and site (`url`, cut to the site's address), with the adtrace properties
  `x_adtrace_document_id`, `x_adtrace_indicator_ids` (named indicators that fired, e.g.
  `minor.youth_terms.v1`), `x_adtrace_risk_level` and `x_adtrace_pdq_hashes`;
* per cluster (or unclustered ad), an `identity` (class `unknown`: whoever posts these ads; often not
  the person in them) with the identity contact-information extension listing the phones and e-mails;
* `indicator`s with STIX patterns: `[x-adtrace-phone:value = '+1...']`, `[email-addr:value = ...]`,
  `[user-account:account_login = ... AND user-account:account_type = ...]`, and for photos
  `[file:hashes.x_pdq = '64 hex']` (PDQ is not in STIX's hash vocabulary; custom names start `x_`).

The adtrace properties are declared by an `extension-definition` (toplevel-property-extension) in the
bundle, as STIX 2.1 asks of custom properties. **Masked by default**: identifiers become the case
exports' masks (`[phone 3fa9c1]`, a fresh salt per export), no `email-addr`/`x-adtrace-phone` objects
or identifier patterns are written (a pattern on a mask matches nothing), URLs keep only the site;
PDQ hashes stay (they are shared as PDQ, see "Signals"). `redact=False` is for admins; callers audit it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa
import stix2
from stix2.properties import StringProperty

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.cases import watchlists as wl
from adtrace.cases.redaction import Masker
from adtrace.i18n import gettext
from adtrace.storage import Store, audit, clusterstore, docsets
from adtrace.storage.db import engine_of, read

CONTACT_EXT = "extension-definition--66e2492a-bbd3-4be6-88f5-cc91a017a498"  # identity contact information
# Our own extension definition: a fixed id, so every adtrace bundle declares its properties the same way.
ADTRACE_EXT = "extension-definition--0b3c6c0e-4a8e-4f0e-9a57-7d2d1a0f5e21"
MAX_DOCS = 5000  # as graph exports
NOTICE = ("Indicators present in online ads, collected for review: never a verdict on a person. People in "
          "these ads may be victims. US National Human Trafficking Hotline 1-888-373-7888 (text 233733).")


@stix2.v21.CustomObservable("x-adtrace-phone", [("value", StringProperty(required=True))],
                            id_contrib_props=["value"])
class Phone:
    """A phone number in E.164 (STIX 2.1 has no phone-number cyber-observable)."""


def _phone(value: str) -> Any:
    return cast(Any, Phone)(value=value)  # the decorator gives the class its STIX constructor


_TOPLEVEL = {ADTRACE_EXT: {"extension_type": "toplevel-property-extension"}}


def _stamp(value: str | None) -> str:
    """A STIX timestamp (UTC, Z); an unreadable or missing date becomes now."""
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        dt = datetime.now(UTC)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Builder:
    org: str
    redact: bool
    masker: Masker = field(default_factory=Masker)
    objects: dict[str, Any] = field(default_factory=dict)
    patterns: dict[str, dict[str, Any]] = field(default_factory=dict)  # pattern -> name, docs, indicator ids

    def __post_init__(self) -> None:
        self.masker = Masker(enabled=self.redact)
        self.me = stix2.Identity(name=self.org, identity_class="organization",
                                 description="The organisation that exported this bundle with adtrace.")
        ext = stix2.ExtensionDefinition(
            created_by_ref=self.me.id, name="adtrace ad properties", version="1.0.0",
            schema="https://github.com/adtrace/adtrace/blob/main/docs/exchange.md#stix-21",
            extension_types=["toplevel-property-extension"], id=ADTRACE_EXT,
            extension_properties=["x_adtrace_document_id", "x_adtrace_indicator_ids", "x_adtrace_risk_level",
                                  "x_adtrace_pdq_hashes", "x_adtrace_documents"],
            description="x_adtrace_document_id, x_adtrace_indicator_ids (adtrace's named, versioned indicator "
                        "ids), x_adtrace_risk_level, x_adtrace_pdq_hashes (PDQ, 64 hex), x_adtrace_documents.")
        self.add(self.me)
        self.add(ext)

    def add(self, obj: Any) -> str:
        self.objects.setdefault(obj.id, obj)
        return str(obj.id)

    def want(self, pattern: str, name: str, doc_id: str, indicator_ids: Iterable[str], seen: str) -> None:
        p = self.patterns.setdefault(pattern, {"name": name, "docs": set(), "ids": set(), "seen": seen})
        p["docs"].add(doc_id)
        p["ids"].update(indicator_ids)
        p["seen"] = min(p["seen"], seen)

    def indicators(self, what: str) -> list[str]:
        out = []
        for pattern, p in sorted(self.patterns.items()):
            ind = stix2.Indicator(
                name=p["name"], description=f"Seen in {len(p['docs'])} ad(s) of {what}. {NOTICE}",
                pattern=pattern, pattern_type="stix", valid_from=p["seen"], indicator_types=["unknown"],
                created_by_ref=self.me.id, extensions=_TOPLEVEL, allow_custom=True,
                x_adtrace_documents=sorted(p["docs"]), x_adtrace_indicator_ids=sorted(p["ids"]))
            out.append(self.add(ind))
        return out

    def bundle(self, name: str, refs: list[str], description: str) -> dict[str, Any]:
        group = stix2.Grouping(name=name, context="suspicious-activity", description=description,
                               object_refs=refs or [self.me.id], created_by_ref=self.me.id,
                               object_marking_refs=[stix2.TLP_AMBER])
        self.add(group)
        b = stix2.Bundle(*self.objects.values(), stix2.TLP_AMBER, allow_custom=True)
        out: dict[str, Any] = orjson.loads(b.serialize())
        return out


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _handle_pattern(value: str, platform: str | None) -> str:
    login = f"[user-account:account_login = '{_quote(value)}'"
    return f"{login} AND user-account:account_type = '{_quote(platform)}']" if platform else f"{login}]"


def _doc_objects(b: _Builder, doc_id: str, doc: Any, rec: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """The ad's observed-data; returns its id, the ids of its phones/e-mail objects, and masked contacts."""
    posted = _stamp(getattr(doc, "posted_at", None) or getattr(doc, "ingested_at", None))
    inds = sorted({str(h.get("id")) for h in rec.get("indicators") or [] if isinstance(h, dict)})
    pdqs = sorted({str(i.get("pdq")) for i in rec.get("images") or [] if isinstance(i, dict) and i.get("pdq")})
    pdqs += sorted({str(i.get("pdq")) for i in getattr(doc, "images", None) or []
                    if isinstance(i, dict) and i.get("pdq")} - set(pdqs))
    refs: list[str] = []
    contacts: list[str] = []
    for p in rec.get("phones") or []:
        value = str(p.get("value"))
        if b.redact:
            contacts.append(b.masker.mask("phone", value))
            continue
        refs.append(b.add(_phone(value)))
        contacts.append(value)
        b.want(f"[x-adtrace-phone:value = '{_quote(value)}']", "phone in ads", doc_id, inds, posted)
    for e in rec.get("emails") or []:
        value = str(e.get("value"))
        if b.redact:
            contacts.append(b.masker.mask("email", value))
            continue
        refs.append(b.add(stix2.EmailAddress(value=value)))
        b.want(f"[email-addr:value = '{_quote(value)}']", "e-mail in ads", doc_id, inds, posted)
    if not b.redact:
        for h in rec.get("handles") or []:
            b.want(_handle_pattern(str(h.get("value")), h.get("platform")), "handle in ads", doc_id, inds, posted)
    for pdq in pdqs:
        b.want(f"[file:hashes.x_pdq = '{pdq}']", "photo in ads (PDQ)", doc_id, inds, posted)
    url = getattr(doc, "url", None)
    if url:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}/" if b.redact or not parts.path else url
        refs.append(b.add(stix2.URL(value=site)))
    if not refs:  # observed-data needs one object: the site stands for an ad without a URL
        refs.append(b.add(stix2.URL(value=f"https://{getattr(doc, 'source', None) or 'unknown.invalid'}/")))
    od = stix2.ObservedData(
        first_observed=posted, last_observed=posted, number_observed=1, object_refs=refs,
        created_by_ref=b.me.id, extensions=_TOPLEVEL, allow_custom=True, x_adtrace_document_id=doc_id,
        x_adtrace_indicator_ids=inds, x_adtrace_risk_level=str((rec.get("risk") or {}).get("level") or ""),
        x_adtrace_pdq_hashes=pdqs)
    return b.add(od), [r for r in refs if not r.startswith("url--")], contacts


def _contact_identity(b: _Builder, label: str, refs: list[str], contacts: list[str], docs: list[str]) -> str:
    phones = sorted({c for c in contacts if c.startswith(("+", "[phone"))})
    ext: dict[str, Any] = {"extension_type": "property-extension"}
    if phones:
        ext["contact_numbers"] = [{"contact_number_type": "work-phone", "contact_number": p} for p in phones]
    emails = sorted({r for r in refs if r.startswith("email-addr--")})
    if emails:
        ext["email_addresses"] = [{"digital_contact_type": "work", "email_address_ref": r} for r in emails]
    masked_emails = sorted({c for c in contacts if c.startswith("[email")})
    ident = stix2.Identity(
        name=label, identity_class="unknown", created_by_ref=b.me.id, allow_custom=True,
        description="Whoever posted these ads (often not the person in them). " + NOTICE,
        contact_information=", ".join(masked_emails) or None,
        extensions={CONTACT_EXT: ext, **_TOPLEVEL}, x_adtrace_documents=docs)
    return b.add(ident)


def case_bundle(store: Store | sa.Engine, case_id: int, *, org: str, redact: bool = True) -> dict[str, Any]:
    """A case as a STIX 2.1 bundle (a dict, as `stix2` serialised it)."""
    engine = engine_of(store)
    case = cs.get(engine, case_id)
    b = _Builder(org, redact)
    ids = cs.document_ids(engine, case)
    refs = _documents(b, store, ids, f"case {case.id}")
    return b.bundle(f"adtrace case {case.id}: {b.masker.analyst(case.title)}", refs,
                    f"{len(ids)} ad(s); status {case.status}; {'masked' if redact else 'full'} export. {NOTICE}")


def cluster_bundle(store: Store | sa.Engine, cluster: str, *, org: str, redact: bool = True) -> dict[str, Any]:
    """A cluster (id or any member's document id) as a STIX 2.1 bundle."""
    engine = engine_of(store)
    with engine.connect() as conn:
        cid = cs.resolve_cluster(conn, cluster, "cluster")
        ids = sorted(docsets.cluster_docs(conn, [cid]))
    b = _Builder(org, redact)
    refs = _documents(b, store, ids, f"cluster {cid}")
    return b.bundle(f"adtrace cluster {cid}", refs,
                    f"{len(ids)} ad(s) linked by shared identifiers, photos or wording; "
                    f"{'masked' if redact else 'full'} export. {NOTICE}")


def _documents(b: _Builder, store: Store | sa.Engine, ids: list[str], what: str) -> list[str]:
    """Observed-data per ad, a contact identity per cluster (or unclustered ad), indicators; their ids."""
    if not isinstance(store, Store):
        raise errors.ConfigError(message="a STIX export of ads needs the store, not only its engine")
    ids = ids[:MAX_DOCS]
    with read(store) as conn:
        cluster_of = clusterstore.clusters_of(conn, ids)
    loaded = [(d, store.get_document(d), store.get_record(d) or {}) for d in ids]
    for _d, doc, rec in loaded:
        b.masker.learn(rec, getattr(doc, "full_text", "") or "")
    refs: list[str] = []
    groups: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for doc_id, doc, rec in loaded:
        if doc is None:
            continue
        od, contact_refs, contacts = _doc_objects(b, doc_id, doc, rec)
        refs.append(od)
        g = groups.setdefault(cluster_of.get(doc_id, f"ad {doc_id}"), ([], [], []))
        g[0].extend(contact_refs)
        g[1].extend(contacts)
        g[2].append(doc_id)
    for key, (crefs, contacts, docs) in sorted(groups.items()):
        if contacts or crefs:
            label = key if key.startswith("ad ") else f"cluster {key}"
            refs.append(_contact_identity(b, f"Contact details in the ads of {label}", crefs, contacts, docs))
    return refs + b.indicators(what)


def watchlist_bundle(store: Store | sa.Engine, name: str, *, org: str, redact: bool = True) -> dict[str, Any]:
    """A watchlist's active entries as indicators (identifiers only in a full export; PDQ always)."""
    entries = wl.entries(store, name=name)
    if not entries:
        raise errors.InputError(message=f"no active watchlist named {name!r}", code=errors.NOT_FOUND,
                                http_status=404, detail={"field": "watchlist"}, cli_hint="see `adtrace watchlist list`",
                                web_hint=gettext("The Watchlists page lists them"))
    b = _Builder(org, redact)
    contacts, crefs, skipped = [], [], 0
    for e in entries:
        seen = _stamp(e.created_at)
        if e.kind == "pdq":
            b.want(f"[file:hashes.x_pdq = '{e.value}']", f"photo on watchlist {name} (PDQ)", f"entry {e.id}", [], seen)
        elif e.kind in ("phrase", "regex"):
            skipped += 1  # STIX patterns have no text-match on an ad's words: kept adtrace-to-adtrace
        elif redact:
            contacts.append(b.masker.mask(e.kind, e.value))
        elif e.kind == "phone":
            crefs.append(b.add(_phone(e.value)))
            contacts.append(e.value)
            b.want(f"[x-adtrace-phone:value = '{_quote(e.value)}']", f"phone on watchlist {name}", f"entry {e.id}",
                   [], seen)
        elif e.kind == "email":
            crefs.append(b.add(stix2.EmailAddress(value=e.value)))
            b.want(f"[email-addr:value = '{_quote(e.value)}']", f"e-mail on watchlist {name}", f"entry {e.id}",
                   [], seen)
        else:
            platform, _, login = e.value.rpartition(":")
            b.want(_handle_pattern(login, platform or None), f"handle on watchlist {name}", f"entry {e.id}", [], seen)
    refs = b.indicators(f"watchlist {name}")
    if contacts or crefs:
        refs.append(_contact_identity(b, f"Contacts on watchlist {name}", crefs, contacts, []))
    return b.bundle(f"adtrace watchlist {name}", refs,
                    f"{len(entries)} entries ({skipped} text patterns not expressible in STIX left out); "
                    f"{'masked' if redact else 'full'} export. {NOTICE}")


def parse(data: str | bytes) -> Any:
    """Read a bundle back with `stix2` (custom adtrace properties kept)."""
    return stix2.parse(data, allow_custom=True)


def org_name(keys_dir: str | None = None) -> str:
    """The exporting organisation: the name on its signing keys, else a neutral placeholder."""
    from adtrace.exchange import keys as xk

    try:
        return xk.load(keys_dir).org
    except errors.ConfigError:
        return "adtrace"


def export(store: Store, *, case: int | None = None, watchlist: str | None = None, cluster: str | None = None,
           redact: bool = True, actor: str, keys_dir: str | None = None) -> tuple[bytes, str, int]:
    """The bundle's bytes for a case, a cluster or a watchlist, with its `export` audit entry (format, counts,
    redacted, SHA-256; never an identifier). Returns (bytes, what, audit sequence number)."""
    import hashlib

    if sum(x is not None for x in (case, watchlist, cluster)) != 1:
        raise errors.InputError.at(errors.MISSING_FIELD, "name exactly one of a case, a cluster or a watchlist",
                                   cli_hint="e.g. `--case 3`, `--cluster ad17` or `--watchlist 'Op Lantern'`")
    org = org_name(keys_dir)
    if case is not None:
        bundle, what = case_bundle(store, case, org=org, redact=redact), f"case:{case}"
    elif cluster is not None:
        bundle, what = cluster_bundle(store, cluster, org=org, redact=redact), f"cluster:{cluster}"
    else:
        bundle, what = watchlist_bundle(store, str(watchlist), org=org, redact=redact), f"watchlist:{watchlist}"
    data = orjson.dumps(bundle, option=orjson.OPT_INDENT_2)
    counts: dict[str, int] = {}
    for o in bundle["objects"]:
        counts[o["type"]] = counts.get(o["type"], 0) + 1
    seq = audit.append(engine_of(store), actor, "export", what,
                       {"format": "stix2.1", "kind": "stix", "redacted": redact, "objects": counts,
                        "sha256": hashlib.sha256(data).hexdigest()})
    return data, what, seq
