"""Reader errors in the reader's language (issue 21): a bad line still names its file, line and code."""

from __future__ import annotations

from pathlib import Path

import pytest

from adtrace import errors, i18n
from adtrace.sources import Options, read_paths
from adtrace.sources.base import ReadError


def test_located_reader_errors_are_translated(tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    src.write_bytes(b'{"text": "ok"}\n{oops\n')
    for lang, words in (("en", "broken JSON"), ("es", "JSON roto"), ("zh_Hans", "JSON 损坏")):
        with i18n.use(lang):
            [bad] = [i for i in read_paths([str(src)]) if isinstance(i, ReadError)]
            assert bad.error.code == errors.BAD_JSON and bad.line == 2
            assert words in bad.error.message and str(src) in bad.error.message
    with i18n.use("es"), pytest.raises(errors.InputError) as e:
        list(read_paths([str(tmp_path / "missing.csv")]))
    assert e.value.code == errors.FILE_NOT_FOUND and "no existe el archivo" in e.value.message
    assert "entrada estándar" in e.value.message  # the hint too


def test_social_and_whole_file_errors_name_their_place_in_the_readers_language(tmp_path: Path) -> None:
    """Was: a Reddit dump's bad line, an X export's bad tweet and a cut export said "line 2", "item 2: a tweet
    needs..." and "broken JSON (...)" in English whatever the language."""
    reddit = tmp_path / "dump.jsonl"
    reddit.write_bytes(b'{"id": "r1", "selftext": "new in town"}\n{"selftext": "no id"}\n')
    tweets = tmp_path / "tweets.json"
    tweets.write_bytes(b'{"data": [{"id": "1", "text": "hi"}, {"id": "2"}]}')
    cut = tmp_path / "cut.json"
    cut.write_bytes(b'{"data": [\n{"id": "1", "text": "hi"},\n{"id": "2", "te')
    with i18n.use("es"):
        [bad] = [i for i in read_paths([str(reddit)], Options(format="reddit")) if isinstance(i, ReadError)]
        assert bad.error.message.startswith(f"{reddit}, línea 2, campo 'id': un elemento de Reddit necesita 'id'")
        [bad] = [i for i in read_paths([str(tweets)], Options(format="twitter")) if isinstance(i, ReadError)]
        assert bad.error.message.startswith(f"{tweets}, campo 'text': elemento 2: un tuit necesita 'id' y 'text'")
        with pytest.raises(errors.InputError) as e:
            list(read_paths([str(cut)], Options(format="twitter")))
    assert e.value.message.startswith(f"{cut}, línea 3: JSON roto en la columna ")
    assert e.value.message.endswith("Compruebe que el archivo sea una exportación completa")
    with i18n.use("zh_Hans"):
        [bad] = [i for i in read_paths([str(tweets)], Options(format="twitter")) if isinstance(i, ReadError)]
    assert bad.error.message.startswith(f"{tweets}，字段 'text'：第 2 项：推文需要 'id' 和 'text'。"), bad.error.message
