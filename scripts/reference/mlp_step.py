"""PyTorch timing of the character MLP that scripts/bench/mlp-step.bench.ts trains in tfjs.

Same model as src/models/mlp-char.ts (Bengio et al. 2003, makemore part 2): an embedding table
C [V, d] looked up for each of the previous n characters, concatenated, one tanh hidden layer,
a linear layer to logits; the notebooks' sizes (n 3, d 8, hidden 64, vocab 27, batch 32). Same
init (N(0, 1) table, Kaiming-gain tanh layer, small output layer). Same step: a batch of random
contexts, forward, cross-entropy, backward, SGD update (lr 0.1, no momentum), read the loss.
Prints one JSON line, as gpt_step.py does (its BLAS report and --peak are shared).

usage: /usr/bin/python3 scripts/reference/mlp_step.py [--steps N] [--warmup N] [--threads N]
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F

from gpt_step import blas_in_use


class MlpChar(torch.nn.Module):
    def __init__(self, vocab, context, embedding, hidden):
        super().__init__()
        self.C = torch.nn.Parameter(torch.randn(vocab, embedding))
        self.W1 = torch.nn.Parameter(torch.randn(context * embedding, hidden) * (5 / 3) / math.sqrt(context * embedding))
        self.b1 = torch.nn.Parameter(torch.randn(hidden) * 0.01)
        self.W2 = torch.nn.Parameter(torch.randn(hidden, vocab) * 0.01)
        self.b2 = torch.nn.Parameter(torch.zeros(vocab))

    def forward(self, x):
        emb = self.C[x].view(x.shape[0], -1)
        h = torch.tanh(emb @ self.W1 + self.b1)
        return h @ self.W2 + self.b2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vocab", type=int, default=27)
    ap.add_argument("--context", type=int, default=3)
    ap.add_argument("--embedding", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    torch.zeros(8, 8) @ torch.zeros(8, 8)  # loads the BLAS before it is inspected
    model = MlpChar(a.vocab, a.context, a.embedding, a.hidden)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    stream = torch.randint(0, a.vocab, (20000,))

    def step():
        starts = torch.randint(0, len(stream) - a.context - 1, (a.batch,))
        x = torch.stack([stream[s : s + a.context] for s in starts])
        y = stream[starts + a.context]
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps({
        "backend": "torch",
        "version": torch.__version__,
        "threads": a.threads,
        "params": sum(p.numel() for p in model.parameters()),
        "steps": a.steps,
        "msPerStep": median,
        "tokensPerS": a.batch / (median / 1000),
        "blas": blas_in_use(),
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ},
    }))


if __name__ == "__main__":
    main()
