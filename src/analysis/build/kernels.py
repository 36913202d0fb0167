"""Kernels that run the chapters when a build asks for them (``--execution noyau``; by default
they run in the worker's own shell, :mod:`analysis.build.in_process`, which shares this module's
prelude and reset): one kernel kept per worker process, reset between chapters.

A chapter run the plain papermill way pays, on top of its own cells, a kernel start and the
imports of pandas, matplotlib and the package (~2.5 s), a new client that waits for the kernel
(``wait_for_ready`` flushes IOPub for 0.2 s) and a save of the whole notebook before and after
every cell (JSON of every figure so far, ~0.1 s per cell at the end of a chapter). With ~30
editions per worker and 7 chapters each, that overhead was half of the batch's time.

:class:`KeptKernel` starts one kernel (IPC sockets in a private folder: no TCP port to race for
between workers) with one client, and runs a *reset* before each chapter: the user namespace is
cleared (``%reset -f``), figures are closed and matplotlib's settings restored. Modules stay
imported, with their caches (the data do not change during a run), out of the garbage
collector's walks (:func:`fresh_namespace`). The papermill engine
:data:`ENGINE` runs a notebook in that kernel through that client; papermill itself is used as
usual (parameters injected, metadata, errors), saving the notebook once at the end.

One kernel, one client, one chapter at a time: a :class:`KeptKernel` is never shared between
threads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from analysis.core.errors import KernelError

KERNEL = "python3"
SOCKETS_PREFIX = "etat-des-lieux-noyau-"
#: Folder (in the reports) of the kept kernels' own messages, one file per worker.
LOG_DIR = ".noyaux"
ENGINE = "etat-des-lieux-noyau-garde"
#: Kernel managers started by this process and not yet shut down (see :func:`kill_kernels`).
_LIVE: set = set()

#: Run once in a new kernel: remember matplotlib's settings (to restore them between chapters),
#: import what every chapter imports, then freeze those objects out of the garbage collector's
#: reach (see :func:`fresh_namespace`).
PRELUDE = ("import matplotlib, matplotlib.pyplot\n"
           "matplotlib._etat_des_lieux_rc = matplotlib.rcParams.copy()\n"
           "del matplotlib\n"
           "import analysis.report.chapter, analysis.report.charts, analysis.report.maps, analysis.report.style\n"
           "import gc; gc.freeze(); del gc")
#: Run before each chapter (:func:`fresh_namespace`; it binds no name in the namespace it clears).
RESET = "__import__('analysis.build.kernels', fromlist=['fresh_namespace']).fresh_namespace(get_ipython())"
#: Every this many resets, the objects frozen by the earlier ones are collected again.
FULL_COLLECTION_EVERY = 50
_RESETS = [0]


def fresh_namespace(shell, full_every: int = FULL_COLLECTION_EVERY) -> None:
    """In the kernel, before each chapter: a fresh namespace (``%reset -f``), no open figure, the
    settings of a new kernel, execution counts from 1 again (as in a notebook run alone).

    ``%reset`` runs two full garbage collections, which walk every object of the kernel: after
    the first edition, the module caches (the indicator table, the territory tables, the text
    metrics) made that 0.14 s a chapter, a second an edition. What survives a reset is frozen
    (``gc.freeze``): the next collections walk one chapter's objects only. A frozen object is still
    freed when nothing refers to it; only reference cycles dropped by a cache wait for the full
    collection made every ``full_every`` resets (``gc.unfreeze`` first)."""
    import gc

    import matplotlib
    import matplotlib.pyplot

    _RESETS[0] += 1
    if _RESETS[0] % full_every == 0:
        gc.unfreeze()
    shell.run_line_magic("reset", "-f")
    shell.execution_count = 1
    matplotlib.pyplot.close("all")
    matplotlib.rcParams.update(matplotlib._etat_des_lieux_rc)
    gc.freeze()


def ipc_kernel_manager_class():
    """An async kernel manager on unix sockets, for papermill's own (fresh) kernels."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # A private folder per kernel: IPC socket names would collide between workers.
            self._sockets = tempfile.mkdtemp(prefix=SOCKETS_PREFIX)
            kwargs.setdefault("ip", os.path.join(self._sockets, "k"))
            super().__init__(**kwargs)
            _LIVE.add(self)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self._sockets, ignore_errors=True)
                _LIVE.discard(self)

        cleanup_resources = _async_cleanup_resources

    return IPCKernelManager


class KeptKernel:
    """A started kernel and its client, reused chapter after chapter (see the module doc).

    Asynchronous manager and client, as nbclient expects: with a blocking client, nbclient's
    wait for output messages would block its event loop, and a kernel dying in the middle of a
    cell would never be noticed. The methods below are synchronous; they run on the thread's
    event loop (jupyter_core's ``run_sync``), the loop papermill's client runs on too.
    """

    def __init__(self, cwd: str | Path, log=None, startup_timeout: float = 120):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.sockets = tempfile.mkdtemp(prefix=SOCKETS_PREFIX)
        self.km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(self.sockets, "k"))
        self.km._sockets = self.sockets
        _LIVE.add(self.km)
        self.kc = None
        try:
            run_sync(self._start)(cwd, log, startup_timeout)
        except BaseException:
            self.stop()
            raise

    async def _start(self, cwd, log, startup_timeout: float) -> None:
        # History in memory, as nbclient does: no SQLite file shared by the workers' kernels.
        await self.km.start_kernel(cwd=str(cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                   **({"stdout": log, "stderr": log} if log else {}))
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=startup_timeout)
        self.kc.allow_stdin = False
        await self._run(PRELUDE, 120)

    def is_alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km.has_kernel and run_sync(self.km.is_alive)()

    def run(self, code: str, timeout: float = 120) -> None:
        """Run ``code`` silently (no history, no execution count); raise if it failed."""
        from jupyter_core.utils import run_sync

        run_sync(self._run)(code, timeout)

    async def _run(self, code: str, timeout: float) -> None:
        import time
        from queue import Empty

        msg_id = self.kc.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelError(f"the kernel did not answer within {timeout:.0f} s")
            try:
                reply = await self.kc.get_shell_msg(timeout=min(1.0, left))
            except Empty:
                if not await self.km.is_alive():
                    raise KernelError("the kernel died") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            raise KernelError(f"kernel code failed: {reply['content'].get('ename')}: "
                              f"{reply['content'].get('evalue')}")

    @staticmethod
    def engine_name() -> str:
        return engine()

    def reset(self) -> None:
        self.run(RESET)

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - best effort at exit or after a failure
            pass
        shutil.rmtree(self.sockets, ignore_errors=True)
        _LIVE.discard(self.km)


_WORKER: dict = {}


def worker_kernel(cwd: str | Path, log_dir: str | Path) -> KeptKernel:
    """This process's kept kernel, started at the first call (again if it died).

    For worker processes: one kernel for every chapter the worker runs, its output appended to
    ``log_dir/noyau-<pid>.log``; stopped when the process exits.
    """
    kernel = _WORKER.get("kernel")
    if kernel is not None and kernel.is_alive():
        return kernel
    from multiprocessing import util

    stop_worker_kernel()
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    if not _WORKER.get("finalizer"):
        # Run at the exit of a multiprocessing worker (which skips atexit) and of a main process.
        _WORKER["finalizer"] = util.Finalize(None, stop_worker_kernel, exitpriority=10)
    _WORKER["log"] = open(log_dir / f"noyau-{os.getpid()}.log", "a", encoding="utf-8")
    _WORKER["kernel"] = KeptKernel(cwd, log=_WORKER["log"])
    return _WORKER["kernel"]


def stop_worker_kernel() -> None:
    kernel = _WORKER.pop("kernel", None)
    if kernel is not None:
        kernel.stop()
    log = _WORKER.pop("log", None)
    if log is not None:
        log.close()


def kill_kernels() -> None:
    """Kill every kernel this process started, at once (a worker told to stop; no event loop).

    A kernel runs in its own session (jupyter_client), so its process group is its pid.
    """
    import signal

    for km in list(_LIVE):
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(getattr(km, "_sockets", ""), ignore_errors=True)
        _LIVE.discard(km)


def engine() -> str:
    """The name of papermill's engine that runs in a :class:`KeptKernel` (registered once).

    It is papermill's nbclient engine, given the kept kernel's manager and client.
    """
    return registered(ENGINE, _register_engine)


def registered(name: str, register) -> str:
    """papermill's engine ``name``, registered by ``register()`` the first time it is asked for."""
    from papermill.engines import papermill_engines

    if name not in papermill_engines._engines:
        register()
    return name


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     kernel: KeptKernel | None = None, **kwargs):
            if kernel is None:
                raise TypeError(f"the {ENGINE!r} engine needs kernel=KeptKernel(...)")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
            client = PapermillNotebookClient(nb_man, **merge_kwargs(
                kwargs, km=kernel.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file))
            # A client already exists: nbclient's setup_kernel then neither starts a kernel
            # nor a client, and leaves both running (it does not own the manager).
            client.kc = kernel.kc
            return client.execute()

    papermill_engines.register(ENGINE, KeptKernelEngine)

