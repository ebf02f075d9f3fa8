"""Emit stage: the course model -> files of an output format.

Each target is a module with ``NAME`` and ``emit(course, run, source_root)``;
add a target by adding a module and listing it in ``TARGETS``.
"""

from __future__ import annotations

from types import ModuleType

from coursekit.emit import imscc, olx

# Archive targets of `coursekit build`; the preview site (emit/preview) has its own command.
TARGETS: dict[str, ModuleType] = {olx.NAME: olx, imscc.NAME: imscc}
