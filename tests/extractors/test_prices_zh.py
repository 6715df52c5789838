"""Rates written in Chinese (adtrace.extractors.prices_zh), read through find_prices as the pipeline does.
Synthetic phrasings of the common notation, not copied from any ad."""

import pytest

from adtrace.extractors.prices import find_prices


def _read(text: str) -> list[tuple[float, str | None, int | None]]:
    return [(amount, currency, minutes) for amount, currency, minutes, _ in find_prices(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("全身按摩 180元/小时", [(180, None, 60)]),
        ("一小时260元 欢迎预约", [(260, None, 60)]),
        ("半小时：90", [(90, None, 30)]),
        ("包夜900", [(900, None, 480)]),
        ("$70每小时", [(70, "USD", 60)]),
        ("80美金一个钟", [(80, "USD", 60)]),
        ("￥600过夜", [(600, "CNY", 480)]),
        ("45分钟 150块", [(150, None, 45)]),
        ("收费：350", [(350, None, None)]),
        ("２小时３２０元", [(320, None, 120)]),
        # a list written duration first: each duration leads its own amount
        ("1小时210 2小时390", [(210, None, 60), (390, None, 120)]),
        ("半小时110 一小时190", [(110, None, 30), (190, None, 60)]),
        # "$90" alone is read by the English rules; the Chinese duration after it is added
        ("新人 $90/半小时 $160/小时", [(90, "USD", 30), (160, "USD", 60)]),
    ],
)
def test_rates_written_in_chinese(text: str, want: list[tuple[float, str | None, int | None]]) -> None:
    assert _read(text) == want


@pytest.mark.parametrize("text", [
    "24小时营业 欢迎来电",   # opening hours, not a rate
    "今年21岁 身高163 体重48公斤",  # age, height, weight
    "电话 7025550147",
    "第一次来 22岁",         # "一次" is a rate word, but 22 is an age
    "地址 88号 3楼",
])
def test_numbers_that_are_not_rates(text: str) -> None:
    assert find_prices(text) == []


def test_a_rate_span_covers_amount_and_duration_only() -> None:
    text = "24小时 200元/小时"
    [(_, _, minutes, (start, end))] = find_prices(text)
    assert (minutes, text[start:end]) == (60, "200元/小时")
