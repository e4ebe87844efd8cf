"""A module imported on first use, for modules whose cheap parts the compiler's front end needs.

``np = lazy("numpy", globals(), "np")`` binds a stand-in; the first attribute looked up on it
imports the module and puts the real module in its place in ``namespace``, so later lookups cost
nothing. (`sdc check` needs the sound library's names, not its synthesis.)
"""

from __future__ import annotations

import importlib
from types import ModuleType


class _Lazy:
    """Stands in for a module until its first attribute is read."""

    def __init__(self, name: str, namespace: dict, binding: str):
        self._name, self._namespace, self._binding = name, namespace, binding

    def __getattr__(self, attr: str):
        module = importlib.import_module(self._name)
        self._namespace[self._binding] = module
        return getattr(module, attr)


def lazy(name: str, namespace: dict, binding: str) -> ModuleType:
    """A stand-in for module ``name``, bound in ``namespace`` as ``binding``."""
    return _Lazy(name, namespace, binding)  # type: ignore[return-value]
