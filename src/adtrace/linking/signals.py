"""What links two documents: the registry of linking signals.

A signal is one module holding one `Signal`: its name (what `--signals` chooses), the key prefixes it
owns and the kind each names on an edge, how a document's keys are made, when a key is a hub, and how
an edge reads to an analyst. Built-ins (`keys`, `images`, `templates`) register exactly as a plugin
does, through the `adtrace.linking_signals` entry point group (pyproject.toml); a second signal with a
name or prefix already taken is refused (AT170).

    # my_signal.py                                   # pyproject.toml of the plugin
    from adtrace.linking.signals import Signal        # [project.entry-points."adtrace.linking_signals"]
    def wallets(record, text):                        # wallets = "my_signal:SIGNAL"
        return [f"btc:{w}" for w in find_wallets(text)]
    SIGNAL = Signal("wallets", {"btc": "bitcoin wallet"}, keys=wallets)

Every key is `prefix:value`; two documents holding one key are joined unless the key is a hub. A
signal with `keys` needs nothing else: its keys are stored, counted and explained like a phone's.
The photo and template signals instead match each document against earlier *founders* (an index
the linker keeps in tables), so their keys (`img:N`, `tpl:N`) are assigned by the linker and carry a
per-document detail (PDQ distance, wording overlap).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from adtrace import errors

if TYPE_CHECKING:
    from adtrace.linking.linker import HubPolicy

GROUP = "adtrace.linking_signals"
BUILTINS = ("adtrace.linking.keys:SIGNAL", "adtrace.linking.images:SIGNAL", "adtrace.linking.templates:SIGNAL")

KeyMaker = Callable[[Mapping[str, Any], str], Iterable[str]]  # (Record, document text) -> keys
HubRule = Callable[["HubPolicy", int, int, int], bool]  # (policy, documents, distinct witnesses, corpus size)


def common_and_diverse(policy: HubPolicy, docs: int, seen: int, n_docs: int) -> bool:
    """An identifier is a hub when common and held next to many other identifiers: a directory
    number sits beside another phone and account in almost every ad, a busy operator's beside the
    same few (HubPolicy)."""
    if docs < policy.threshold(n_docs):
        return False
    return seen >= min(math.ceil(policy.diversity * docs), policy.cap)


def plain(kind: str, detail: int | None) -> str:
    return kind


@dataclass(frozen=True, eq=False)  # one object per signal: compared and hashed by identity
class Signal:
    """One way two documents can be linked. Only `name`, `kinds` and `keys` are needed for a new one."""

    name: str
    kinds: Mapping[str, str]  # key prefix -> the kind an edge names ("tpl" -> "template")
    keys: KeyMaker | None = None  # None: keys assigned by a founder index (built-in photos, templates)
    hub: HubRule = common_and_diverse
    # Rank of one shared key as evidence, 0-1 (an ordering stated by docs/linking.md, not a measured
    # probability): a shared identifier outranks a near-identical photo, which outranks shared wording.
    weight: float = 1.0
    explain: Callable[[str, int | None], str] = plain  # (kind, a member's detail) -> the edge's reason in words
    detail: str | None = None  # the edge field listing each member's detail (founder-indexed signals)
    detail_default: int = 0  # the detail of the founder itself

    @property
    def founded(self) -> bool:
        """Keys name a founder document: the edge says which ad the others were matched against."""
        return self.detail is not None

    @property
    def prefix(self) -> str:
        """The first (for founder-indexed signals, the only) key prefix."""
        return next(iter(self.kinds))

    def key(self, number: int) -> str:
        """The key of founder `number`."""
        return f"{self.prefix}:{number}"


_BY_NAME: dict[str, Signal] = {}
_BY_PREFIX: dict[str, Signal] = {}
_loaded = False


def register(signal: Signal) -> Signal:
    """Add a signal; a name or prefix another signal holds is refused (the same object again is a no-op)."""
    if _BY_NAME.get(signal.name) is signal:
        return signal
    taken = [p for p in signal.kinds if p in _BY_PREFIX]
    if signal.name in _BY_NAME or taken or not signal.kinds:
        what = f"the name '{signal.name}'" if signal.name in _BY_NAME else \
            f"the key prefix(es) {', '.join(taken)}" if taken else "no key prefix"
        raise errors.RegistryError(
            code=errors.LINK_SIGNAL_TAKEN,
            message=f"linking signal '{signal.name}' has {what} already registered by another signal "
                    f"(or claims none): rename it in its module, or uninstall one of the two plugins",
            detail={"name": signal.name, "prefixes": list(signal.kinds)})
    _BY_NAME[signal.name] = signal
    for prefix in signal.kinds:
        _BY_PREFIX[prefix] = signal
    return signal


def _resolve(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # The built-ins by name first (an install whose metadata predates the group still links), then
    # every entry point of the group: the package's own name the same objects, plugins add theirs.
    for ref in BUILTINS:
        register(_resolve(ref))
    for ep in metadata.entry_points(group=GROUP):
        plugin = ep.load()
        if not isinstance(plugin, Signal):
            raise errors.RegistryError(code=errors.LINK_SIGNAL_TAKEN,
                                       message=f"entry point '{ep.name}' of {GROUP} is not a Signal: {ep.value}",
                                       detail={"entry_point": ep.name, "value": ep.value})
        register(plugin)


def reload() -> None:
    """Forget the registry and read the entry points again (tests; a plugin installed at run time)."""
    global _loaded
    _BY_NAME.clear()
    _BY_PREFIX.clear()
    _loaded = False
    _load()


def all_signals() -> dict[str, Signal]:
    _load()
    return dict(_BY_NAME)


def names() -> tuple[str, ...]:
    """Every registered signal's name, built-ins first: the default of `--signals`."""
    _load()
    return tuple(_BY_NAME)


def get(name: str) -> Signal:
    _load()
    if name not in _BY_NAME:
        raise errors.InputError(code=errors.UNKNOWN_LINK_SIGNAL,
                                message=f"no linking signal named '{name}': use one of {', '.join(_BY_NAME)}",
                                detail={"field": "signals", "value": name})
    return _BY_NAME[name]


def of_key(key: str) -> Signal | None:
    """The signal that owns a key (by its prefix), or None for a key no signal makes."""
    _load()
    return _BY_PREFIX.get(key.split(":", 1)[0])


def kind_of(key: str) -> str:
    signal = of_key(key)
    return signal.kinds[key.split(":", 1)[0]] if signal is not None else "other"


def of_kind(kind: str) -> Signal | None:
    _load()
    return next((s for s in _BY_NAME.values() if kind in s.kinds.values()), None)


def is_hub(policy: HubPolicy, key: str, docs: int, seen: int, n_docs: int) -> bool:
    return rule_of(key)(policy, docs, seen, n_docs)


def rule_of(key: str) -> HubRule:
    """The hub rule of the signal owning `key` (the linker keeps it per key: one look-up per key, not per check)."""
    signal = of_key(key)
    return signal.hub if signal is not None else common_and_diverse


def chosen(names: Iterable[str] | None) -> list[Signal]:
    """The signals `names` choose (every registered one for None), in registration order."""
    _load()
    if names is None:
        return list(_BY_NAME.values())
    wanted = set(names)
    for name in wanted:
        get(name)  # an unknown name is an error, not silently nothing
    return [s for s in _BY_NAME.values() if s.name in wanted]
