"""What runs a sentence model: its tokenizer, cutting texts into windows, and the
pipeline exported to ONNX (for :class:`~skgenre.text.SentenceEmbedder`)."""

from pathlib import Path

import numpy as np


class _Tokenizer:
    """The model's own tokenizer (Hugging Face ``tokenizers``, its ``tokenizer.json``).

    Texts are stripped (and lower-cased when the model says so), as sentence-transformers
    prepares them, and cut into windows of ``max_length`` tokens with the special tokens
    (the first window, then the rest as the tokenizer's ``overflowing`` encodings);
    nothing is padded: each window is encoded alone, or padded to its batch by
    :meth:`features`.
    """

    def __init__(self, backend, max_length, lower):
        self.backend = backend
        self.backend.no_padding()
        self.backend.enable_truncation(max_length=int(max_length))
        self.lower = lower

    @classmethod
    def from_folder(cls, path, max_length, lower):
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str(Path(path) / "tokenizer.json")), max_length, lower)

    def encode(self, texts):
        texts = [t.strip().lower() if self.lower else t.strip() for t in texts]
        return self.backend.encode_batch(texts)

    @staticmethod
    def windows(encodings, long_text):
        """``(windows, owner, n_tokens)``: each encoding's windows (its first only with
        ``long_text="truncate"``), the index of the text each came from, and its length."""
        windows, owner = [], []
        for i, encoding in enumerate(encodings):
            parts = [encoding] if long_text == "truncate" else [encoding, *encoding.overflowing]
            windows += parts
            owner += [i] * len(parts)
        n_tokens = np.array([len(w.ids) for w in windows], dtype=np.float64)
        return windows, np.array(owner, dtype=np.intp), n_tokens

    @staticmethod
    def features(encodings):
        """``input_ids``, ``attention_mask``, ``token_type_ids`` int64 arrays, right-padded."""
        width = max(len(e.ids) for e in encodings)
        out = {name: np.zeros((len(encodings), width), dtype=np.int64)
               for name in ("input_ids", "attention_mask", "token_type_ids")}
        for i, e in enumerate(encodings):
            n = len(e.ids)
            out["input_ids"][i, :n] = e.ids
            out["attention_mask"][i, :n] = 1
            out["token_type_ids"][i, :n] = e.type_ids
        return out


def _export_module(st):
    """``(module, example inputs)``: the whole sentence-transformers pipeline, for export."""
    import torch

    class SentenceGraph(torch.nn.Module):
        def __init__(self, st):
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask, token_type_ids):
            features = {"input_ids": input_ids, "attention_mask": attention_mask,
                        "token_type_ids": token_type_ids}
            return self.st(features)["sentence_embedding"]

    ids = torch.full((1, 8), 100, dtype=torch.long)
    return SentenceGraph(st).eval(), (ids, torch.ones_like(ids), torch.zeros_like(ids))


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
