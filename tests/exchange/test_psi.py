"""DH-PSI: the overlap is exact, and the transcript never carries an identifier in any recognisable form."""

from __future__ import annotations

import hashlib

import orjson
import pytest

from adtrace import errors
from adtrace.exchange import psi

A = ["phone:+1 (213) 473-0188", "email:Jane.Doe+x@gmail.com", "handle:instagram:@Sweet_Jane"] + \
    [f"phone:+1213473{i:04d}" for i in range(1000, 1040)]
B = ["phone:213.473.0188", "email:janedoe@gmail.com", "handle:twitter:sweet_jane"] + \
    [f"phone:+1213473{i:04d}" for i in range(1030, 1060)]


def test_overlap_is_exactly_the_shared_identifiers() -> None:
    request, state = psi.start(A)
    response = psi.respond(request, B)
    shared = psi.finish(state, response)
    expected = {psi.element(x) for x in A} & {psi.element(y) for y in B}
    assert set(shared) == expected
    assert len(shared) == 2 + 10  # phone and gmail (normalised alike); handles differ by platform
    assert "handle:instagram:sweet_jane" not in shared


def test_transcript_holds_no_identifier_in_the_clear_or_hashed() -> None:
    request, state = psi.start(A)
    response = psi.respond(request, B)
    transcript = orjson.dumps(request) + orjson.dumps(response)
    for item in {psi.element(x) for x in A} | {psi.element(y) for y in B}:
        value = item.split(":", 1)[1]
        forms = [item, value, value.lstrip("+"), hashlib.sha256(item.encode()).hexdigest(),
                 hashlib.sha256(value.encode()).hexdigest(), psi.hash_to_curve(item).hex()]
        for form in forms:
            assert form.encode() not in transcript, form
    # Blinding is fresh each run: the same set gives unlinkable requests.
    assert set(psi.start(A)[0]["items"]).isdisjoint(request["items"])
    # The state file (kept private) is the only place the initiator's identifiers live.
    assert set(state["order"]) == {psi.element(x) for x in A}


def test_mismatched_or_damaged_files_are_input_errors() -> None:
    request, state = psi.start(A[:5])
    other_request, _ = psi.start(A[:3])
    with pytest.raises(errors.InputError):
        psi.finish(state, psi.respond(other_request, B))
    with pytest.raises(errors.InputError):
        psi.respond({**request, "items": ["zz"]}, B)
    with pytest.raises(errors.InputError):
        psi.finish(request, state)  # files passed in the wrong order
