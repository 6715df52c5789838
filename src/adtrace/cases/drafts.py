"""Draft reports in the field shapes of NCMEC's CyberTipline report and of IOM's Human Trafficking Case Data
Standard (HTCDS). **Drafts, never sent**: adtrace has no code that submits anything; a person reads the
draft, completes what only they know (who reports, what they saw) and files it themselves.

What the drafts fill is only what the ads show: the ads' URLs and dates, the contact details written in
them, ages the ads state, places they name, platforms their handles point to, and the named indicators
that fired (with their ids). Nothing is inferred about a person. The trafficking status is never more
than **possible**, and only when a person sets it (`status="possible"`, `set_by`); otherwise it is
"not assessed". Drafts follow the case exports' masking (`cases.exports.bundle`): masked unless an
admin asks for a full draft (the caller audits it).

Field names: the CyberTipline Reporting API's report (incidentSummary, internetDetails/webPageIncident,
personOrUserReported, victim, additionalInfo; incident type "Child Sex Trafficking") and HTCDS's tables
(`cas_`, `prs_`, `vic_`, `hte_` prefixes, HTCDS Field Reference). Fields adtrace cannot know stay null.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from adtrace import __version__, errors
from adtrace.cases import exports
from adtrace.cases.cases import Case
from adtrace.storage import Store, audit, db
from adtrace.storage.db import engine_of

STATUSES = ("not assessed", "possible")
KINDS = ("ncmec", "htcds")
NOT_SENT = ("DRAFT - not sent. adtrace never submits reports: a person completes, checks and files this "
            "draft. It holds only what the ads show; indicators present are not a verdict on anyone.")
# HTCDS picklist values for the platforms a handle's platform name maps to (vic_*WebsitesAndApps).
_HTCDS_APPS = {"facebook": "Facebook", "instagram": "Instagram", "whatsapp": "WhatsApp", "telegram": "Telegram",
               "messenger": "FacebookMessenger", "viber": "Viber", "snapchat": "SnapChat", "line": "Line",
               "wechat": "WeChat", "qq": "QQ", "tiktok": "TikTok", "twitter": "Twitter", "x": "Twitter"}


def check_status(status: str | None, set_by: str | None) -> dict[str, Any]:
    """The trafficking status: 'not assessed', or 'possible' set by a named person; anything more is refused."""
    value = (status or "not assessed").strip().lower()
    if value not in STATUSES:
        raise errors.InputError.at(errors.DRAFT_STATUS, f"trafficking status {status!r} is not allowed in a draft",
                                   field_name="status", hint="A draft says at most 'possible'; whether trafficking "
                                   "happened is for investigators and courts, not for ads")
    if value == "possible" and not (set_by or "").strip():
        raise errors.InputError.at(errors.DRAFT_STATUS, "'possible' must be set by a person", field_name="set_by",
                                   hint="Name the person who set it", cli_hint="pass `--as NAME`")
    return {"value": value, "set_by": set_by if value == "possible" else None,
            "set_at": db.now() if value == "possible" else None}


def _facts(store: Store, bundle: dict[str, Any]) -> dict[str, Any]:
    """What the ads show, gathered once for both shapes."""
    ages: list[tuple[int, str]] = []
    places: list[dict[str, Any]] = []
    platforms: Counter[str] = Counter()
    for d in bundle["documents"]:
        rec = store.get_record(d["id"]) or {}
        ages += [(int(a["value"]), d["id"]) for a in rec.get("ages") or [] if isinstance(a.get("value"), int)]
        platforms.update(str(h.get("platform") or "").lower() for h in rec.get("handles") or [] if h.get("platform"))
        for p in rec.get("places") or []:
            if p.get("kind", "city") == "city" and p.get("lat") is not None:
                places.append({"city": p.get("name"), "region": p.get("admin"), "country": p.get("country"),
                               "lat": p.get("lat"), "lon": p.get("lon"), "doc_id": d["id"],
                               "posted_at": d["posted_at"]})
    ids = Counter(i["id"] for d in bundle["documents"] for i in d["indicators"])
    contacts = {k: sorted({v for d in bundle["documents"] for v in d["identifiers"].get(k, [])})
                for k in ("phones", "emails", "handles", "payments")}
    return {"ages": ages, "places": places, "platforms": platforms, "indicators": ids, "contacts": contacts}


def _summary(bundle: dict[str, Any], facts: dict[str, Any]) -> str:
    inds = ", ".join(f"{i} ({n} ads)" for i, n in sorted(facts["indicators"].items()))
    return (f"{len(bundle['documents'])} online ads collected in adtrace case {bundle['case']['id']}. "
            f"Indicators present: {inds or 'none'}. {NOT_SENT}")


def ncmec(bundle: dict[str, Any], facts: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    """The CyberTipline report's fields, for possible child sex trafficking."""
    docs = bundle["documents"]
    dates = [d["posted_at"] for d in docs if d["posted_at"]]  # the bundle's order: in time (UTC), as written
    minors = sorted({(age, doc) for age, doc in facts["ages"] if age < 18})
    c = facts["contacts"]
    return {
        "incidentSummary": {"incidentType": "Child Sex Trafficking", "escalateToHighPriority": None,
                            "incidentDateTime": dates[0] if dates else None,
                            "incidentDateTimeDescription": (f"ads posted {dates[0]} to {dates[-1]}" if dates
                                                            else "posting dates not shown in the ads")},
        "internetDetails": [{"webPageIncident": {"url": sorted({d["url"] for d in docs if d["url"]}),
                                                 "thirdPartyHostedContent": True,
                                                 "additionalInfo": "advertisement pages on sites the reporter "
                                                                   "does not run"}}],
        "reporter": {"reportingPerson": None, "contactPerson": None, "termsOfService": None},
        "personOrUserReported": {
            "personOrUserReportedPerson": {"phone": [{"phone": p} for p in c["phones"]],
                                           "email": [{"value": e} for e in c["emails"]]},
            "screenName": c["handles"][0] if len(c["handles"]) == 1 else None,
            "displayName": c["handles"], "thirdPartyUserReported": True,
            "estimatedLocation": ({"city": facts["places"][0]["city"], "region": facts["places"][0]["region"],
                                   "countryCode": facts["places"][0]["country"], "verified": False}
                                  if facts["places"] else None),
            "additionalInfo": "contact details as written in the ads; who uses them is not known"},
        "victim": [{"victimPerson": {"age": age}, "additionalInfo": f"age {age} as stated in ad {doc}"}
                   for age, doc in minors],
        "additionalInfo": _summary(bundle, facts),
        "x_adtrace": {"traffickingStatus": status, "documents": [d["id"] for d in docs]},
    }


def htcds(bundle: dict[str, Any], facts: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    """The HTCDS tables' fields (Case, Person, Person Victim Context, Historic Trafficking Events)."""
    apps = sorted({_HTCDS_APPS.get(p, "Other") for p in facts["platforms"]})
    case_status = {"open": "Active", "referred": "ClosedReferred", "closed": "Closed"}
    c = facts["contacts"]
    return {
        "case": {"cas_Status": case_status.get(bundle["case"]["status"], "Active"),
                 "cas_ReferringOrganisation": None, "cas_IncomingReferralDate": None},
        "person": {"prs_MobilePhone": c["phones"], "prs_Email": c["emails"], "prs_FirstName": None,
                   "prs_SecondName": None, "prs_Birthdate": None, "prs_Gender": None, "prs_Nationality": None,
                   "x_adtrace_role": "contact details written in the ads; whose they are is not known"},
        "victimContext": {"vic_RecruitmentWebsitesAndApps": [], "vic_ExploitationWebsitesAndApps": apps,
                          "vic_MethodOfRecruitment": [], "vic_MethodsOfControl": [],
                          "vic_TypeOfSexExploitation": [], "vic_TypeOfLabourExploitation": [],
                          "vic_AgreementToManagePersonalData": None,
                          "x_adtrace_statedAges": sorted({age for age, _ in facts["ages"]})},
        "historicTraffickingEvents": [
            {"hte_Type": None, "hte_City": p["city"], "hte_State": p["region"], "hte_Country": p["country"],
             "hte_Latitude": p["lat"], "hte_Longitude": p["lon"], "hte_Date": p["posted_at"],
             "hte_Description": f"place named in ad {p['doc_id']} (advertised, not a confirmed event)"}
            for p in facts["places"]],
        "x_adtrace": {"traffickingStatus": status, "summary": _summary(bundle, facts),
                      "documents": [d["id"] for d in bundle["documents"]]},
    }


def draft(store: Store, case: Case, kind: str, *, actor: str, redact: bool = True, status: str | None = None,
          set_by: str | None = None) -> dict[str, Any]:
    """A draft of `kind` (ncmec | htcds) for the case; masked unless `redact=False` (admins; audit it)."""
    if kind not in KINDS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown draft kind {kind!r}", field_name="kind",
                                   hint=f"Use one of: {', '.join(KINDS)}")
    state = check_status(status, set_by)
    bundle = exports.bundle(store, case, actor=actor, redact=redact)
    facts = _facts(store, bundle)
    body = ncmec(bundle, facts, state) if kind == "ncmec" else htcds(bundle, facts, state)
    shape = ("NCMEC CyberTipline report (possible child sex trafficking)" if kind == "ncmec"
             else "IOM Human Trafficking Case Data Standard (HTCDS)")
    return {"format": f"adtrace.draft.{kind}", "version": 1, "adtrace": __version__, "shape": shape,
            "draft": True, "sent": False, "notice": NOT_SENT, "hotline": bundle["hotline"],
            "hotline_entry": bundle["hotline_entry"], "redacted": redact,
            "generated_at": bundle["generated_at"], "generated_by": actor, "case": bundle["case"]["id"],
            "report": body}


def export(store: Store, case_id: int, kind: str, *, actor: str, redact: bool = True, status: str | None = None,
           set_by: str | None = None) -> tuple[dict[str, Any], int]:
    """The draft and its `export` audit entry (kind, redacted, status; never an identifier)."""
    from adtrace.cases import cases as cs

    case = cs.get(store, case_id)
    out = draft(store, case, kind, actor=actor, redact=redact, status=status, set_by=set_by)
    status_set = out["report"]["x_adtrace"]["traffickingStatus"]
    seq = audit.append(engine_of(store), actor, "export", f"case:{case_id}",
                       {"format": f"draft-{kind}", "kind": "draft", "redacted": redact,
                        "documents": len(out["report"]["x_adtrace"]["documents"]),
                        "status": status_set["value"], "status_set_by": status_set["set_by"]})
    return out, seq
