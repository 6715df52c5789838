"""Exchange files survive corruption: bundles, public-key files, HMA banks, tip hand-offs, evidence manifests.

As tests/sources/test_corrupt_files.py for ingest: each property starts from a valid file, damages it at
random (bytes, or fields of the decoded JSON; a damaged bundle or hand-off is also re-signed by the
trusted issuer, so the checks after the signature see it too) and runs it through the function the CLI
command calls. The command succeeds or raises an `adtrace.errors` error with a catalogued code; the
documents stored before are unchanged and `PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import errors
from adtrace.exchange import bundles as b
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.signals import consortium_key_id, keyed_hash, normalise
from adtrace.pipeline import Pipeline
from adtrace.storage import init_db, open_store
from adtrace.storage.prepare import prepare
from tests.exchange.conftest import CONSORTIUM, PDQ_A, docs
from tests.sources.test_corrupt_files import byte_damage, json_damage, scratch, snapshot

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CID = consortium_key_id(CONSORTIUM)


@cache
def _template() -> Path:
    """A store with the conftest's ads, and a partner's keys it trusts; built once, copied per example."""
    root = Path(tempfile.mkdtemp(prefix="adtrace-xcorrupt-"))
    db = root / "x.db"
    init_db(str(db))
    pipe = Pipeline()
    with open_store(str(db)) as store:
        store.put_batch([prepare(d, pipe.process(d)) for d in docs()])
        xk.generate("platform-b", root / "keys")
        xk.set_consortium_key(CONSORTIUM, root / "keys")
        xs.trust(store.engine, xk.load(root / "keys").public_info(), "test")  # type: ignore[attr-defined]
    return root


def _snapshot(db: Path) -> list[tuple[Any, ...]]:
    return snapshot(db, "")


def _scratch() -> AbstractContextManager[Path]:
    return scratch(_template() / "x.db")


def check(data: bytes, name: str, run: Callable[[Any, Path], Any]) -> None:
    """Write `data` as `name`, call `run(engine, path)`; only catalogued errors, nothing stored lost."""
    with _scratch() as root:
        db = root / "x.db"
        before = _snapshot(db)
        path = root / name
        path.write_bytes(data)
        with open_store(str(db)) as store:
            try:
                run(store.engine, path)  # type: ignore[attr-defined]
            except errors.AdtraceError as exc:
                assert exc.code in errors.CATALOGUE and exc.message, exc
        assert _snapshot(db) == before


def read_json(path: Path) -> Any:
    from adtrace.cli.exchange import _read_json

    return _read_json(str(path))


def partner() -> xk.OrgKeys:
    return xk.load(_template() / "keys")


def bundle() -> dict[str, Any]:
    phone = keyed_hash(CONSORTIUM, "phone", normalise("phone", "+12134730188"))
    return b.make_signals([b.Signal("phone", phone, "indicators_present", 0.9, "2024-01-01", "2024-02-01",
                                    "seen twice", "positive"),
                           b.Signal("pdq", PDQ_A, "indicators_present", 0.5)], partner(), CID)


def resign(body: Any) -> Any:
    """`body` signed again by the trusted partner, when it still has the fields a signature needs."""
    if isinstance(body, dict):
        body.pop("signature", None)
        body["signature"] = base64.b64encode(partner().private().sign(b.canonical(body))).decode()
    return body


def import_and_match(engine: Any, path: Path) -> None:
    """What `adtrace exchange import` does."""
    report = xs.import_bundle(engine, read_json(path), CID)
    if not report.already_imported:
        xm.match_store(engine, CONSORTIUM, full=True)


@FAST
@given(st.data())
def test_bundle_bytes(data: st.DataObject) -> None:
    raw = orjson.dumps(bundle(), option=orjson.OPT_INDENT_2)
    check(data.draw(byte_damage(raw)), "bundle.json", import_and_match)


@FAST
@given(st.data())
def test_bundle_fields_signed_by_a_trusted_issuer(data: st.DataObject) -> None:
    body = resign(data.draw(json_damage(bundle())))
    check(orjson.dumps(body), "bundle.json", import_and_match)


@FAST
@given(st.data())
def test_public_key_file(data: st.DataObject) -> None:
    info = partner().public_info()
    raw = orjson.dumps(data.draw(json_damage(info))) if data.draw(st.booleans()) else \
        data.draw(byte_damage(orjson.dumps(info)))
    check(raw, "public.json", lambda engine, path: xs.trust(engine, read_json(path), "test"))


def _bank() -> bytes:
    return ("pdq " + PDQ_A + "\n" + "pdq " + "a5" * 32 + "\nraw_text new in town\nraw_text weekend only\n").encode()


@FAST
@given(st.data())
def test_hma_bank(data: st.DataObject) -> None:
    from adtrace.exchange import hma

    check(data.draw(byte_damage(_bank())), "bank.txt",
          lambda engine, path: hma.import_bank(engine, path, watchlist="w", owner="test"))


def handoff() -> dict[str, Any]:
    from adtrace.tips import handoff as th

    body = {"format": th.FORMAT, "version": th.VERSION, "issuer": "platform-b", "key_id": partner().current,
            "created_at": "2024-05-01T10:00:00+00:00", "to": "ngo-a",
            "tip": {"ref": "T-1", "text": "a tip about 213-473-0188", "country": "US", "about": "ad", "lang": "en",
                    "indicators": ["third_party_control"]},
            "signals": bundle()}
    return resign(body)


@FAST
@given(st.data())
def test_tip_handoff(data: st.DataObject) -> None:
    from adtrace.tips import handoff as th

    body = data.draw(json_damage(handoff()))
    if isinstance(body, dict) and isinstance(body.get("signals"), dict) and data.draw(st.booleans()):
        resign(body["signals"])
    raw = orjson.dumps(resign(body)) if data.draw(st.booleans()) else data.draw(byte_damage(orjson.dumps(handoff())))
    check(raw, "handoff.json", lambda engine, path: th.receive(engine, read_json(path), "test", CONSORTIUM))


@FAST
@given(st.data())
def test_evidence_manifest(data: st.DataObject) -> None:
    from adtrace import evidence

    with tempfile.TemporaryDirectory(prefix="adtrace-xcorrupt-") as tmp:
        root = Path(tmp)
        (root / "case.csv").write_bytes(b"id,text\n1,hello\n")
        ring = partner()
        manifest = evidence.write_for(root / "case.csv", [evidence.file_item(root / "case.csv")], ring,
                                      created_by="test")
        raw = manifest.read_bytes()
        if data.draw(st.booleans()):
            manifest.write_bytes(data.draw(byte_damage(raw)))
        else:
            manifest.write_bytes(orjson.dumps(data.draw(json_damage(orjson.loads(raw)))))
        try:
            verdict = evidence.verify(root / "case.csv", {ring.current: ring.public(ring.current).public_bytes_raw().hex()})
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE, exc
        else:
            assert verdict.ok == (not verdict.problems)


# ---- private set intersection: the request, response, state and identifiers files ------------------

PSI_IDS = ["phone:+1 213 473 0188", "email:bike.seller@example.org", "handle:instagram:sweet_jane"]


def _psi_run(step: str, raw: bytes) -> None:
    """`adtrace exchange psi start|respond|finish` with one of its files replaced by `raw`."""
    from adtrace.exchange import psi

    with tempfile.TemporaryDirectory(prefix="adtrace-psi-") as tmp:
        path = Path(tmp) / "file"
        path.write_bytes(raw)
        request, state = psi.start(PSI_IDS)
        try:
            if step == "identifiers":
                psi.start(psi.read_identifiers(str(path)), str(path))
            elif step == "request":
                psi.respond(read_json(path), PSI_IDS)
            else:
                response = psi.respond(request, PSI_IDS[1:])
                psi.finish(read_json(path), response) if step == "state" else psi.finish(state, read_json(path))
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE, exc


@FAST
@given(st.data(), st.sampled_from(["identifiers", "request", "state", "response"]))
def test_psi_files(data: st.DataObject, step: str) -> None:
    from adtrace.exchange import psi

    request, state = psi.start(PSI_IDS)
    good = {"identifiers": "\n".join(PSI_IDS).encode(), "request": orjson.dumps(request),
            "state": orjson.dumps(state), "response": orjson.dumps(psi.respond(request, PSI_IDS[1:]))}[step]
    if step != "identifiers" and data.draw(st.booleans()):
        _psi_run(step, orjson.dumps(data.draw(json_damage(orjson.loads(good)))))
    else:
        _psi_run(step, data.draw(byte_damage(good)))


def test_psi_files_missing_their_lists_or_not_utf8(tmp_path: Path) -> None:
    """Was: KeyError for a state without 'order' or 'secret', a response without 'double', a request
    without 'items'; ValueError for a secret that is not hex; UnicodeDecodeError/FileNotFoundError for
    the identifiers file. Now BAD_FIELD naming the field, and the identifiers file named."""
    from adtrace.exchange import psi

    request, state = psi.start(PSI_IDS)
    response = psi.respond(request, PSI_IDS[1:])
    for call in (lambda: psi.respond({k: v for k, v in request.items() if k != "items"}, PSI_IDS),
                 lambda: psi.finish({k: v for k, v in state.items() if k != "order"}, response),
                 lambda: psi.finish({k: v for k, v in state.items() if k != "secret"}, response),
                 lambda: psi.finish({**state, "secret": "zz"}, response),
                 lambda: psi.finish({**state, "order": [1, 2, 3]}, response),
                 lambda: psi.finish(state, {k: v for k, v in response.items() if k != "double"})):
        try:
            call()
        except errors.InputError as exc:
            assert exc.code == errors.BAD_FIELD and exc.detail.get("field"), exc
        else:
            raise AssertionError("a damaged PSI file was used")
    (tmp_path / "ids.txt").write_bytes(b"phone:+1 213 473 0188\nemail:caf\xe9@example.org\n")
    for name, code in (("ids.txt", errors.BAD_UTF8), ("missing.txt", errors.FILE_NOT_FOUND)):
        try:
            psi.read_identifiers(str(tmp_path / name))
        except errors.InputError as exc:
            assert exc.code == code and str(tmp_path / name) in exc.message
        else:
            raise AssertionError(name)
    (tmp_path / "ids.txt").write_text("phone:+1 213 473 0188\nphone:not a number\n")
    try:
        psi.start(psi.read_identifiers(str(tmp_path / "ids.txt")), str(tmp_path / "ids.txt"))
    except errors.InputError as exc:
        assert exc.detail["line"] == 2 and f"{tmp_path / 'ids.txt'}, line 2" in exc.message
    else:
        raise AssertionError("a bad identifier was used")


# ---- the key files an admin keeps (org.json, consortium.key) ----------------------------------------

@FAST
@given(st.data(), st.sampled_from(["org.json", "consortium.key"]))
def test_key_files(data: st.DataObject, name: str) -> None:
    with tempfile.TemporaryDirectory(prefix="adtrace-keys-") as tmp:
        keys = Path(tmp) / "keys"
        shutil.copytree(_template() / "keys", keys)
        raw = (keys / name).read_bytes()
        if name == "org.json" and data.draw(st.booleans()):
            (keys / name).write_bytes(orjson.dumps(data.draw(json_damage(orjson.loads(raw)))))
        else:
            (keys / name).write_bytes(data.draw(byte_damage(raw)))
        try:
            ring = xk.load(keys)
            b.make_signals([b.Signal("pdq", PDQ_A)], ring, consortium_key_id(xk.consortium_key(keys)))
            ring.public_info()
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE, exc


def test_damaged_key_files_are_named(tmp_path: Path) -> None:
    """Was: json.JSONDecodeError, KeyError or ValueError (fromhex) as tracebacks from every exchange
    command. Now a configuration error (exit 3) naming the file."""
    ring = orjson.loads((_template() / "keys" / "org.json").read_bytes())
    surrogate = orjson.dumps(ring).replace(b'"org":"', b'"org":"\xed\xa0\x80', 1)  # hypothesis found it: was
    # TypeError (surrogates not allowed) when the first bundle was signed, json.loads let it through
    for name, data in (("org.json", b'{"org": "x"'), ("org.json", b'{"org": "x", "current": "k", "keys": [1]}'),
                       ("org.json", surrogate),
                       ("consortium.key", b"not hex\n"), ("consortium.key", b"\xff" * 64)):
        keys = tmp_path / f"keys-{name}-{len(data)}"
        shutil.copytree(_template() / "keys", keys)
        (keys / name).write_bytes(data)
        try:
            xk.load(keys) if name == "org.json" else xk.consortium_key(keys)
        except errors.ConfigError as exc:
            assert exc.code == errors.CONFIG and str(keys / name) in exc.message
        else:
            raise AssertionError(f"{name} damaged, yet read")


def test_the_cli_names_the_file_whose_content_is_wrong(tmp_path: Path) -> None:
    """Was: "field 'signals[0]': hash must be 64 lower-case hex digits" with no file named (the checks see
    only the decoded JSON). Now `adtrace exchange import|trust` and `tips import` name the file."""
    from typer.testing import CliRunner

    from adtrace.cli.main import _register, app

    _register()
    shutil.copy(_template() / "x.db", tmp_path / "x.db")
    bad = bundle()
    bad["signals"][0]["hash"] = "zz"
    cases = (("bundle.json", bad, ["exchange", "import"]), ("public.json", {"org": "x", "keys": [{"public": "zz"}]},
                                                           ["exchange", "trust"]),
             ("handoff.json", {**handoff(), "tip": {"ref": 1}}, ["tips", "import"]))
    for name, body, command in cases:
        (tmp_path / name).write_bytes(orjson.dumps(body))
        args = [*command, str(tmp_path / name), "--db", str(tmp_path / "x.db")]
        if command[-1] != "trust":
            args += ["--keys", str(_template() / "keys")]
        result = CliRunner().invoke(app, args)
        assert isinstance(result.exception, errors.InputError), (name, result.output, result.exception)
        assert result.exception.message.startswith(f"{tmp_path / name}: "), result.exception


# ---- signed audit checkpoints (`adtrace audit verify --checkpoints FILE`) ---------------------------

@FAST
@given(st.data())
def test_audit_checkpoints_file(data: st.DataObject) -> None:
    from adtrace.app import checkpoints as cps

    keys = _template() / "keys"

    def run(engine: Any, path: Path) -> None:
        cps.check(engine, cps.read_file(path), keys)

    with _scratch() as root, open_store(str(root / "x.db")) as store:
        good = root / "good.jsonl"
        for _ in range(2):
            cps.write(cps.make(store.engine, keys), good)  # type: ignore[attr-defined]
        raw = good.read_bytes()
    if data.draw(st.booleans()):
        lines = [orjson.loads(line) for line in raw.splitlines()]
        raw = b"\n".join(orjson.dumps(x) for x in data.draw(json_damage(lines)))
    else:
        raw = data.draw(byte_damage(raw))
    check(raw, "checkpoints.jsonl", run)
