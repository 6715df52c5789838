"""Rates written in Chinese: "200元/小时", "一小时200元", "半小时：120", "包夜800", "$60每小时", "价格：300".

The same Record field as adtrace.extractors.prices (amount, currency, per_minutes), for the notation of
Chinese-language classified and massage ads: a currency word after the amount, the hour as 小时/钟,
the rate before or after the amount.

Currency: 元, 块 and 块钱 name the unit of whatever currency the writer uses (overseas ads write "60元"
for sixty local dollars), so the currency stays null, as for "donations"; 美元, 美金, 刀 and "$" are USD;
人民币, RMB, "¥" and "￥" are CNY.
Minutes: 半小时 30, N小时 (N from 1 to 10) 60N, N分钟 N, 包夜/过夜/通宵 overnight (the caller's minutes for it:
adtrace.extractors.prices, which calls this and whose bounds it takes).
"24小时" is opening hours, never the time a rate buys, so counts over 10 hours are no duration.

Not read: amounts written in Chinese numerals ("两百"); amounts glued to other digits (phones); ages
("20岁"), heights and weights carry none of these words.
"""

from __future__ import annotations

import re

from adtrace.extractors.literals import present, register_gate

_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CURRENCY = {"元": None, "块": None, "块钱": None, "美元": "USD", "美金": "USD", "刀": "USD", "$": "USD",
             "人民币": "CNY", "rmb": "CNY", "¥": "CNY", "￥": "CNY"}

# Hours counted 1-10 only: "24小时" is opening hours, never the time a rate buys.
_DURATION = (r"(?P<every>(?:每|/)\s?个?(?:小时|钟头?))|(?P<half>半个?(?:小时|钟头?))"
             r"|(?<!\d)(?P<n>10|[1-9１-９]|[一两二三四五六七八九十])\s?个?(?:小时|钟头?)"
             r"|(?<!\d)(?P<mins>\d{2,3})\s?分钟|(?P<night>包夜|过夜|通宵)")
_AMOUNT = (r"(?P<pre>[$¥￥]|人民币|美金|美元)?\s?(?<![\d.])(?P<amt>\d{2,5})(?![\d.])(?!\s?(?:岁|歲|cm|公分|斤|公斤|kg|年|月|日|号|點|点|楼|位|个|次|米))"
           r"(?:\s?(?P<cur>块钱|元|块|美元|美金|刀|rmb))?")
# A rate word before an amount makes it a price with no currency or duration ("价格：300", "全套 400").
_RATE_WORD = r"(?P<word>价格|价钱|收费|费用|全套|半套|每次|一次)"
_SEP = r"\s?[/:：=\-]?\s?"

_PRICE = re.compile(
    rf"(?:(?:{_DURATION}){_SEP}|{_RATE_WORD}\s?[:：]?\s?)?{_AMOUNT}"
    rf"(?:{_SEP}(?:{_DURATION.replace('?P<', '?P<after_')}))?",
    re.I,
)

# Speed (exact): every match holds one of these (a currency, a duration or a rate word).
register_gate("prices.zh", ("元", "块", "美元", "美金", "刀", "$", "人民币", "rmb", "¥", "￥", "小时", "钟",
                            "分钟", "包夜", "过夜", "通宵", "价格", "价钱", "收费", "费用", "全套", "半套",
                            "每次", "一次"))
_HAN = re.compile(r"[\u4e00-\u9fff]")


def find_zh_prices(text: str, *, max_amount: int, overnight_minutes: int
                   ) -> list[tuple[float, str | None, int | None, tuple[int, int]]]:
    """(amount, currency, per_minutes, span) for each rate written the Chinese way, in source order."""
    if "prices.zh" not in present(text) or not _HAN.search(text):
        return []
    out: list[tuple[float, str | None, int | None, tuple[int, int]]] = []
    pos = 0
    while m := _PRICE.search(text, pos):
        before, after = _minutes(m, "", overnight_minutes), _minutes(m, "after_", overnight_minutes)
        # A rate written duration first takes no duration after it: that one leads the next rate
        # ("1小时200 2小时380"), so the scan goes on from the amount.
        end = (m.end("cur") if m["cur"] else m.end("amt")) if before is not None else m.end()
        pos = end
        minutes = before if before is not None else after
        currency_word = (m["cur"] or m["pre"] or "").lower()
        if not currency_word and minutes is None and not m["word"]:
            continue  # a bare number: a count, an age, a height
        amount = int(m["amt"])
        start = m.start() + len(m[0]) - len(m[0].lstrip())
        if 10 <= amount <= max_amount:
            out.append((amount, _CURRENCY.get(currency_word), minutes, (start, end)))
    return out


def _minutes(m: re.Match[str], side: str, overnight: int) -> int | None:
    if m[side + "half"]:
        return 30
    if m[side + "n"]:
        return 60 * (_COUNT.get(m[side + "n"]) or int(m[side + "n"]))  # int() reads "１" too
    if m[side + "mins"]:
        return int(m[side + "mins"])
    if m[side + "night"]:
        return overnight
    if m[side + "every"]:
        return 60
    return None

