#!/usr/bin/python3
"""Reference trajectories for src/optimizers, written to test/fixtures/optimizers.json.

Run with Debian's Python (it has torch 1.13):
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/reference/optimizers.py
The 3x3 and 16x3 matrix products go through OpenBLAS; its kernels differ by core type in the last
float32 bit. The committed fixture was made with the SkylakeX kernels (on the 2026-12 machines the
auto-detected core gives values up to 3e-5 different, though the tests' tolerance absorbs both).

Each case runs a real torch.optim optimizer (float32, single-tensor path, the CPU default in 1.13)
on a fixed problem and records, for every step: the learning rate set in param_groups before the
step, the loss before the step, the global gradient norm (when the case clips with
torch.nn.utils.clip_grad_norm_) and every parameter after the step. The learning rate changes in
the middle of every run (and on every step in the "cosine" cases), so the fixtures also pin down
that a changed rate is read by the next update while the optimizer state is kept.

Problems (their data is written into the fixture, so the TypeScript side uses the same numbers):
- "quadratic": f(x) = 0.5 x^T A x - b^T x with A = R diag(1, 10, 100) R^T (condition number 100);
- "leastsq":   f(W, c) = mean((X W + c - Y)^2) with X 16x3, Y 16x2 (two parameters).

The parameter-group cases (on "leastsq", field "groups") give W and/or c their own rate multiplier
and weight decay as torch param_groups; before each step every group's lr is set to the base rate
times its multiplier (what LambdaLR does with per-group initial rates), recorded in "groupLrs".
"""
import json
import math
import os

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "optimizers.json")
STEPS = 40
CHANGE_AT = 20  # the learning rate changes before this step

torch.set_num_threads(1)


def f32(values):
    """Shortest decimal strings that round-trip to the same float32 (small JSON, exact values)."""
    return [float(repr(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def rotation():
    a, b, c = 0.3, -0.7, 1.1
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def make_problems():
    r = rotation()
    a = (r @ np.diag([1.0, 10.0, 100.0]) @ r.T).astype(np.float32)
    a = (a + a.T) / 2
    quadratic = {
        "name": "quadratic",
        "A": {"shape": [3, 3], "values": f32(a)},
        "b": {"shape": [3], "values": f32([1.0, -2.0, 0.5])},
        "params": {"x": {"shape": [3], "values": f32([1.5, -1.0, 2.0])}},
    }
    rng = np.random.default_rng(7)
    x = rng.normal(size=(16, 3)) * np.array([1.0, 2.0, 0.5])
    w_true = np.array([[0.5, -1.0], [1.5, 0.2], [-0.7, 0.9]])
    y = x @ w_true + np.array([0.3, -0.4]) + 0.1 * rng.normal(size=(16, 2))
    leastsq = {
        "name": "leastsq",
        "X": {"shape": [16, 3], "values": f32(x)},
        "Y": {"shape": [16, 2], "values": f32(y)},
        "params": {
            "W": {"shape": [3, 2], "values": f32(rng.normal(size=(3, 2)) * 0.5)},
            "c": {"shape": [2], "values": f32([0.0, 0.0])},
        },
    }
    return {"quadratic": quadratic, "leastsq": leastsq}


def tensor(spec):
    return torch.tensor(np.array(spec["values"], dtype=np.float32).reshape(spec["shape"]))


def loss_fn(problem, params):
    if problem["name"] == "quadratic":
        a, b, x = tensor(problem["A"]), tensor(problem["b"]), params["x"]
        return 0.5 * torch.sum(x * (a @ x)) - torch.sum(b * x)
    xs, ys = tensor(problem["X"]), tensor(problem["Y"])
    return torch.mean((xs @ params["W"] + params["c"] - ys) ** 2)


def torch_optimizer(kind, params, lr, opts):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=opts.get("momentum", 0.0),
                               dampening=opts.get("dampening", 0.0), nesterov=opts.get("nesterov", False),
                               weight_decay=opts.get("weightDecay", 0.0), foreach=False)
    if kind in ("adam", "adamw"):
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        default_wd = 0.0 if kind == "adam" else 1e-2
        return cls(params, lr=lr, betas=(opts.get("beta1", 0.9), opts.get("beta2", 0.999)),
                   eps=opts.get("eps", 1e-8), weight_decay=opts.get("weightDecay", default_wd),
                   amsgrad=opts.get("amsgrad", False), foreach=False)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=opts.get("alpha", 0.99), eps=opts.get("eps", 1e-8),
                                   momentum=opts.get("momentum", 0.0), centered=opts.get("centered", False),
                                   weight_decay=opts.get("weightDecay", 0.0), foreach=False)
    raise ValueError(kind)


def lr_sequence(shape, lr0, lr1):
    if shape == "step":  # one change in the middle of the run
        return [lr0 if k < CHANGE_AT else lr1 for k in range(STEPS)]
    # "cosine": a new rate before every step, from lr0 down to lr1
    return [lr1 + 0.5 * (lr0 - lr1) * (1 + math.cos(math.pi * k / (STEPS - 1))) for k in range(STEPS)]


def run_case(problem, kind, opts, lr0, lr1, shape="step", max_norm=None, norm_type=2.0, groups=None):
    params = {name: torch.nn.Parameter(tensor(spec)) for name, spec in problem["params"].items()}
    lrs = lr_sequence(shape, lr0, lr1)
    if groups is None:
        opt = torch_optimizer(kind, list(params.values()), lrs[0], opts)
        scales = [1.0]
    else:
        # torch param_groups: one dict per group with its own lr (base x lrScale) and weight decay;
        # the parameters in no group form a last group with the optimizer's defaults.
        grouped = [n for g in groups for n in g["params"]]
        torch_groups = []
        for g in groups:
            d = {"params": [params[n] for n in g["params"]], "lr": lrs[0] * g["lrScale"]}
            if "weightDecay" in g:
                d["weight_decay"] = g["weightDecay"]
            torch_groups.append(d)
        rest = [p for n, p in params.items() if n not in grouped]
        if rest:
            torch_groups.append({"params": rest})
        opt = torch_optimizer(kind, torch_groups, lrs[0], opts)
        scales = [g["lrScale"] for g in groups] + ([1.0] if rest else [])
    losses, norms, snapshots, group_lrs = [], [], [], []
    for k in range(STEPS):
        # the schedule sets the base rate; every group keeps its ratio to it (torch's LambdaLR)
        for group, scale in zip(opt.param_groups, scales):
            group["lr"] = lrs[k] * scale
        group_lrs.append([group["lr"] for group in opt.param_groups])
        opt.zero_grad()
        loss = loss_fn(problem, params)
        loss.backward()
        if max_norm is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm, norm_type)))
        opt.step()
        losses.append(float(loss))
        snapshots.append({name: f32(p.detach().numpy()) for name, p in params.items()})
    case = {
        "id": f"{kind} {json.dumps(opts, sort_keys=True)} on {problem['name']} lr {shape} {lr0}->{lr1}",
        "optimizer": kind,
        "options": opts,
        "problem": problem["name"],
        "lrs": lrs,
        "losses": losses,
        "snapshots": snapshots,
    }
    if groups is not None:
        case["id"] += " groups " + json.dumps(groups, sort_keys=True)
        case["groups"] = groups
        case["groupLrs"] = group_lrs
    if max_norm is not None:
        case["clip"] = {"maxNorm": max_norm, "normType": "inf" if norm_type == math.inf else norm_type}
        case["norms"] = norms
    return case


def main():
    problems = make_problems()
    q, ls = problems["quadratic"], problems["leastsq"]
    cases = []
    sgd_sets = [{}, {"momentum": 0.9}, {"momentum": 0.9, "dampening": 0.5}, {"momentum": 0.9, "nesterov": True},
                {"momentum": 0.5, "weightDecay": 0.1}, {"weightDecay": 0.05}]
    adam_sets = [{}, {"amsgrad": True}, {"weightDecay": 0.1}, {"weightDecay": 0.1, "amsgrad": True},
                 {"beta1": 0.8, "beta2": 0.99, "eps": 1e-3}]
    adamw_sets = [{}, {"weightDecay": 0.1}, {"weightDecay": 0.1, "amsgrad": True}, {"weightDecay": 0.0}]
    rms_sets = [{}, {"centered": True}, {"momentum": 0.5}, {"centered": True, "momentum": 0.5, "weightDecay": 0.1},
                {"alpha": 0.9, "eps": 1e-4}]
    for opts in sgd_sets:
        cases.append(run_case(q, "sgd", opts, 0.012, 0.005))
        cases.append(run_case(ls, "sgd", opts, 0.05, 0.02))
    for opts in adam_sets:
        cases.append(run_case(q, "adam", opts, 0.1, 0.02))
        cases.append(run_case(ls, "adam", opts, 0.05, 0.2))
    for opts in adamw_sets:
        cases.append(run_case(q, "adamw", opts, 0.1, 0.02))
        cases.append(run_case(ls, "adamw", opts, 0.05, 0.2))
    for opts in rms_sets:
        cases.append(run_case(q, "rmsprop", opts, 0.01, 0.003))
        cases.append(run_case(ls, "rmsprop", opts, 0.01, 0.03))
    # a new learning rate before every step
    cases.append(run_case(q, "sgd", {"momentum": 0.9}, 0.02, 0.001, shape="cosine"))
    cases.append(run_case(q, "adamw", {"weightDecay": 0.05}, 0.2, 0.0, shape="cosine"))
    cases.append(run_case(ls, "rmsprop", {"momentum": 0.3}, 0.02, 0.001, shape="cosine"))
    # gradient clipping before the step (clip_grad_norm_), L2 and max norm
    cases.append(run_case(ls, "sgd", {"momentum": 0.9}, 0.1, 0.05, max_norm=1.0))
    cases.append(run_case(q, "adam", {}, 0.1, 0.02, max_norm=5.0))
    cases.append(run_case(q, "sgd", {}, 0.015, 0.005, max_norm=20.0, norm_type=math.inf))
    # parameter groups (on leastsq: W and c), per-group rate multipliers and weight decay, with the
    # rate changed mid-run or on every step; "lrForm": the TypeScript side gives the group's
    # absolute initial lr (torch's group "lr") instead of lrScale
    group_cases = [
        ("sgd", {"momentum": 0.9, "weightDecay": 0.05}, 0.05, 0.02, "step",
         [{"params": ["W"], "lrScale": 0.5, "weightDecay": 0.2}, {"params": ["c"], "lrScale": 2.0}]),
        ("sgd", {"nesterov": True, "momentum": 0.9}, 0.05, 0.005, "cosine",
         [{"params": ["c"], "lrScale": 3.0, "weightDecay": 0.1}]),
        ("adam", {}, 0.05, 0.2, "step", [{"params": ["W"], "lrScale": 0.3, "weightDecay": 0.1}]),
        ("adam", {"amsgrad": True}, 0.1, 0.0, "cosine",
         [{"params": ["W"], "lrScale": 0.25}, {"params": ["c"], "lrScale": 4.0, "weightDecay": 0.05}]),
        ("adamw", {"weightDecay": 0.1}, 0.05, 0.2, "step", [{"params": ["c"], "lrScale": 4.0, "weightDecay": 0.0}]),
        ("adamw", {"weightDecay": 0.05}, 0.2, 0.0, "cosine",
         [{"params": ["W"], "lrScale": 0.125, "weightDecay": 0.3}, {"params": ["c"], "lrScale": 1.0}]),
        ("rmsprop", {"momentum": 0.5}, 0.01, 0.02, "step",
         [{"params": ["W"], "lrScale": 0.25}, {"params": ["c"], "lrScale": 2.0, "weightDecay": 0.1}]),
        ("rmsprop", {"centered": True, "weightDecay": 0.05}, 0.02, 0.001, "cosine",
         [{"params": ["W"], "lrScale": 0.5, "weightDecay": 0.0}]),
    ]
    for i, (kind, opts, lr0, lr1, shape, groups) in enumerate(group_cases):
        case = run_case(ls, kind, opts, lr0, lr1, shape=shape, groups=groups)
        case["lrForm"] = i % 2 == 1
        cases.append(case)
    with open(OUT, "w") as fh:
        json.dump({
            "torch": torch.__version__,
            "steps": STEPS,
            "changeAt": CHANGE_AT,
            "problems": problems,
            "cases": cases,
        }, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
