"""Job postings of real length: company profile, description, requirements, benefits, how to apply.

Lengths come from `fitted` (emscad-dev.jsonl, genuine and fraudulent postings apart). A company's
profile paragraph is derived from its key, so all its postings share it, as on real boards.
Deceptive postings combine 2-4 typologies of fraudulent recruitment (ILO / Polaris indicators):
`fee_upfront`, `chat_only_interview`, `pay_above_market`, `vague_employer`, `documents_early`,
`work_abroad_arranged`; the truth lists them. Wording written for this project.
"""

from __future__ import annotations

import random

from adtrace.synth import fitted
from adtrace.synth import templates as T
from adtrace.synth.phones import _mix
from adtrace.synth.spans import Note, Part, ent, render, size, text, trap
from adtrace.synth.vocab import City

TYPOLOGIES = ("fee_upfront", "chat_only_interview", "pay_above_market", "vague_employer", "documents_early",
              "work_abroad_arranged")
_PREFIX = ("North", "Blue", "Summit", "Harbor", "Granite", "Maple", "Silver", "Pioneer", "Cedar", "Evergreen",
           "Bright", "Keystone", "Lakeside", "Redwood", "Union", "Prairie", "Coastal", "Metro", "Liberty", "Apex")
_CORE = ("wind", "Oak", "Point", "Stone", "Ridge", "field", "Bridge", "Valley", "Crest", "Way", "line", "Gate")
_KIND = ("Logistics", "Care", "Dental", "Foods", "Building Co", "Coffee", "Security", "Home Health",
         "Solutions", "Staffing", "Hospitality", "Manufacturing", "Retail Group", "Services")
_INDUSTRY = ("logistics", "healthcare", "hospitality", "retail", "food service", "construction", "security",
             "software", "manufacturing", "customer service")
_VERBS = ("Assist", "Support", "Coordinate", "Prepare", "Maintain", "Process", "Handle", "Monitor", "Organize",
          "Deliver", "Review", "Track", "Respond to", "Help with", "Keep up")
_OBJECTS = ("customer inquiries", "daily orders", "inventory records", "incoming shipments", "schedules",
            "cash handling", "safety checks", "front desk tasks", "patient records", "equipment checks",
            "team reports", "service requests", "product displays", "delivery routes", "quality checks")
_QUAL = ("in a timely manner", "with accuracy", "according to company policy", "as part of a small team",
         "during assigned shifts", "under supervision", "with a positive attitude", "across locations", "")
_REQ = ("{n}+ years of experience in {ind}", "High school diploma or equivalent", "Valid driver's license",
        "Strong communication skills", "Able to work weekends and holidays", "Basic computer skills",
        "Reliable transportation", "Customer service experience preferred", "Able to stand for long periods",
        "Bilingual English/Spanish a plus", "Attention to detail", "Team player with a positive attitude")
_BEN = ("Health, dental and vision insurance", "401(k) with company match", "Paid time off and holidays",
        "Employee discount", "Paid training", "Tuition assistance", "Flexible scheduling", "Weekly pay",
        "Referral bonus", "Life insurance", "Career growth opportunities", "Uniforms provided")
_ABROAD = (("Dubai", "AE"), ("Doha", "QA"), ("Kuala Lumpur", "MY"), ("Tokyo", "JP"), ("Istanbul", "TR"),
           ("Warsaw", "PL"), ("Macau", "MO"), ("Cyprus", "CY"))
_APPS = ("WhatsApp", "Telegram", "Signal", "WeChat")


def company(key: int) -> tuple[str, str]:
    """(name, industry) of the company with this key."""
    h = _mix(key)
    return (f"{_PREFIX[h % 20]}{_CORE[(h >> 8) % 12]} {_KIND[(h >> 16) % 14]}",
            _INDUSTRY[(h >> 24) % len(_INDUSTRY)])


def _sentence(h: int) -> str:
    return " ".join(w for w in (_VERBS[h % 15], _OBJECTS[(h >> 8) % 15], _QUAL[(h >> 16) % 9]) if w) + "."


def compose_job(rng: random.Random, *, deceptive: bool, key: int, city: City, role: str, phone: Part,
                phone_plain: str) -> tuple[str, str, list[Note], list[str]]:
    """(title, text, notes, typologies) of one job posting of fitted length."""
    r = rng.random
    table = fitted.JOB_LENGTH_FRAUD if deceptive else fitted.JOB_LENGTH_GENUINE
    total = fitted.draw(table, r())
    # Short postings have room for two typologies; longer ones combine up to four.
    kinds = sorted(rng.sample(TYPOLOGIES, 2 + (int(r() * 3) if total > 900 else 0))) if deceptive else []
    name, industry = company(key)
    vague = "vague_employer" in kinds
    notes: list[Note] = []
    place = ent("place", city.name, city.name, country=city.country)
    wage = 15 + int(r() * 15)
    if "pay_above_market" in kinds:
        wage = 45 + int(r() * 40)
    title_fmt = T.TITLES["job_deceptive" if deceptive else "job_legit"]["en"]
    title = render([[(role, None), (" - ", None), place] if r() < 0.6 else
                    text(title_fmt[int(r() * len(title_fmt))].replace("{e}", "✨").replace("{wage}", str(wage))
                         .replace("{role}", role))], "", "title", notes)
    h = _mix(key ^ 0xC0)
    parts: list[Part] = []
    if vague:
        parts.append(text("Our client is hiring now." if total < 900 else
                          "Our client, a leading international company, is expanding and needs staff now."))
    else:
        year = str(1950 + h % 70)
        parts.append([(f"{name} is a {industry} company founded in ", None), trap("date", year, year),
                      (" and based in ", None), place, (f". We employ {50 + (h >> 8) % 900} people at "
                                                         f"{2 + (h >> 20) % 30} locations.", None)])
    parts.append(text(f"Hiring: {role}." if total < 900 else
                      f"We are hiring a {role}." + (" Full time and part time positions." if r() < 0.5 else "")))
    money = ent("price", str(wage), wage, currency="USD", unit="hour")
    parts.append([("Pay: $", None), money, ("/hr" + (", no experience needed" if deceptive else ""), None)])
    for kind in kinds:
        parts.append(_typology(rng, kind, city))
    if deceptive and r() < 0.4 and total > 900:  # the trafficking-style lures of the compact profile, one or two lines
        lure = T.BODIES["job_deceptive"]["en"][int(r() * 3)].split("\n")[1]
        parts.append(text(lure.replace("{e}", "").replace("{wage}", str(wage))))
    contact: Part = [(("Apply: ", "Call ", "Questions? ", "Contact ")[int(r() * 4)], None), *phone] if phone_plain \
        else text(f"Apply online: https://jobfinder-board.test/apply/{key % 10**8}")
    benefits = [text("Benefits:"), *[text("- " + _BEN[(h >> (3 * k)) % 12]) for k in range(2 + h % 4)]]
    tail = [contact]
    if r() < 0.3:
        tail.insert(0, [("Must be at least ", None), trap("age_rule", "18", 18), (" years old.", None)])
    if r() < 0.2:
        lbs = 40 + int(r() * 4) * 5
        tail.insert(0, [("Able to lift ", None), trap("weight", f"{lbs} lbs", lbs), (".", None)])
    # Short postings (a third of the fraudulent ones are under ~900 characters) drop what is optional.
    left = total - len(title) - 1 - sum(size(p) + 1 for p in parts + tail)
    if left > sum(size(p) + 1 for p in benefits) + 150:
        tail = benefits + tail
    elif left < 0 and len(parts) > 3 and not vague:
        del parts[0]  # the company paragraph (many short fraudulent postings have none)
    reqs = [text("Requirements:")]
    room = total - len(title) - 1 - sum(size(p) + 1 for p in parts + tail)
    k = 0
    while room > 0 and k < 200:
        k += 1
        s = ("- " + _REQ[(h >> k % 40) % 12].format(n=1 + k % 5, ind=industry)) if k % 4 == 0 else \
            _sentence(_mix(h + k))
        (reqs if k % 4 == 0 else parts).append(text(s))
        room -= len(s) + 1
    return title, render(parts + reqs + tail, "\n", "text", notes), notes, kinds


def _typology(rng: random.Random, kind: str, city: City) -> Part:
    r = rng.random
    if kind == "fee_upfront":
        fee = 50 + 25 * int(r() * 10)
        return [("A one-time registration fee of $", None), ent("price", str(fee), fee, currency="USD"),
                (" is required before your training starts.", None)]
    if kind == "chat_only_interview":
        app = _APPS[int(r() * 4)]
        return text(f"Interviews are held by {app} chat only. Add the hiring manager on {app} to start today.")
    if kind == "pay_above_market":
        week = 2000 + 250 * int(r() * 12)
        return [("Earn up to $", None), ent("price", f"{week:,}", week, currency="USD", unit="week"),
                (" weekly from home, no experience required.", None)]
    if kind == "vague_employer":
        return text("Company details will be shared after you are selected.")
    if kind == "documents_early":
        return text("Send a copy of your passport or ID and your bank account details with your application "
                    "so we can set up payroll.")
    abroad, country = _ABROAD[int(r() * len(_ABROAD))]
    return [("Work in ", None), ent("place", abroad, abroad, country=country),
            (": flight tickets, visa and accommodation are arranged by the company, repaid from your salary.",
             None)]
