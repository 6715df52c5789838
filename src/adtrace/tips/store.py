"""Tips, their triage decisions and the routing rules: what they mean and the checks before a write.

The tables are `adtrace.storage.tipbook`'s. Decisions are rows, never updates in place, so a tip's
history stays; the tip's own `status` is the latest decision's outcome. A routed tip may be routed again,
taken back (accepted) or dismissed until its hand-off is signed; from then on it is the partner's and every
decision on it is refused (AT118), so the page's missing buttons are not the only guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.exchange.keys import ORG_NAME
from adtrace.i18n import _
from adtrace.storage import tipbook
from adtrace.storage.db import now, read, write

STATUSES = ("new", "accepted", "routed", "dismissed")
DECISIONS = {"accept": "accepted", "route": "routed", "dismiss": "dismissed"}
RULE_ABOUT = ("", "sex", "labour", "minor", "unsure")
_LANG = re.compile(r"^([a-z]{2})?$")
_COUNTRY = re.compile(r"^([A-Z]{2})?$")


def create(engine: sa.Engine, doc_id: str, receipt_hash: str, country: str, about: str, lang: str) -> int:
    with write(engine) as conn:
        return tipbook.insert_tip(conn, doc_id, receipt_hash, country, about, lang, now())


def by_receipt(engine: sa.Engine, receipt_hash: str) -> dict[str, Any] | None:
    with read(engine) as conn:
        return tipbook.tip_by_receipt(conn, receipt_hash)


def added(engine: sa.Engine, tip_id: int) -> None:
    """One more addition: the tip comes back to the queue if it was accepted (not if routed or dismissed)."""
    with write(engine) as conn:
        tipbook.count_addition(conn, tip_id, now())


def get(engine: sa.Engine, tip_id: int) -> dict[str, Any]:
    with read(engine) as conn:
        row = tipbook.tip_row(conn, tip_id)
        if row is None:
            raise errors.not_found(_("no tip %(id)s") % {"id": tip_id}, tip=tip_id)
        history = tipbook.tip_history(conn, tip_id)
    return {**row, "history": history}


def queue(engine: sa.Engine, status: str = "new", limit: int = 100) -> list[dict[str, Any]]:
    """Tips of one status, oldest first (a tip waits its turn), with the document's risk."""
    if status not in STATUSES:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown status %(s)r") % {"s": status}, field_name="status",
                                   hint=_("Use one of: %(list)s") % {"list": ", ".join(STATUSES)})
    with read(engine) as conn:
        return tipbook.tips_with_status(conn, status, limit)


def counts(engine: sa.Engine) -> dict[str, int]:
    with read(engine) as conn:
        found = tipbook.status_counts(conn)
    return {s: 0 for s in STATUSES} | found


def check_org(partner: str) -> str:
    partner = partner.strip()
    if not ORG_NAME.match(partner):
        raise errors.InputError.at(errors.BAD_ROUTE_RULE, _("%(p)r is not an organisation name") % {"p": partner[:40]},
                                   field_name="partner", hint=_("Use the partner's exchange name (letters, digits, "
                                   "_ . -)"), cli_hint=_("its `adtrace exchange keys --public` shows it"))
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
    with write(engine) as conn:
        if not tipbook.insert_decision(conn, tip_id, decision, DECISIONS[decision], reason, partner, actor, now()):
            raise _undecidable(tipbook.tip_row(conn, tip_id), tip_id)
    return get(engine, tip_id)


def _undecidable(row: dict[str, Any] | None, tip_id: int) -> errors.InputError:
    """Why a decision was not recorded: no such tip (404), or its hand-off was signed (409): the tip is with
    the partner now, and taking it back or routing it elsewhere would leave two organisations on one tip."""
    if row is None:
        return errors.not_found(_("no tip %(id)s") % {"id": tip_id}, tip=tip_id)
    return errors.InputError(
        message=_("Tip %(id)s was handed off to %(p)s on %(at)s: it is with them now, and its decisions cannot "
                  "change here. If it should go elsewhere, ask %(p)s.")
        % {"id": tip_id, "p": row["partner"] or "?", "at": str(row["handed_off_at"])[:16].replace("T", " ")},
        code=errors.TIP_HANDED_OFF, http_status=409, detail={"tip": tip_id, "handoff": row["handoff_id"]})


def pending_handoffs(engine: sa.Engine, partner: str | None = None) -> list[dict[str, Any]]:
    """Tips routed to a partner and not yet handed off (what `adtrace tips route` signs)."""
    with read(engine) as conn:
        return tipbook.routed_not_handed_off(conn, partner)


def pending_by_partner(engine: sa.Engine) -> list[tuple[str, int]]:
    """Each partner with tips routed to it and not yet handed off, and how many (the Tips page's downloads)."""
    counts: dict[str, int] = {}
    for tip in pending_handoffs(engine):
        counts[str(tip["partner"])] = counts.get(str(tip["partner"]), 0) + 1
    return sorted(counts.items())


def handed_off(conn: sa.Connection, tip_id: int, partner: str, handoff_id: str, chars: int, additions: int) -> bool:
    """Mark the tip handed off with its first `chars` characters (`additions` additions); False when it was
    routed elsewhere or taken back since it was read."""
    return tipbook.mark_handed_off(conn, tip_id, partner, handoff_id, now(), chars, additions)


def handoffs(engine: sa.Engine, partner: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Tips handed off (to `partner`), newest first, each with its decisions but not their reasons (free
    text): what an admin needs to find the tip whose lost hand-off to copy, and no tip text."""
    with read(engine) as conn:
        rows = tipbook.handed_off_tips(conn, partner, limit)
        found = tipbook.histories(conn, [int(r["id"]) for r in rows])
    return [{**r, "history": [{k: h[k] for k in ("decision", "partner", "actor", "at")}
                              for h in found.get(int(r["id"]), [])]} for r in rows]


def histories(engine: sa.Engine, tip_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The decisions of each of these tips, newest first (what the Tips page shows of a handed-off tip)."""
    with read(engine) as conn:
        return tipbook.histories(conn, tip_ids)


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
        return tipbook.insert_rule(conn, code, about, lang, partner, note.strip()[:300], actor, now())


def remove_rule(engine: sa.Engine, rule_id: int) -> None:
    with write(engine) as conn:
        if not tipbook.delete_rule(conn, rule_id):
            raise errors.not_found(_("no routing rule %(id)s") % {"id": rule_id}, rule=rule_id)


def rules(engine: sa.Engine) -> list[Rule]:
    with read(engine) as conn:
        return [Rule(*row) for row in tipbook.rule_rows(conn)]


def suggest(all_rules: list[Rule], country: str, about: str, lang: str) -> Rule | None:
    """The most specific rule matching the tip (ties: the oldest rule), or None."""
    hits = [r for r in all_rules if r.matches(country, about, lang)]
    return max(hits, key=lambda r: (r.specificity, -r.id)) if hits else None
