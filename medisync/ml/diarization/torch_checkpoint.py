"""Read PyTorch checkpoints into numpy arrays without importing torch.

Two on-disk formats exist:

* the *legacy* format (torch < 1.6, used by resemblyzer's ``pretrained.pt``):
  a sequence of pickles -- magic number, protocol version, system info, the
  object itself (tensors referenced through ``persistent_id``), the list of
  storage keys -- followed by each storage as ``int64 element count`` + raw
  little-endian bytes;
* the *zip* format (torch >= 1.6): ``archive/data.pkl`` plus one
  ``archive/data/<key>`` member per storage.

Only the few globals a state dict needs are resolved (``OrderedDict``,
``torch._utils._rebuild_tensor_v2`` and the typed storages); anything else
raises ``pickle.UnpicklingError``, so a checkpoint can't run arbitrary code.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from typing import Any, BinaryIO

import numpy as np

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _Storage:
    """A storage placeholder; ``data`` is filled once the bytes are read."""

    def __init__(self, key: str, dtype: np.dtype, size: int) -> None:
        self.key = key
        self.dtype = dtype
        self.size = size
        self.data: np.ndarray | None = None


class _LazyTensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def materialize(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise pickle.UnpicklingError(f"storage {self.storage.key} was never read")
        item = data.dtype.itemsize
        if not self.size:
            return np.array(data[self.offset])
        view = np.lib.stride_tricks.as_strided(
            data[self.offset:],
            shape=self.size,
            strides=tuple(s * item for s in self.stride),
            writeable=False,
        )
        return np.array(view)  # own, contiguous copy


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    def __init__(self, f: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(f, encoding="latin1")
        self._storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_tensor":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name}")

    def persistent_load(self, saved_id: Any) -> Any:
        if not (isinstance(saved_id, tuple) and saved_id and saved_id[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {saved_id!r}")
        # legacy: ('storage', type, key, location, size, view_metadata)
        # zip:    ('storage', type, key, location, numel)
        storage_type, key, _location, numel = saved_id[1], str(saved_id[2]), saved_id[3], saved_id[4]
        dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else np.dtype(np.float32)
        storage = self._storages.get(key)
        if storage is None:
            storage = self._storages[key] = _Storage(key, dtype, int(numel))
        if len(saved_id) > 5 and saved_id[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        return storage


def _materialize(obj: Any) -> Any:
    if isinstance(obj, _LazyTensor):
        return obj.materialize()
    if isinstance(obj, collections.OrderedDict):
        return collections.OrderedDict((k, _materialize(v)) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: _materialize(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_materialize(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_materialize(v) for v in obj)
    return obj


def _load_legacy(f: BinaryIO) -> Any:
    magic = pickle.load(f)
    if magic != _LEGACY_MAGIC:
        raise pickle.UnpicklingError("not a PyTorch legacy checkpoint")
    pickle.load(f)  # protocol version
    sys_info = pickle.load(f)
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise pickle.UnpicklingError("big-endian checkpoints are not supported")
    storages: dict[str, _Storage] = {}
    result = _Unpickler(f, storages).load()
    keys = pickle.load(f)
    for key in keys:
        storage = storages[str(key)]
        (numel,) = struct.unpack("<q", f.read(8))
        nbytes = numel * storage.dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise pickle.UnpicklingError("truncated checkpoint")
        storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    return _materialize(result)


def _load_zip(path: str) -> Any:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        pkl = next(n for n in names if n.endswith("/data.pkl") or n == "data.pkl")
        prefix = pkl[: -len("data.pkl")]
        storages: dict[str, _Storage] = {}
        result = _Unpickler(io.BytesIO(zf.read(pkl)), storages).load()
        for key, storage in storages.items():
            raw = zf.read(f"{prefix}data/{key}")
            storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    return _materialize(result)


def load_checkpoint(path: str) -> Any:
    """Load a ``.pt`` file; tensors come back as numpy arrays."""
    path = str(path)
    if zipfile.is_zipfile(path):
        return _load_zip(path)
    with open(path, "rb") as f:
        return _load_legacy(f)
