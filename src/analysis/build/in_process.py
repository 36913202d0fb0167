"""Chapters run in the worker's own IPython shell: a papermill engine without a kernel.

In a kept kernel (:mod:`analysis.build.kernels`) every cell costs a round of Jupyter messages:
the request, the kernel's busy and idle status, each output serialised and signed by the kernel
and read back by nbclient. For a département edition (~140 cells) that was ~1.9 s of CPU out of
~6.4 s (kernel and nbclient), measured in ``benchmarks/README.md``. :class:`WorkerShell` runs the
cells in the worker process itself, in an IPython shell set up the way ipykernel sets up its own
(matplotlib's inline backend, the history in memory, the same display formatters), and writes
what a cell shows as the outputs nbclient would have written:

- display data and execute results through the kernel's own encoding (images in base64, the
  JSON of its messages), with the ``display_id`` updates and ``clear_output`` nbclient applies;
- stdout and stderr as streams (consecutive writes to one stream make one output);
- an error as its ``ename``, ``evalue`` and IPython's traceback, which stops the chapter;
- the notebook's ``language_info`` (ipykernel's), each cell's execution count and timings.

An edition's executed notebooks are the same as in a kernel, output for output
(``tests/build/test_in_process.py``; four editions of the national demo compared by hand).

What a kernel gives and this does not: isolation. A chapter that crashes the interpreter (a
segfault, the memory exhausted) ends its worker, not a kernel, and the editions that worker had
still to build fail with it; ``build --execution noyau`` runs the chapters in kernels again.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
from contextlib import contextmanager

from analysis.build import kernels

ENGINE = "etat-des-lieux-processus"
#: The matplotlib backend ipykernel gives its kernels (figures left open are shown after a cell).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_WORKER: dict = {}


def _timestamp() -> str:
    """nbclient's format for the cells' timings (``2026-12-07T21:56:25.069012Z``)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat() + "Z"


class CellOutputs:
    """The outputs of the cell being run, as nbclient builds them from the kernel's messages."""

    def __init__(self) -> None:
        self.outputs: list = []
        self._clear_before_next = False
        self._displays: dict[str, list] = {}   # display_id -> its outputs (this notebook's run)

    def start_cell(self) -> list:
        self.outputs = []
        self._clear_before_next = False
        return self.outputs

    def _add(self, msg_type: str, content: dict) -> None:
        from jupyter_client.session import json_packer
        from nbformat.v4 import output_from_msg

        if self._clear_before_next:
            self.outputs.clear()
            self._clear_before_next = False
        # Through the kernel's JSON, so that what is written is what nbclient would have read.
        content = json.loads(json_packer(content))
        transient = content.pop("transient", None) or {}
        output = output_from_msg({"header": {"msg_type": msg_type}, "content": content})
        if transient.get("display_id"):
            self._displays.setdefault(transient["display_id"], []).append(output)
        if msg_type == "stream" and self.outputs and self.outputs[-1].get("output_type") == "stream" \
                and self.outputs[-1].name == output.name:
            self.outputs[-1].text += output.text
            return
        self.outputs.append(output)

    def display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        from ipykernel.jsonutil import encode_images
        from jupyter_client.jsonutil import json_clean

        content = json_clean({"data": encode_images(data), "metadata": metadata or {},
                              "transient": transient or {}})
        display_id = (transient or {}).get("display_id")
        if update:                               # nbclient: every output shown under that id changes
            for output in self._displays.get(display_id, ()):
                output.data = json.loads(json.dumps(content["data"]))
                output.metadata = json.loads(json.dumps(content["metadata"]))
            return
        self._add("display_data", content)

    def result(self, execution_count: int, data: dict, metadata: dict | None) -> None:
        from ipykernel.jsonutil import encode_images
        from jupyter_client.jsonutil import json_clean

        self._add("execute_result", {"data": json_clean(encode_images(data)), "metadata": metadata or {},
                                     "execution_count": execution_count})

    def stream(self, name: str, text: str) -> None:
        if text:
            self._add("stream", {"name": name, "text": text})

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        from jupyter_client.jsonutil import json_clean

        self._add("error", json_clean({"ename": ename, "evalue": evalue, "traceback": traceback}))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_before_next = True
        else:
            self.outputs.clear()


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` during a cell: what is written becomes a stream output."""

    def __init__(self, outputs: CellOutputs, name: str):
        super().__init__()
        self._outputs, self._name = outputs, name

    @property
    def name(self) -> str:                      # type: ignore[override]
        return f"<{self._name}>"

    @property
    def encoding(self) -> str:                  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._outputs.stream(self._name, text)
        return len(text)


def _shell_class():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell.outputs.display(data, metadata, transient, update)

        def clear_output(self, wait=False):
            self.shell.outputs.clear(wait)

    class ResultHook(DisplayHook):
        """A cell's last value as an ``execute_result`` (ipykernel's ZMQShellDisplayHook)."""

        def start_displayhook(self):
            self._bundle = None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self._bundle = (format_dict, md_dict)

        def finish_displayhook(self):
            if self._bundle and self._bundle[0]:
                self.shell.outputs.result(self.prompt_count, *self._bundle)
            self._bundle = None

    class ChapterShell(InteractiveShell):
        display_pub_class = Type(Publisher)
        displayhook_class = Type(ResultHook)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.outputs = CellOutputs()

        def enable_gui(self, gui=None):
            """No event loop: the inline backend needs none (as in a kernel)."""

        def _showtraceback(self, etype, evalue, stb):
            self.outputs.error(str(etype.__name__), str(evalue), stb)

    return ChapterShell


class WorkerShell:
    """This process's IPython shell for the chapters (one per worker, see :func:`worker_shell`):
    set up once, with the kernels' prelude, and reset before each chapter as a kept kernel is."""

    def __init__(self):
        import matplotlib
        from ipykernel.compiler import XCachingCompiler
        from traitlets.config import Config

        # No history database: the execution counts start again at 1 in every chapter, and its
        # thread's complaint about that would be printed into whichever cell is running (the
        # inputs and outputs of the session, In and Out, are kept in memory as ever). Cells are
        # named as ipykernel names them (what a warning or a traceback prints).
        self.shell = _shell_class().instance(config=Config({"HistoryManager": {"enabled": False}}),
                                             compiler_class=XCachingCompiler)
        matplotlib.use(INLINE_BACKEND)
        self._run_quietly(kernels.PRELUDE)

    def _run_quietly(self, code: str) -> None:
        from analysis.core.errors import KernelError

        with self._captured():
            result = self.shell.run_cell(code, store_history=False, silent=True)
        if not result.success:
            error = result.error_before_exec or result.error_in_exec
            raise KernelError(f"the chapters' shell could not be set up: {type(error).__name__}: {error}")

    @contextmanager
    def _captured(self):
        outputs = self.shell.outputs
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(outputs, "stdout"), _Stream(outputs, "stderr")
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved

    @staticmethod
    def engine_name() -> str:
        return engine()

    def reset(self) -> None:
        kernels.fresh_namespace(self.shell)

    def run_cell(self, cell) -> bool:
        """Run one code cell: its outputs, execution count and timings set as nbclient sets them.
        False when it raised."""
        cell.metadata["execution"] = {}
        cell.outputs = self.shell.outputs.start_cell()
        started = _timestamp()
        cell.metadata["execution"]["iopub.status.busy"] = started
        cell.metadata["execution"]["iopub.execute_input"] = started
        with self._captured():
            result = self.shell.run_cell(cell.source, store_history=True)
        ended = _timestamp()
        cell.metadata["execution"]["shell.execute_reply"] = ended
        cell.metadata["execution"]["iopub.status.idle"] = ended
        cell.execution_count = result.execution_count
        return result.success


def language_info() -> dict:
    """What a notebook run in a kernel records of its language (ipykernel's own answer)."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


def worker_shell() -> WorkerShell:
    """This process's :class:`WorkerShell`, set up at the first call."""
    if "shell" not in _WORKER:
        _WORKER["shell"] = WorkerShell()
    return _WORKER["shell"]


def engine() -> str:
    """The name of papermill's engine that runs a notebook in a :class:`WorkerShell` (registered
    once). papermill is used as usual around it: parameters injected, metadata, the notebook
    written at the end, an error raised as :class:`papermill.PapermillExecutionError`."""
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        _register_engine()
    return ENGINE


def _register_engine() -> None:
    from papermill.engines import Engine, papermill_engines

    class InProcessEngine(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, kernel: WorkerShell | None = None, **kwargs):
            if kernel is None:
                raise TypeError(f"the {ENGINE!r} engine needs kernel=WorkerShell()")
            # As papermill's nbclient engine: every cell started and completed, code cells with
            # a source run, the first error stops the notebook (papermill raises it after).
            # nbclient's tags: "skip-execution" is not run, "raises-exception" may fail.
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                tags = cell.metadata.get("tags", [])
                try:
                    if cell.cell_type == "code" and cell.source.strip() and "skip-execution" not in tags \
                            and not kernel.run_cell(cell) and "raises-exception" not in tags:
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
            nb_man.nb.metadata["language_info"] = language_info()
            return nb_man.nb

    papermill_engines.register(ENGINE, InProcessEngine)
