"""PyTorch timing of the tiny GPT that scripts/bench/gpt-step.bench.ts trains in tfjs.

Same model as src/models/gpt.ts: token + position embeddings, pre-LayerNorm blocks of causal
self-attention and a GELU (tanh) MLP, final LayerNorm, untied linear head without bias; N(0, 0.02)
init with residual projections scaled by 1/sqrt(2 * layers). Same step: a batch of random windows,
forward, cross-entropy, backward, AdamW update (lr 1e-3, PyTorch's default weight decay 0.01, as
src/optimizers' adamw), read the loss. Prints one JSON line.

usage: /usr/bin/python3 scripts/reference/gpt_step.py [--steps N] [--warmup N] [--threads N]
       /usr/bin/python3 scripts/reference/gpt_step.py --peak [--threads N]
--peak instead times torch.mm of square float32 matrices (256, 512, 1024; best and median of 9
calls after 2 warm-up calls, 2 n^3 FLOPs each) as the BLAS's achievable matMul rate.
"""
import argparse
import ctypes
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, width, heads, layers):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.out = nn.Linear(4 * width, width)
        for lin in (self.qkv, self.fc):
            nn.init.normal_(lin.weight, std=0.02)
        for lin in (self.proj, self.out):
            nn.init.normal_(lin.weight, std=0.02 / math.sqrt(2 * layers))
        for lin in (self.qkv, self.proj, self.fc, self.out):
            nn.init.zeros_(lin.bias)

    def attention(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        heads = lambda z: z.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.heads) + mask[:T, :T]
        y = F.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))

    def forward(self, x, mask):
        x = x + self.attention(self.ln1(x), mask)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab, block, width, heads, layers):
        super().__init__()
        self.wte = nn.Parameter(torch.randn(vocab, width) * 0.02)
        self.wpe = nn.Parameter(torch.randn(block, width) * 0.02)
        self.blocks = nn.ModuleList(Block(width, heads, layers) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab, bias=False)
        nn.init.normal_(self.head.weight, std=0.02)
        self.register_buffer("mask", torch.triu(torch.full((block, block), -1e9), diagonal=1))

    def forward(self, idx):
        T = idx.shape[1]
        x = self.wte[idx] + self.wpe[:T]
        for blk in self.blocks:
            x = blk(x, self.mask)
        return self.head(self.ln_f(x))


def blas_in_use():
    """Which BLAS library this process loaded (Debian picks it through update-alternatives:
    torch's own BLAS_INFO says only "generic") and, for OpenBLAS, its thread count and core type."""
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
    info = {"libraries": libs, "kind": "unknown", "threads": None, "coretype": None}
    if any("openblas" in l for l in libs):
        info["kind"] = "openblas"
        core = next((l for l in libs if "libopenblas" in l), None)
        if core:
            lib = ctypes.CDLL(core)
            lib.openblas_get_num_threads.restype = ctypes.c_int
            info["threads"] = lib.openblas_get_num_threads()
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["coretype"] = lib.openblas_get_corename().decode()
    elif any("/blas/" in l or l.endswith("/libblas.so.3") for l in libs):
        info["kind"] = "reference"  # Debian's libblas3: unoptimised Fortran loops
    elif any("mkl" in l for l in libs):
        info["kind"] = "mkl"
    return info


def peak(threads):
    """GFLOP/s of torch.mm on square float32 matrices: {n: {"best": x, "median": y}}."""
    torch.set_num_threads(threads)
    out = {}
    for n in (256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(2):
            torch.mm(a, b)
        times = []
        for _ in range(9):
            t0 = time.perf_counter()
            torch.mm(a, b)
            times.append(time.perf_counter() - t0)
        times.sort()
        flops = 2 * n ** 3
        out[str(n)] = {"best": flops / times[0] / 1e9, "median": flops / times[len(times) // 2] / 1e9}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vocab", type=int, default=27)
    ap.add_argument("--block", type=int, default=16)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--peak", action="store_true")
    a = ap.parse_args()
    if a.peak:
        torch.zeros(8, 8) @ torch.zeros(8, 8)
        print(json.dumps({"backend": "torch", "version": torch.__version__, "threads": a.threads, "peak": peak(a.threads), "blas": blas_in_use()}))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    torch.zeros(8, 8) @ torch.zeros(8, 8)  # loads the BLAS before it is inspected
    model = Gpt(a.vocab, a.block, a.width, a.heads, a.layers)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    stream = torch.randint(0, a.vocab, (20000,))

    def step():
        starts = torch.randint(0, len(stream) - a.block - 1, (a.batch,))
        x = torch.stack([stream[s : s + a.block] for s in starts])
        y = torch.stack([stream[s + 1 : s + a.block + 1] for s in starts])
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, a.vocab), y.view(-1))
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
        "tokensPerS": a.batch * a.block / (median / 1000),
        "blas": blas_in_use(),
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if k in os.environ},
    }))


if __name__ == "__main__":
    main()
