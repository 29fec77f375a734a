"""Frozen torch networks run by ONNX Runtime on the CPU: exported once, kept as files.

A frozen encoder (EfficientNet-Lite0 over posters, MiniLM over plots) is exported from
torch once per machine with :func:`torch.onnx.export`, optionally quantised to int8
(:func:`onnxruntime.quantization.quantize_dynamic`, per output channel), and written
under ``<data_home>/onnx/``; later runs load the file. An ONNX file is a protobuf
graph of tensors, never unpickled. The file's name is a digest of everything that
shapes it (the network's fingerprint, the export settings, the torch and ONNX Runtime
versions), so a new network or a new runtime gets a new file, and the feature cache
keys built from :func:`onnx_fingerprint` change with them.

ONNX Runtime was measured 2.6-7x faster per core than torch's eager CPU kernels on
EfficientNet-Lite0 (depthwise convolutions, batch norm folded into them), with the
same features to 2e-5; int8 MiniLM 3.5x (``benchmarks/encoders.py``). torch,
onnx and onnxruntime are imported only when a graph is built or run.
"""

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from ._home import data_home_path

__all__ = ["ONNX_EXPORT_VERSION", "onnx_fingerprint", "onnx_graph", "onnx_session",
           "run_onnx", "run_onnx_items"]

logger = logging.getLogger(__name__)

#: Bumped when the export or quantisation code changes what a graph computes.
ONNX_EXPORT_VERSION = 1
_OPSET = 17
_INSTALL = "`pip install onnx onnxruntime` (both are skgenre dependencies)"
_SESSIONS = {}  # (path, threads) -> InferenceSession, shared by the estimators of a process


def _import_onnxruntime():
    try:
        import onnxruntime
    except ImportError as exc:
        raise ImportError(f"backend='onnx' needs ONNX Runtime; install it with {_INSTALL}, "
                          "or use backend='torch'.") from exc
    return onnxruntime


def onnx_fingerprint(int8=False):
    """What, besides the network, changes an ONNX graph's outputs: a string for cache keys.

    Parameters
    ----------
    int8 : bool, default=False
        Whether the graph's linear layers are quantised to int8.

    Returns
    -------
    fingerprint : str
        The export version, int8 or not, the torch and ONNX Runtime versions.
    """
    import torch

    ort = _import_onnxruntime()
    return (f"onnx{ONNX_EXPORT_VERSION}:opset{_OPSET}:int8={bool(int8)}:torch={torch.__version__}"
            f":onnxruntime={ort.__version__}")


def _export(module, args, path, *, input_names, output_names, dynamic_axes):
    import torch

    try:
        import onnx  # noqa: F401  (torch.onnx.export writes the graph with it)
    except ImportError as exc:
        raise ImportError(f"Exporting a network for backend='onnx' needs the onnx package; "
                          f"install it with {_INSTALL}, or use backend='torch'.") from exc
    import warnings

    with warnings.catch_warnings():  # tracer notes about Python branches on shapes
        warnings.simplefilter("ignore")
        with torch.no_grad():
            torch.onnx.export(module, args, os.fspath(path), input_names=list(input_names),
                              output_names=list(output_names), dynamic_axes=dynamic_axes,
                              opset_version=_OPSET, dynamo=False)


def onnx_graph(name, fingerprint, build, *, input_names, output_names, dynamic_axes,
               int8=False, data_home=None):
    """The path of a network's ONNX graph, exported (and quantised) on first use.

    Parameters
    ----------
    name : str
        A readable prefix of the file name (``"poster"``, ``"sentence"``).
    fingerprint : str
        Identifies the network's weights and configuration.
    build : callable
        ``build()`` returns ``(module, args)``: the network in eval mode on the CPU and
        example inputs for tracing (a tuple of tensors). Called only when the file must
        be written.
    input_names, output_names : sequence of str
    dynamic_axes : dict
        As :func:`torch.onnx.export` takes it (batch and sequence axes).
    int8 : bool, default=False
        Quantise the weights of the matrix products to int8, per output channel
        (activations are quantised per batch at run time).
    data_home : str or path-like, default=None
        See :func:`skgenre.datasets.get_data_home`.

    Returns
    -------
    path : pathlib.Path
        ``<data_home>/onnx/<name>-<digest>.onnx``.
    """
    key = f"{fingerprint}|{onnx_fingerprint(int8)}|{sorted(input_names)}|{list(output_names)}"
    digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
    path = Path(data_home_path(data_home)) / "onnx" / f"{name}-{digest}.onnx"
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{name}-"))
    try:
        module, args = build()
        fp32 = tmp / "fp32.onnx"
        _export(module, args, fp32, input_names=input_names, output_names=output_names,
                dynamic_axes=dynamic_axes)
        final = fp32
        if int8:
            final = tmp / "int8.onnx"
            _quantize(fp32, final)
        # Files written by onnx honour the umask; the rename is atomic, and a concurrent
        # export of the same network writes the same graph.
        os.replace(final, path)
        logger.info("Exported %s to %s", name, path)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return path


class _Silence(logging.Filter):
    def filter(self, record):
        return False


def _quantize(source, target):
    """int8 weights per output channel for the matrix products, activations dynamic."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs advice on the root logger (logging.warning, which would also
    # configure logging for a program that had not); silence it for the call.
    root = logging.getLogger()
    quiet, guard = _Silence(), logging.NullHandler()
    root.addFilter(quiet)
    root.addHandler(guard)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.removeFilter(quiet)
        root.removeHandler(guard)


def onnx_session(path, threads=None):
    """An ONNX Runtime CPU session over the graph at ``path``, shared within the process.

    Parameters
    ----------
    path : str or path-like
    threads : int, default=None
        Intra-op threads; ``None`` follows torch (:func:`torch.get_num_threads`, which
        ``OMP_NUM_THREADS`` and :func:`torch.set_num_threads` set), so one setting
        governs both backends.

    Returns
    -------
    session : onnxruntime.InferenceSession
    """
    ort = _import_onnxruntime()
    if threads is None:
        import torch

        threads = torch.get_num_threads()
    key = (os.fspath(path), int(threads))
    session = _SESSIONS.get(key)
    if session is None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(os.fspath(path), options,
                                       providers=["CPUExecutionProvider"])
        _SESSIONS[key] = session
    return session


def run_onnx(session, inputs):
    """The first output of ``session`` for a dict of numpy inputs, as float32."""
    import numpy as np

    names = {i.name for i in session.get_inputs()}
    feed = {k: v for k, v in inputs.items() if k in names}
    return np.asarray(session.run(None, feed)[0], dtype=np.float32)


def run_onnx_items(session, feeds, threads=None):
    """:func:`run_onnx` over a list of feeds, ``threads`` at a time, outputs concatenated.

    On a few cores, small inputs run side by side on single-threaded sessions go
    faster than one input at a time on several threads: a CNN over posters 1.9x, a
    text encoder over one text at a time (no padding) more still
    (``benchmarks/encoders.py``). ONNX Runtime releases the GIL while it runs.

    Parameters
    ----------
    session : onnxruntime.InferenceSession
        Best built with ``threads=1`` (:func:`onnx_session`).
    feeds : list of dict of str to ndarray
    threads : int, default=None
        ``None`` follows torch (:func:`torch.get_num_threads`).

    Returns
    -------
    outputs : ndarray, the first outputs concatenated along the first axis
    """
    import numpy as np

    if threads is None:
        import torch

        threads = torch.get_num_threads()
    if threads <= 1 or len(feeds) <= 1:
        outputs = [run_onnx(session, feed) for feed in feeds]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=int(threads)) as pool:
            outputs = list(pool.map(lambda feed: run_onnx(session, feed), feeds))
    return np.concatenate(outputs)
