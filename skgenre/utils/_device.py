"""Moving fitted torch parts between devices, so a GPU-fitted model predicts on a CPU."""

import copy
import warnings

__all__ = ["PortableBackboneMixin"]


def _device_of(module):
    import torch

    return next(iter(module.parameters()), torch.empty(0)).device


class PortableBackboneMixin:
    """Makes an estimator holding a torch ``backbone_`` load on a machine without its GPU.

    A backbone on CUDA is pickled as CPU tensors. On load it goes back to ``device`` when
    that device exists and stays on the CPU, with a ``UserWarning``, otherwise. torch is
    imported only when there is a backbone to move.
    """

    def __getstate__(self):
        state = super().__getstate__()
        backbone = state.get("backbone_")
        if hasattr(backbone, "parameters") and _device_of(backbone).type != "cpu":
            state = dict(state)
            state["backbone_"] = copy.deepcopy(backbone).cpu()
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        backbone = getattr(self, "backbone_", None)
        device = str(getattr(self, "device", "cpu") or "cpu")
        if hasattr(backbone, "parameters") and device.startswith("cuda"):
            import torch

            if torch.cuda.is_available():
                self.backbone_ = backbone.to(device)
            else:
                warnings.warn(
                    f"{type(self).__name__} was fitted on {device}, which this machine does "
                    "not have; its backbone runs on the CPU.",
                    UserWarning,
                    stacklevel=2,
                )
