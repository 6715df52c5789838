"""Cases: items (documents, clusters by any member's id, normalised entities), notes, status, document sets."""

from __future__ import annotations

import pytest

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.storage import Store
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)


def test_case_collects_items_notes_and_status(linked: Store) -> None:  # noqa: F811
    cid, members = biggest_cluster(linked)
    case = cs.create(linked, "  Florida circuit  ", "alice", assignee="bob")
    assert (case.title, case.status, case.assignee, case.created_by) == ("Florida circuit", "open", "bob", "alice")
    # A member's id names its cluster; the case stores the cluster's own id.
    case = cs.add_item(linked, case.id, "cluster", members[-1], "alice", note="from a high-risk ad")
    assert case.refs("cluster") == [cid]
    case = cs.add_item(linked, case.id, "cluster", cid, "carol", note="again")
    assert len(case.items) == 1 and case.items[0].note == "from a high-risk ad"  # first entry kept
    case = cs.add_item(linked, case.id, "entity", "phone:(702) 555-0100", "alice")
    assert "phone:+17025550100" in case.refs("entity")
    case = cs.add_note(linked, case.id, "alice", "called the hotline")
    assert [n.text for n in case.notes] == ["called the hotline"]
    case = cs.update(linked, case.id, status="referred", assignee="")
    assert (case.status, case.assignee) == ("referred", None)
    assert cs.document_ids(linked, case) == members
    assert [c["id"] for c in cs.list_cases(linked, "referred")] == [case.id]
    assert cs.list_cases(linked, "open") == []
    case = cs.remove_item(linked, case.id, "cluster", cid)
    assert cs.document_ids(linked, case) == []


def test_entity_items_bring_their_documents(linked: Store) -> None:  # noqa: F811
    doc_id = next(d for d in linked.iter_ids() if (linked.get_record(d) or {}).get("phones"))
    phone = linked.get_record(doc_id)["phones"][0]["value"]  # type: ignore[index]
    case = cs.create(linked, "phone", "a")
    case = cs.add_item(linked, case.id, "entity", f"phone:{phone}", "a")
    assert doc_id in cs.document_ids(linked, case)
    assert set(cs.document_ids(linked, case)) == set(linked.lookup("phone", phone))


@pytest.mark.parametrize(("kind", "ref", "code"), [
    ("document", "no-such-doc", errors.NOT_FOUND), ("cluster", "no-such-cluster", errors.NOT_FOUND), ("thing", "x", errors.BAD_FIELD),
    ("entity", "fax:123", errors.BAD_FIELD)])
def test_bad_items_are_refused(linked: Store, kind: str, ref: str, code: str) -> None:  # noqa: F811
    case = cs.create(linked, "t", "a")
    with pytest.raises(errors.InputError) as e:
        cs.add_item(linked, case.id, kind, ref, "a")
    assert e.value.code == code


def test_unknown_case_status_and_title(linked: Store) -> None:  # noqa: F811
    with pytest.raises(errors.InputError):
        cs.create(linked, "   ", "a")
    case = cs.create(linked, "t", "a")
    with pytest.raises(errors.InputError):
        cs.update(linked, case.id, status="solved")
    with pytest.raises(errors.InputError) as e:
        cs.get(linked, 999)
    assert e.value.http_status == 404
    with pytest.raises(errors.InputError):
        cs.add_note(linked, case.id, "a", "  ")
