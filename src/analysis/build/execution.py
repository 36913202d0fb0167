"""Where a build runs the chapters' cells: the choice of ``build --execution``."""

from __future__ import annotations

from enum import StrEnum


class Execution(StrEnum):
    """Each value is what the command line accepts."""

    IN_PROCESS = "processus"          # each worker's own IPython shell (analysis.build.in_process)
    KEPT_KERNEL = "noyau"             # a Jupyter kernel kept by each worker (analysis.build.kernels)
    FRESH_KERNELS = "noyaux-neufs"    # a new kernel for every chapter, papermill's own way
    DEFAULT = IN_PROCESS              # (an alias: the default everywhere a build is described)
