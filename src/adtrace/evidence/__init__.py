"""Evidence that certifies itself: signed manifests (SHA-256 of every exported file or captured WARC
record, with its time and source URL) and their verification; legal holds live in `adtrace.cases.holds`.

US Federal Rule of Evidence 902(14) lets data authenticated by a hash certify itself; the manifest is
that hash, signed with the organisation's Ed25519 key (`adtrace.exchange.keys`).
"""

from adtrace.evidence.manifest import (
    Verdict,
    file_item,
    make,
    manifest_path,
    sign_if_keys,
    verify,
    warc_items,
    write_for,
)

__all__ = ["Verdict", "file_item", "make", "manifest_path", "sign_if_keys", "verify", "warc_items", "write_for"]
