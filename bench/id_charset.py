"""How many ids in the real dev files pass the document-id rule (adtrace.documents.valid_id).

Prints counts only (no id, no text):

    .venv/bin/python bench/id_charset.py [FILE.jsonl ...]   # default: the three dev files under ../shared
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import orjson

from adtrace.documents import valid_id

DEFAULT = ("../shared/holdout/dev.jsonl", "../shared/realdata/backpage-dev.jsonl",
           "../shared/realdata/emscad-dev.jsonl")


def main(paths: list[str]) -> None:
    out = {}
    for p in paths or DEFAULT:
        n = with_id = ok = 0
        with Path(p).open("rb") as fh:
            for line in fh:
                if not line.strip():
                    continue
                n += 1
                raw = orjson.loads(line).get("id")
                if raw is None or raw == "":
                    continue
                with_id += 1
                ok += valid_id(str(raw))
        out[Path(p).name] = {"documents": n, "with_id": with_id, "valid_id": ok, "refused": with_id - ok}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
