"""Sub-commands contributed by later modules: each a `register(subparsers)` function."""

from __future__ import annotations

import argparse
from collections.abc import Callable

REGISTER: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]
