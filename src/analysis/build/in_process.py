"""Chapters run in the worker's own IPython shell: a papermill engine without a kernel.

In a kept kernel (:mod:`analysis.build.kernels`) every cell costs a round of Jupyter messages:
the request, the kernel's busy and idle status, each output serialised and signed by the kernel
and read back by nbclient; about 1.6 s of CPU a département edition (~140 cells), measured in
``benchmarks/README.md`` (« Fourth round »). :class:`WorkerShell` runs the cells in the worker
process itself, in an IPython shell set up the way ipykernel sets up its own (matplotlib's inline
backend, ipykernel's names for the cells, no history file, ``''`` first on ``sys.path``,
pandas' kernel default of 20 columns shown), and writes what a cell shows as nbclient writes
the kernel's messages:

- display data and execute results through the kernel's message encoding (jupyter_client's JSON:
  bytes in base64), with nbclient's ``display_id`` updates and ``clear_output``;
- stdout and stderr as ipykernel sends them: what a stream received is written when anything
  else is shown and at the end of the cell, stdout before stderr (a kernel also sends what waited
  0.2 s, which depends on the machine's speed: a slow cell's text may be cut in more pieces there);
- an error as its ``ename``, ``evalue`` and IPython's traceback, which stops the chapter, and so
  does an error raised while showing a cell's value (as in ipykernel);
- the notebook's ``language_info`` (ipykernel's), each cell's execution count and timings.

An edition's executed notebooks, HTML and PDF are the same as in a kernel
(``tests/build/test_in_process.py``; four editions of the national demo compared by hand).
What differs, and no chapter does: writes to the file descriptors themselves (a C library, a
subprocess given ``sys.stdout``) go to the edition's build log, not into the cell; the
environment variables ipykernel sets for subprocesses are not set. ``input()`` and ``getpass``
raise as in a kernel whose client allows no input (nbclient's).

What a kernel gives and this does not: isolation. A chapter that crashes the interpreter (a
segfault, the memory exhausted) ends its worker, and with it the run's pool: every edition not
finished fails (« worker ») and is built by the same command run again; ``build --execution
noyau`` runs the chapters in kernels, where such a chapter takes down its kernel only.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
from contextlib import contextmanager
from functools import lru_cache

from analysis.build import kernels

ENGINE = "etat-des-lieux-processus"
#: The matplotlib backend ipykernel gives its kernels (figures left open are shown after a cell).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: What pandas shows of a wide frame in a Jupyter kernel (it chooses 0, the terminal's width,
#: when imported outside one, as in a worker).
KERNEL_MAX_COLUMNS = 20
#: The order in which ipykernel flushes its streams.
STREAMS = ("stdout", "stderr")

def _timestamp() -> str:
    """Now, in nbclient's format for a cell's timings (as it formats a message's date)."""
    from nbclient.client import timestamp

    return timestamp({"header": {"date": datetime.datetime.now(datetime.UTC)}})


class CellOutputs:
    """The outputs of the cell being run, as nbclient builds them from the kernel's messages."""

    def __init__(self) -> None:
        self.outputs: list = []
        self._pending: dict[str, list[str]] = {name: [] for name in STREAMS}
        self._clear_before_next = False
        self._displays: dict[str, list] = {}   # display_id -> its outputs, this notebook's

    def start_notebook(self) -> None:
        self._displays = {}

    def start_cell(self) -> list:
        self.outputs = []
        self._clear_before_next = False
        for pending in self._pending.values():
            pending.clear()
        return self.outputs

    def write(self, name: str, text: str) -> None:
        self._pending[name].append(text)

    def flush_streams(self) -> None:
        """What ipykernel does before any other output and at the end of a cell: each stream's
        waiting text sent as one message, stdout first."""
        for name in STREAMS:
            text = "".join(self._pending[name])
            self._pending[name].clear()
            if text:
                self._add("stream", {"name": name, "text": text})

    def _add(self, msg_type: str, content: dict) -> None:
        """One message, as nbclient's ``process_message`` and ``output`` take it."""
        from jupyter_client.session import json_packer
        from nbformat.v4 import output_from_msg

        # Through the kernel's JSON, so that what is written is what nbclient would have read.
        content = json.loads(json_packer(content))
        display_id = (content.get("transient") or {}).get("display_id")
        update = msg_type == "update_display_data"
        output = output_from_msg({"header": {"msg_type": "display_data" if update else msg_type},
                                  "content": content})
        if display_id and msg_type in ("execute_result", "display_data", "update_display_data"):
            for shown in self._displays.get(display_id, ()):
                shown["data"], shown["metadata"] = output["data"], output["metadata"]
        if update:
            return
        if self._clear_before_next:
            self.outputs.clear()
            self._clear_before_next = False
        if display_id:
            self._displays.setdefault(display_id, []).append(output)
        self.outputs.append(output)

    def display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        from ipykernel.jsonutil import encode_images

        self.flush_streams()
        self._add("update_display_data" if update else "display_data",
                  {"data": encode_images(data), "metadata": metadata or {}, "transient": transient or {}})

    def result(self, execution_count: int, data: dict, metadata: dict | None) -> None:
        from ipykernel.jsonutil import encode_images

        self.flush_streams()
        self._add("execute_result", {"data": encode_images(data), "metadata": metadata or {},
                                     "execution_count": execution_count})

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.flush_streams()
        self._add("error", {"ename": ename, "evalue": evalue, "traceback": traceback})

    def clear(self, wait: bool) -> None:
        self.flush_streams()
        if wait:
            self._clear_before_next = True
        else:
            self.outputs.clear()


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` during a cell (ipykernel's ``OutStream``, in this process)."""

    def __init__(self, outputs: CellOutputs, name: str, original):
        super().__init__()
        self._outputs, self._name, self._original = outputs, name, original

    @property
    def name(self) -> str:                      # type: ignore[override]
        return self._name

    @property
    def encoding(self) -> str:                  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        """The worker's own descriptor (the edition's build log): what is written there directly
        does not reach the cell."""
        return self._original.fileno()

    def write(self, text: str) -> int:
        self._outputs.write(self._name, text)
        return len(text)


def _no_input(name: str):
    def refuse(*args, **kwargs):
        from IPython.core.error import StdinNotImplementedError

        raise StdinNotImplementedError(f"{name} was called, but this frontend does not support input requests.")

    return refuse


@lru_cache(maxsize=1)
def _shell_class():
    """The shell's class, made once (IPython keeps one instance per class: see
    :meth:`WorkerShell.__init__`)."""
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
        """A cell's last value as an ``execute_result`` (ipykernel's ``ZMQShellDisplayHook``)."""

        showing = False
        _bundle = None

        def start_displayhook(self):
            self.showing, self._bundle = True, None

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self._bundle = (format_dict, md_dict)

        def finish_displayhook(self):
            if self._bundle and self._bundle[0]:
                self.shell.outputs.result(self.prompt_count, *self._bundle)
            self.showing, self._bundle = False, None

    class ChapterShell(InteractiveShell):
        display_pub_class = Type(Publisher)
        displayhook_class = Type(ResultHook)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.outputs = CellOutputs()
            self.failed_while_showing = False

        def enable_gui(self, gui=None):
            """No event loop: the inline backend needs none (as in a kernel)."""

        def _showtraceback(self, etype, evalue, stb):
            # ipykernel: an error while the value of a cell is shown fails the cell.
            self.failed_while_showing |= self.displayhook.showing
            self.outputs.error(str(etype.__name__), str(evalue), stb)

    return ChapterShell


class WorkerShell:
    """This process's IPython shell for the chapters (one per worker, see :func:`worker_shell`):
    set up once, with the kernels' prelude, and reset before each chapter as a kept kernel is."""

    def __init__(self):
        import matplotlib
        from ipykernel.compiler import XCachingCompiler
        from traitlets.config import Config

        cls = _shell_class()
        # No history database: the execution counts start again at 1 in every chapter, and its
        # thread's complaint about that would be printed into whichever cell is running (In and
        # Out are kept in memory as ever). Cells are named as ipykernel names them (what a
        # warning or a traceback prints).
        self.shell = cls.instance(config=Config({"HistoryManager": {"enabled": False}}),
                                  compiler_class=XCachingCompiler)
        try:
            if "" not in sys.path:              # ipykernel's: modules beside the notebooks
                sys.path.insert(0, "")
            if "matplotlib.pyplot" in sys.modules:      # its backend chosen: set up as the inline
                from IPython.core.pylabtools import activate_matplotlib  # backend's import does
                from matplotlib_inline.backend_inline import configure_inline_support

                activate_matplotlib(INLINE_BACKEND)
                configure_inline_support(self.shell, INLINE_BACKEND)
            else:                               # at the first figure, as in a kernel
                matplotlib.use(INLINE_BACKEND)
            self._run_quietly(kernels.PRELUDE)
            import pandas

            pandas.set_option("display.max_columns", KERNEL_MAX_COLUMNS)
        except BaseException:
            cls.clear_instance()                # a next try makes a new one, not a sibling error
            raise

    @staticmethod
    def engine_name() -> str:
        return engine()

    def _run_quietly(self, code: str) -> None:
        from analysis.core.errors import KernelError

        with self._captured():
            result = self.shell.run_cell(code, store_history=False, silent=True)
        if not result.success:
            error = result.error_before_exec or result.error_in_exec
            raise KernelError(f"the chapters' shell could not be set up: {type(error).__name__}: {error}")

    @contextmanager
    def _captured(self):
        """During a cell: its streams, and no input (as in a kernel whose client allows none)."""
        import builtins
        import getpass

        outputs = self.shell.outputs
        saved = sys.stdout, sys.stderr, builtins.input, getpass.getpass
        sys.stdout, sys.stderr = (_Stream(outputs, name, original) for name, original in zip(STREAMS, saved))
        builtins.input, getpass.getpass = _no_input("raw_input"), _no_input("getpass")
        try:
            yield
        finally:
            sys.stdout, sys.stderr, builtins.input, getpass.getpass = saved
            outputs.flush_streams()

    def reset(self) -> None:
        kernels.fresh_namespace(self.shell)

    def start_notebook(self) -> None:
        self.shell.outputs.start_notebook()

    def run_cell(self, cell) -> bool:
        """Run one code cell: its outputs, execution count and timings set as nbclient sets them.
        False when it failed."""
        timings = cell.metadata["execution"] = {}
        cell.outputs = self.shell.outputs.start_cell()
        self.shell.failed_while_showing = False
        timings["iopub.status.busy"] = timings["iopub.execute_input"] = _timestamp()
        with self._captured():
            result = self.shell.run_cell(cell.source, store_history=True)
        timings["shell.execute_reply"] = timings["iopub.status.idle"] = _timestamp()
        cell.execution_count = result.execution_count
        return result.success and not self.shell.failed_while_showing


def language_info() -> dict:
    """What a notebook run in a kernel records of its language (ipykernel's own answer)."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


@lru_cache(maxsize=1)
def worker_shell() -> WorkerShell:
    """This process's :class:`WorkerShell`, set up at the first call (again if it failed)."""
    return WorkerShell()


def engine() -> str:
    """The name of papermill's engine that runs a notebook in a :class:`WorkerShell` (registered
    once). papermill is used as usual around it: parameters injected, metadata, the notebook
    written at the end, an error raised as :class:`papermill.PapermillExecutionError`."""
    return kernels.registered(ENGINE, _register_engine)


def _register_engine() -> None:
    from nbclient import NotebookClient
    from papermill.engines import Engine, papermill_engines

    skip = NotebookClient.skip_cells_with_tag.default_value

    class InProcessEngine(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, kernel: WorkerShell | None = None, **kwargs):
            if kernel is None:
                raise TypeError(f"the {ENGINE!r} engine needs kernel=WorkerShell()")
            kernel.start_notebook()
            # As papermill's nbclient engine: every cell started and completed, code cells with
            # a source run (not those tagged to be skipped), the first error stops the notebook
            # (not in a cell tagged "raises-exception"); papermill raises it after.
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                tags = cell.metadata.get("tags", [])
                try:
                    if cell.cell_type == "code" and cell.source.strip() and skip not in tags \
                            and not kernel.run_cell(cell) and "raises-exception" not in tags:
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
            nb_man.nb.metadata["language_info"] = language_info()
            return nb_man.nb

    papermill_engines.register(ENGINE, InProcessEngine)
