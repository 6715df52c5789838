"""One registry type for every extension point (DESIGN §5): name -> provider, built-ins and plugins alike.

Extractors, indicators, indicator rules, source formats, post-extraction stages, stores and engines each
keep one `Registry`. Built-ins register exactly as a plugin does; plugins come from the registry's
entry-point group (`[project.entry-points."adtrace.extractors"]` in a plugin's pyproject.toml), loaded
once, on first use. A second provider under a taken name is refused (AT150) rather than replacing the
first silently; an entry point that cannot be loaded says which one (AT153); asking for a name nobody
provides lists the names there are (AT152).

A registry is a dict, so readers keep dict speed and syntax (`.values()` in hot loops, `in`, `get`);
only writes are guarded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from typing import Any, TypeVar

from adtrace import errors

T = TypeVar("T")


class Registry(dict[str, T]):
    """Providers of one kind by name.

    `modules` are imported on first use (they register themselves, as a plugin module may);
    `builtins` maps names to "module:attribute" references, loaded like entry points; then the
    entry-point `group` is read. `adopt(name, obj)` turns what an entry point loads into (name, provider)
    pairs (none: the object is refused); by default the object itself under the entry point's name. A
    provider that registered itself while its module was imported is not added twice.
    """

    def __init__(self, kind: str, group: str | None = None, *, modules: Iterable[str] = (),
                 builtins: Mapping[str, str] | None = None,
                 adopt: Callable[[str, Any], list[tuple[str, T]]] | None = None) -> None:
        super().__init__()
        self.kind, self.group = kind, group
        self.modules, self.builtins = tuple(modules), dict(builtins or {})
        self.adopt = adopt
        self._state = "new"  # new -> loading -> loaded

    def __setitem__(self, name: str, provider: T) -> None:
        if name in self:
            raise errors.RegistryError(
                message=f"a {self.kind} named '{name}' is already registered; give the new one another name "
                        "(or a new version) instead of replacing it",
                detail={"kind": self.kind, "name": name}, code=errors.DUPLICATE_PROVIDER)
        super().__setitem__(name, provider)

    def setdefault(self, name: str, provider: T) -> T:  # type: ignore[override]
        if name not in self:
            self[name] = provider
        return self[name]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for name, provider in dict(*args, **kwargs).items():
            self[name] = provider

    def clear(self) -> None:
        """Forget every provider; the next use loads built-ins and plugins again."""
        super().clear()
        self._state = "new"

    def register(self, name: str, provider: T) -> T:
        self[name] = provider
        return provider

    def load(self) -> Registry[T]:
        """Built-ins, then plugins; once. A failure leaves nothing half-loaded behind."""
        if self._state != "new":
            return self
        self._state = "loading"  # a module registering itself while we import it must not reload
        try:
            for module in self.modules:
                importlib.import_module(module)
            for name, ref in self.builtins.items():
                self._take(name, _resolve(ref))
            for ep in metadata.entry_points(group=self.group) if self.group else ():
                try:
                    obj = ep.load()
                except Exception as exc:  # a plugin's own bug: say which entry point
                    raise errors.RegistryError(
                        message=f"the {self.kind} plugin '{ep.name}' ({ep.value}) cannot be loaded: {exc}; "
                                "fix or uninstall the package that declares it",
                        detail={"group": self.group, "name": ep.name, "value": ep.value},
                        code=errors.BAD_PLUGIN) from exc
                self._take(ep.name, obj)
        except BaseException:
            self._state = "new"
            raise
        self._state = "loaded"
        return self

    def _take(self, name: str, obj: Any) -> None:
        pairs = self.adopt(name, obj) if self.adopt else [(name, obj)]
        if not pairs:
            raise errors.RegistryError(
                message=f"the {self.kind} plugin '{name}' loads {type(obj).__name__}, not a {self.kind}",
                detail={"group": self.group, "name": name}, code=errors.BAD_PLUGIN)
        for key, provider in pairs:
            if self.get(key) is not provider:  # else it registered itself while its module was imported
                self[key] = provider

    def provider(self, name: str) -> T:
        """The provider called `name`; an unknown name gets the list of known ones."""
        self.load()
        try:
            return self[name]
        except KeyError:
            raise errors.RegistryError(
                message=f"no {self.kind} named '{name}'; known: {', '.join(sorted(self)) or 'none'}",
                detail={"kind": self.kind, "name": name, "known": sorted(self)},
                code=errors.NO_SUCH_PROVIDER) from None

    def names(self) -> list[str]:
        return list(self.load())


def _resolve(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj
