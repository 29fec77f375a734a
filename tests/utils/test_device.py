"""The one "device of a module" helper."""

import torch

from skgenre.utils import module_device


class BuffersOnly(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("table", torch.zeros(3, dtype=torch.float64))


def test_module_device():
    assert module_device(torch.nn.Linear(2, 2)) == torch.device("cpu")
    assert module_device(BuffersOnly()).type == "cpu"  # no parameters: its buffers'
    assert module_device(torch.nn.ReLU()) == torch.device("cpu")  # no tensors at all
    meta = torch.nn.Linear(2, 2, device="meta")
    assert module_device(meta).type == "meta"
    buffers_on_meta = BuffersOnly().to("meta")
    assert module_device(buffers_on_meta).type == "meta"
