"""E-mail and payment contacts of some workers, drawn from a hash of the worker.

Drawn from a hash of the worker, not from the generator's stream, so adding them changed no other
draw: every other document stayed the same. Like her phone, a worker writes the same ones in every
ad (whatever name or language the ad uses), so they link her ads only.
"""

from __future__ import annotations

from typing import Any

from adtrace.synth.spans import Part, ent
from adtrace.synth.vocab import NAMES_EN

EMAIL_RATE = 0.08
PAYMENT_RATE = 0.08
_PROVIDERS = ("gmail", "yahoo", "outlook", "hotmail")
# (text before, the entity as written); the entity's value is always the plain lower-case address.
_EMAIL_FORMS = (("", "{h}@{p}.com"), ("email: ", "{h}@{p}.com"), ("", "{h} at {p} dot com"),
                ("", "{h} [at] {p} [dot] com"))
# (platform, before, entity as written, after, value)
_PAYMENT_FORMS = (("cashapp", "Cash App ", "${h}", "", "${h}"), ("cashapp", "deposit on cashapp ", "${h}", " first", "${h}"),
                  ("venmo", "Venmo ", "@{h}", "", "{h}"))


def contacts(w: int) -> tuple[list[Part], list[str], list[dict[str, str]]]:
    """From the worker's hash `w`: her contact lines (as parts with entities), e-mails and payments."""
    alias = NAMES_EN[(w >> 20) % len(NAMES_EN)]
    handle = "".join(c for c in alias.lower() if c.isascii() and c.isalnum()) + str(1000 + (w >> 40) % 9000)
    lines: list[Part] = []
    emails: list[str] = []
    payments: list[dict[str, str]] = []
    if (w & 0xFFFF) / 65536 < EMAIL_RATE:
        provider = _PROVIDERS[(w >> 32) % len(_PROVIDERS)]
        before, form = _EMAIL_FORMS[(w >> 34) % len(_EMAIL_FORMS)]
        address = f"{handle}@{provider}.com"
        lines.append([(before, None), ent("email", form.format(h=handle, p=provider), address)])
        emails = [address]
    if ((w >> 16) & 0xFFFF) / 65536 < PAYMENT_RATE:
        platform, before, form, after, value = _PAYMENT_FORMS[(w >> 36) % len(_PAYMENT_FORMS)]
        pay = {"platform": platform, "value": value.format(h=handle)}
        lines.append([(before, None), ent("payment", form.format(h=handle), pay), (after, None)])
        payments = [pay]
    return lines, emails, payments


def plain(lines: list[Part]) -> str:
    return "\n".join("".join(s for s, _ in part) for part in lines)


def apply_compact(w: int, doc: dict[str, Any], truth: dict[str, Any]) -> None:
    """The compact profile's way: contact lines appended to the text, truth lists filled."""
    lines, emails, payments = contacts(w)
    if emails:
        truth["emails"] = emails
    if payments:
        truth["payments"] = payments
    if lines:
        doc["text"] += "\n" + plain(lines)
