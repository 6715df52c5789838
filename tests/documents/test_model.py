import pytest

from adtrace import errors
from adtrace.documents import Document, document_id, schema


def test_minimal_document_gets_deterministic_id() -> None:
    a = Document.from_dict({"text": "hello", "source": "s"})
    b = Document.from_dict({"text": "hello", "source": "s"})
    c = Document.from_dict({"text": "hello!", "source": "s"})
    assert a.id == b.id != c.id
    assert a.kind == "ad"


def test_url_id_ignores_text_changes() -> None:
    a = Document.from_dict({"text": "v1", "source": "s", "url": "http://x.test/1"})
    b = Document.from_dict({"text": "v2", "source": "s", "url": "http://x.test/1"})
    assert a.id == b.id == document_id("s", "http://x.test/1", None, "anything")


def test_unknown_fields_kept_in_meta() -> None:
    d = Document.from_dict({"text": "t", "phone_field": "x", "meta": {"a": 1}})
    assert d.meta == {"a": 1, "phone_field": "x"}
    assert d.to_dict()["meta"]["phone_field"] == "x"


@pytest.mark.parametrize(
    ("obj", "code", "field"),
    [
        ({"title": "x"}, errors.MISSING_FIELD, "text"),
        ({"text": 5}, errors.BAD_FIELD, "text"),
        ({"text": "t", "kind": "poem"}, errors.BAD_FIELD, "kind"),
        ({"text": "t", "posted_at": "yesterday"}, errors.BAD_FIELD, "posted_at"),
        ({"text": "t", "images": "pic.png"}, errors.BAD_FIELD, "images"),
        ({"text": "t", "meta": [1]}, errors.BAD_FIELD, "meta"),
        ([1, 2], errors.BAD_FIELD, None),
    ],
)
def test_bad_documents_name_file_line_and_field(obj: object, code: str, field: str | None) -> None:
    with pytest.raises(errors.InputError) as info:
        Document.from_dict(obj, path="in.jsonl", line=7)
    err = info.value
    assert err.code == code
    assert "in.jsonl" in err.message and "line 7" in err.message
    if field:
        assert err.detail["field"] == field


def test_full_text_joins_title_and_body() -> None:
    d = Document.from_dict({"title": "T", "text": "body"})
    assert d.full_text == "T\nbody"


def test_schema_describes_every_model_field() -> None:
    props = set(schema()["properties"])
    assert props == set(Document.__slots__)  # type: ignore[attr-defined]
