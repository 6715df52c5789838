"""The tips tables (migration 0019): tips, their triage decisions and the routing rules.

Plain SQL for SQLite and PostgreSQL alike. Decisions are rows, never updates in place, so a tip's
history stays; the tip's own `status` is the latest decision's outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text

from adtrace import errors
from adtrace.i18n import _
from adtrace.storage.db import now, read, write

STATUSES = ("new", "accepted", "routed", "dismissed")
DECISIONS = {"accept": "accepted", "route": "routed", "dismiss": "dismissed"}
RULE_ABOUT = ("", "sex", "labour", "minor", "unsure")
_ORG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # as `adtrace exchange keys --org` names
_LANG = re.compile(r"^([a-z]{2})?$")
_COUNTRY = re.compile(r"^([A-Z]{2})?$")


def create(engine: sa.Engine, doc_id: str, receipt_hash: str, country: str, about: str, lang: str) -> int:
    stamp = now()
    with write(engine) as conn:
        conn.execute(text("INSERT INTO tips (doc_id, receipt_hash, status, country, about, lang, additions, "
                          "created_at, updated_at) VALUES (:d, :r, 'new', :c, :a, :l, 0, :t, :t)"),
                     {"d": doc_id, "r": receipt_hash, "c": country, "a": about, "l": lang, "t": stamp})
        return int(conn.execute(text("SELECT id FROM tips WHERE doc_id = :d"), {"d": doc_id}).scalar_one())


def by_receipt(engine: sa.Engine, receipt_hash: str) -> dict[str, Any] | None:
    with read(engine) as conn:
        row = conn.execute(text("SELECT * FROM tips WHERE receipt_hash = :r"), {"r": receipt_hash}).first()
    return dict(row._mapping) if row else None


def added(engine: sa.Engine, tip_id: int) -> None:
    """One more addition: the tip comes back to the queue if it was accepted (not if routed or dismissed)."""
    with write(engine) as conn:
        conn.execute(text("UPDATE tips SET additions = additions + 1, updated_at = :t WHERE id = :i"),
                     {"t": now(), "i": tip_id})


def get(engine: sa.Engine, tip_id: int) -> dict[str, Any]:
    with read(engine) as conn:
        row = conn.execute(text("SELECT * FROM tips WHERE id = :i"), {"i": tip_id}).first()
        if row is None:
            raise errors.not_found(_("no tip %(id)s") % {"id": tip_id}, tip=tip_id)
        history = conn.execute(text("SELECT decision, reason, partner, actor, at FROM tip_decisions "
                                    "WHERE tip_id = :i ORDER BY id DESC"), {"i": tip_id}).all()
    return {**dict(row._mapping), "history": [dict(h._mapping) for h in history]}


def queue(engine: sa.Engine, status: str = "new", limit: int = 100) -> list[dict[str, Any]]:
    """Tips of one status, oldest first (a tip waits its turn), with the document's risk."""
    if status not in STATUSES:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown status %(s)r") % {"s": status}, field_name="status",
                                   hint=_("Use one of: %(list)s") % {"list": ", ".join(STATUSES)})
    with read(engine) as conn:
        rows = conn.execute(text("SELECT t.*, r.risk_score, r.risk_level, substr(d.text, 1, 300) AS preview "
                                 "FROM tips t LEFT JOIN records r ON r.doc_id = t.doc_id LEFT JOIN documents d "
                                 "ON d.id = t.doc_id WHERE t.status = :s ORDER BY t.id LIMIT :n"),
                            {"s": status, "n": limit}).all()
    return [dict(r._mapping) for r in rows]


def counts(engine: sa.Engine) -> dict[str, int]:
    with read(engine) as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM tips GROUP BY status")).all()
    return {s: 0 for s in STATUSES} | {str(s): int(n) for s, n in rows}


def check_org(partner: str) -> str:
    partner = partner.strip()
    if not _ORG.match(partner):
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("%(p)r is not an organisation name") % {"p": partner[:40]},
                                   field_name="partner", hint=_("Use the partner's exchange name (letters, digits, "
                                   "_ . -), as its `adtrace exchange keys --public` shows"))
    return partner


def decide(engine: sa.Engine, tip_id: int, decision: str, actor: str, reason: str = "",
           partner: str | None = None) -> dict[str, Any]:
    """Record a triage decision. `route` needs a partner; `dismiss` needs a reason."""
    if decision not in DECISIONS:
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("unknown decision %(d)r") % {"d": decision}, field_name="decision",
                                   hint=_("Use one of: %(list)s") % {"list": ", ".join(DECISIONS)})
    reason = reason.strip()[:500]
    if decision == "dismiss" and not reason:
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("a dismissal needs a reason"), field_name="reason",
                                   hint=_("Say why, e.g. 'not about exploitation' or 'duplicate of tip 12'"))
    partner = check_org(partner or "") if decision == "route" else None
    get(engine, tip_id)  # a missing tip is a 404 before anything is written
    stamp = now()
    with write(engine) as conn:
        conn.execute(text("INSERT INTO tip_decisions (tip_id, decision, reason, partner, actor, at) "
                          "VALUES (:i, :d, :r, :p, :a, :t)"),
                     {"i": tip_id, "d": decision, "r": reason, "p": partner, "a": actor, "t": stamp})
        # A new route clears an earlier hand-off mark: routing again means handing off again.
        conn.execute(text("UPDATE tips SET status = :s, partner = :p, updated_at = :t, handed_off_at = "
                          "CASE WHEN :route THEN NULL ELSE handed_off_at END, handoff_id = CASE WHEN :route "
                          "THEN NULL ELSE handoff_id END WHERE id = :i"),
                     {"s": DECISIONS[decision], "p": partner, "t": stamp, "i": tip_id, "route": decision == "route"})
    return get(engine, tip_id)


def pending_handoffs(engine: sa.Engine, partner: str | None = None) -> list[dict[str, Any]]:
    """Tips routed to a partner and not yet handed off (what `adtrace tips route` signs)."""
    where = " AND partner = :p" if partner else ""
    with read(engine) as conn:
        rows = conn.execute(text(f"SELECT * FROM tips WHERE status = 'routed' AND handed_off_at IS NULL{where} "
                                 "ORDER BY id"), {"p": partner}).all()
    return [dict(r._mapping) for r in rows]


def handed_off(conn: sa.Connection, tip_id: int, handoff_id: str) -> None:
    conn.execute(text("UPDATE tips SET handed_off_at = :t, handoff_id = :h WHERE id = :i"),
                 {"t": now(), "h": handoff_id, "i": tip_id})


# Routing rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: int
    country: str
    about: str
    lang: str
    partner: str
    note: str

    def matches(self, country: str, about: str, lang: str) -> bool:
        return all(not want or want == got for want, got in ((self.country, country), (self.about, about),
                                                             (self.lang, lang)))

    @property
    def specificity(self) -> int:
        return sum(bool(v) for v in (self.country, self.about, self.lang))


def add_rule(engine: sa.Engine, actor: str, partner: str, country: str = "", about: str = "", lang: str = "",
             note: str = "") -> int:
    from adtrace.places.hotlines import country_code

    partner = check_org(partner)
    code = country_code(country) or "" if country.strip() else ""
    if country.strip() and not code:
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("unknown country %(c)r") % {"c": country[:40]}, field_name="country",
                                   hint=_("Use a two-letter code (MX, TH) or leave it empty for any country"))
    lang = lang.strip().lower()
    if about not in RULE_ABOUT or not _LANG.match(lang) or not _COUNTRY.match(code):
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("kind or language not recognised"), field_name="about",
                                   hint=_("kind: one of %(kinds)s or empty; language: a two-letter code (es) or "
                                          "empty") % {"kinds": ", ".join(a for a in RULE_ABOUT if a)})
    with write(engine) as conn:
        conn.execute(text("INSERT INTO tip_rules (country, about, lang, partner, note, created_by, created_at) "
                          "VALUES (:c, :a, :l, :p, :n, :by, :t)"),
                     {"c": code, "a": about, "l": lang, "p": partner, "n": note.strip()[:300], "by": actor,
                      "t": now()})
        return int(conn.execute(text("SELECT max(id) FROM tip_rules")).scalar_one())


def remove_rule(engine: sa.Engine, rule_id: int) -> None:
    with write(engine) as conn:
        if not conn.execute(text("DELETE FROM tip_rules WHERE id = :i"), {"i": rule_id}).rowcount:
            raise errors.not_found(_("no routing rule %(id)s") % {"id": rule_id}, rule=rule_id)


def rules(engine: sa.Engine) -> list[Rule]:
    with read(engine) as conn:
        rows = conn.execute(text("SELECT id, country, about, lang, partner, note FROM tip_rules ORDER BY id")).all()
    return [Rule(int(r.id), str(r.country), str(r.about), str(r.lang), str(r.partner), str(r.note)) for r in rows]


def suggest(all_rules: list[Rule], country: str, about: str, lang: str) -> Rule | None:
    """The most specific rule matching the tip (ties: the oldest rule), or None."""
    hits = [r for r in all_rules if r.matches(country, about, lang)]
    return max(hits, key=lambda r: (r.specificity, -r.id)) if hits else None
