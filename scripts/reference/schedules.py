#!/usr/bin/python3
"""Reference values for src/schedules, written to test/fixtures/schedules.json.

Run with Debian's Python (it has torch 1.13):  /usr/bin/python3 scripts/reference/schedules.py

PyTorch cases step a real torch.optim.lr_scheduler class attached to a dummy SGD optimizer and
read get_last_lr() before each step, i.e. the learning rate used by the update at that step.
Hugging Face cases do the same with torch's LambdaLR and the lr_lambda functions of
transformers/optimization.py, rewritten here from their published formulas (transformers is not
installed on this machine).

Each case says which value it holds ("reference"):
- "recursive": what PyTorch's step() produced (the chained, recursive form for most classes);
- "closed-form": PyTorch's _get_closed_form_lr() at that step. Used where the recursive form
  differs from the closed form that our schedules implement (CosineAnnealingLR, and LinearLR with
  start_factor 0, whose recursion divides by zero). The script prints how far the recursive
  values are from the closed form in every case.
- "lambda": base_lr * lr_lambda(step) through LambdaLR (Hugging Face formulas).
Steps >= "holdFrom" (when present) are beyond the schedule's horizon: the expected value there is
our contract (hold the last value / minLr), written out by this script, because PyTorch raises
(OneCycleLR) or keeps going (CosineAnnealingLR, Hugging Face cosine) instead.
"""
import json
import math
import os
import sys
import warnings
from functools import partial

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")  # the deprecation warning of step(epoch) inside SequentialLR

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "schedules.json")


def optimizer(lr, momentum=0.0):
    return SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=momentum)


def run(scheduler, opt, last_step):
    """get_last_lr() before each of steps 0..last_step, stepping the optimizer then the scheduler."""
    values = []
    for step in range(last_step + 1):
        values.append(float(scheduler.get_last_lr()[0]))
        if step < last_step:
            opt.step()
            scheduler.step()
    return values


def closed_form(make, lr, last_step):
    """_get_closed_form_lr() at each step 0..last_step, on a fresh scheduler."""
    opt = optimizer(lr)
    sched = make(opt)
    out = []
    for step in range(last_step + 1):
        sched.last_epoch = step
        out.append(float(sched._get_closed_form_lr()[0]))
    return out


# ---- Our options -> a torch scheduler on `opt` (opt was made with the base lr) ----

def torch_scheduler(family, o, opt):
    if family == "linear":
        return S.LinearLR(opt, start_factor=o.get("startFactor", 1.0 / 3), end_factor=o.get("endFactor", 1.0),
                          total_iters=o.get("totalSteps", 5))
    if family == "stepDecay":
        return S.StepLR(opt, step_size=o["stepSize"], gamma=o.get("gamma", 0.1))
    if family == "multiStepDecay":
        return S.MultiStepLR(opt, milestones=o["milestones"], gamma=o.get("gamma", 0.1))
    if family == "exponentialDecay":
        return S.ExponentialLR(opt, gamma=o["gamma"])
    if family == "polynomialDecay":
        return S.PolynomialLR(opt, total_iters=o["totalSteps"], power=o.get("power", 1.0))
    if family == "cosineAnnealing":
        return S.CosineAnnealingLR(opt, T_max=o["totalSteps"], eta_min=o.get("minLr", 0.0))
    if family == "cosineWarmRestarts":
        return S.CosineAnnealingWarmRestarts(opt, T_0=o["firstCycleSteps"], T_mult=o.get("cycleMult", 1),
                                             eta_min=o.get("minLr", 0.0))
    if family == "cyclic":
        return S.CyclicLR(opt, base_lr=o["baseLr"], max_lr=o["maxLr"], step_size_up=o["stepSizeUp"],
                          step_size_down=o.get("stepSizeDown"), mode=o.get("mode", "triangular"),
                          gamma=o.get("gamma", 1.0), cycle_momentum=False)
    if family == "oneCycle":
        return S.OneCycleLR(opt, max_lr=o["maxLr"], total_steps=o["totalSteps"], pct_start=float(o.get("pctStart", 0.3)),
                            div_factor=o.get("divFactor", 25.0), final_div_factor=o.get("finalDivFactor", 1e4),
                            anneal_strategy=o.get("annealStrategy", "cos"), three_phase=o.get("threePhase", False),
                            cycle_momentum=False)
    raise ValueError(family)


def base_lr(family, o):
    return o["baseLr"] if family == "cyclic" else o["maxLr"] if family == "oneCycle" else o["lr"]


# ---- Hugging Face lr_lambda formulas (transformers/optimization.py) ----

def hf_constant(_step):
    return 1


def hf_constant_with_warmup(current_step, *, num_warmup_steps):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1.0, num_warmup_steps))
    return 1.0


def hf_linear_with_warmup(current_step, *, num_warmup_steps, num_training_steps):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))


def hf_cosine_with_warmup(current_step, *, num_warmup_steps, num_training_steps, num_cycles=0.5, min_lr_rate=0.0):
    # get_cosine_schedule_with_warmup (min_lr_rate 0) and get_cosine_with_min_lr_schedule_with_warmup
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
    factor = factor * (1 - min_lr_rate) + min_lr_rate
    return max(0, factor)


def hf_inverse_sqrt(current_step, *, num_warmup_steps, timescale):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    shift = timescale - num_warmup_steps
    return 1.0 / math.sqrt((current_step + shift) / timescale)


def hf_wsd(current_step, *, num_warmup_steps, num_stable_steps, num_decay_steps, decay_type, min_lr_ratio,
           num_cycles=0.5):
    # get_wsd_schedule with warmup_type "linear"
    if current_step < num_warmup_steps:
        progress = float(current_step) / float(max(1, num_warmup_steps))
        factor = progress * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)
    if current_step < num_warmup_steps + num_stable_steps:
        return 1.0
    if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
        progress = float(current_step - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
        if decay_type == "linear":
            factor = 1.0 - progress
        elif decay_type == "cosine":
            factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        elif decay_type == "1-sqrt":
            factor = 1.0 - math.sqrt(progress)
        factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)
    return min_lr_ratio


def hf_lambda(family, o):
    """(base lr, lr_lambda, horizon or None) for a Hugging Face-shaped case in our option names."""
    if family == "constant":
        return o["lr"], hf_constant, None
    if family == "warmupCosine":
        lr = o["lr"]
        return lr, partial(hf_cosine_with_warmup, num_warmup_steps=o["warmupSteps"], num_training_steps=o["totalSteps"],
                           min_lr_rate=o.get("minLr", 0.0) / lr), o["totalSteps"]
    if family == "inverseSqrt":
        w = o["warmupSteps"]
        return o["lr"], partial(hf_inverse_sqrt, num_warmup_steps=w, timescale=o.get("timescale") or (w or 10_000)), None
    if family == "warmupStableDecay":
        lr, w, d, t = o["lr"], o["warmupSteps"], o["decaySteps"], o["totalSteps"]
        return lr, partial(hf_wsd, num_warmup_steps=w, num_stable_steps=t - w - d, num_decay_steps=d,
                           decay_type=o.get("decayShape", "cosine"), min_lr_ratio=o.get("minLr", 0.0) / lr), None
    raise ValueError(family)


def lambda_values(lr, fn, last_step):
    opt = optimizer(lr)
    return run(S.LambdaLR(opt, fn), opt, last_step)


# ---- cases ----

cases = []
closed_vs_recursive = []  # (case, largest relative gap between PyTorch's recursive and closed forms)


def rel_gap(a, b, scale):
    return max((abs(x - y) / max(abs(y), 1e-300) if abs(y) > 1e-12 * scale else 0.0) for x, y in zip(a, b))


def torch_case(name, family, o, last_step, note=None, reference="recursive", horizon=None, hold_value=None, pick=None):
    """A PyTorch class case over steps 0..last_step (only those where pick(step), if given).
    With a horizon, steps past it hold hold_value."""
    lr = base_lr(family, o)
    torch_last = last_step if horizon is None else min(last_step, horizon)
    opt = optimizer(lr, momentum=0.0)
    try:
        recursive = run(torch_scheduler(family, o, opt), opt, torch_last)
    except ZeroDivisionError as e:
        if reference != "closed-form":
            raise
        recursive = None
        closed_vs_recursive.append((name, f"recursive form raises ZeroDivisionError ({e})"))
    expected = recursive
    if hasattr(torch_scheduler(family, o, optimizer(lr)), "_get_closed_form_lr"):
        closed = closed_form(lambda op: torch_scheduler(family, o, op), lr, torch_last)
        if recursive is not None:
            closed_vs_recursive.append((name, rel_gap(recursive, closed, lr)))
        if reference == "closed-form":
            expected = closed
    steps = list(range(last_step + 1))
    expected = expected + [hold_value] * (last_step - torch_last)
    if pick is not None:
        expected = [v for t, v in zip(steps, expected) if pick(t)]
        steps = [t for t in steps if pick(t)]
    case = {"name": name, "family": family, "options": o, "reference": reference, "steps": steps, "expected": expected}
    if horizon is not None and last_step > horizon:
        case["holdFrom"] = horizon + 1
    if note:
        case["note"] = note
    cases.append(case)


def lambda_case(name, family, o, last_step, note=None, spec=None):
    lr, fn, horizon = hf_lambda(family, o)
    hf_last = last_step if horizon is None else min(last_step, horizon)
    values = lambda_values(lr, fn, hf_last)
    held = o.get("minLr", 0.0) if family == "warmupCosine" else None
    case = {"name": name, "family": family, "options": o, "reference": "lambda",
            "steps": list(range(last_step + 1)), "expected": values + [held] * (last_step - hf_last)}
    if horizon is not None and last_step > horizon:
        case["holdFrom"] = horizon + 1
    if note:
        case["note"] = note
    cases.append(case)


# Plain PyTorch families: no horizon, or PyTorch itself holds after it.
torch_case("stepDecay gamma 0.5 every 3", "stepDecay", {"lr": 0.1, "stepSize": 3, "gamma": 0.5}, 12)
torch_case("stepDecay default gamma every step", "stepDecay", {"lr": 1.0, "stepSize": 1}, 6)
torch_case("multiStepDecay [2,5,9] gamma 0.5", "multiStepDecay", {"lr": 0.1, "milestones": [2, 5, 9], "gamma": 0.5}, 12)
torch_case("multiStepDecay [1] default gamma", "multiStepDecay", {"lr": 0.05, "milestones": [1]}, 4)
torch_case("exponentialDecay gamma 0.95", "exponentialDecay", {"lr": 0.1, "gamma": 0.95}, 60)
torch_case("exponentialDecay gamma 1", "exponentialDecay", {"lr": 1.0, "gamma": 1.0}, 5)
torch_case("linear defaults (1/3 -> 1 over 5)", "linear", {"lr": 0.1}, 7)
torch_case("linear warmup 0.1 -> 1 over 10", "linear", {"lr": 0.3, "startFactor": 0.1, "endFactor": 1.0, "totalSteps": 10}, 12)
torch_case("linear decay 1 -> 0 over 8", "linear", {"lr": 0.1, "startFactor": 1.0, "endFactor": 0.0, "totalSteps": 8}, 10)
torch_case("linear startFactor 0 (closed form)", "linear", {"lr": 0.2, "startFactor": 0.0, "endFactor": 1.0, "totalSteps": 4}, 6,
           reference="closed-form",
           note="PyTorch 1.13's recursive LinearLR divides by total_iters * start_factor (ZeroDivisionError); the closed form ramps 0 -> lr")
torch_case("polynomialDecay power 1 over 10", "polynomialDecay", {"lr": 0.1, "totalSteps": 10}, 12)
torch_case("polynomialDecay power 2 over 7", "polynomialDecay", {"lr": 0.1, "totalSteps": 7, "power": 2.0}, 9)
torch_case("polynomialDecay power 0.5 over 5", "polynomialDecay", {"lr": 0.05, "totalSteps": 5, "power": 0.5}, 8)
# CosineAnnealingLR: closed form up to totalSteps, minLr after.
torch_case("cosineAnnealing over 10", "cosineAnnealing", {"lr": 0.1, "totalSteps": 10}, 13,
           reference="closed-form", horizon=10, hold_value=0.0)
torch_case("cosineAnnealing minLr 0.01 over 25", "cosineAnnealing", {"lr": 0.1, "totalSteps": 25, "minLr": 0.01}, 28,
           reference="closed-form", horizon=25, hold_value=0.01)
torch_case("cosineAnnealing over 1", "cosineAnnealing", {"lr": 0.1, "totalSteps": 1, "minLr": 0.001}, 3,
           reference="closed-form", horizon=1, hold_value=0.001)
# SGDR: restarts at 5, 10, 15 / 3, 9, 21, 45 / 1, 4, 13, 40, 121 / every step.
torch_case("cosineWarmRestarts T0 5", "cosineWarmRestarts", {"lr": 0.1, "firstCycleSteps": 5}, 17)
torch_case("cosineWarmRestarts T0 3 mult 2 minLr", "cosineWarmRestarts",
           {"lr": 0.1, "firstCycleSteps": 3, "cycleMult": 2, "minLr": 0.001}, 50)
torch_case("cosineWarmRestarts T0 1 mult 3", "cosineWarmRestarts", {"lr": 0.05, "firstCycleSteps": 1, "cycleMult": 3}, 130)
torch_case("cosineWarmRestarts T0 1 (restart every step)", "cosineWarmRestarts", {"lr": 0.1, "firstCycleSteps": 1}, 4)
torch_case("cosineWarmRestarts T0 7 mult 5", "cosineWarmRestarts", {"lr": 0.2, "firstCycleSteps": 7, "cycleMult": 5}, 230)
# Cycle starts 1, 10, 91, 820, 7381: at 7381 a floating-point log(step) puts the step in the wrong
# cycle, which the schedule must correct. Only steps near each restart are kept.
torch_case("cosineWarmRestarts T0 1 mult 9 (boundaries to 7381)", "cosineWarmRestarts",
           {"lr": 0.1, "firstCycleSteps": 1, "cycleMult": 9}, 7400,
           pick=lambda t: t <= 12 or any(abs(t - b) <= 2 for b in (91, 820, 7381)) or t == 7400,
           note="a float log() of 7381 gives cycle 4; the restart is cycle 5")
# CyclicLR
torch_case("cyclic triangular up 4", "cyclic", {"baseLr": 0.001, "maxLr": 0.01, "stepSizeUp": 4}, 20)
torch_case("cyclic triangular2 up 3 down 5", "cyclic",
           {"baseLr": 0.001, "maxLr": 0.01, "stepSizeUp": 3, "stepSizeDown": 5, "mode": "triangular2"}, 40)
torch_case("cyclic exp_range gamma 0.97", "cyclic",
           {"baseLr": 0.0005, "maxLr": 0.005, "stepSizeUp": 5, "mode": "exp_range", "gamma": 0.97}, 40)
torch_case("cyclic sawtooth down 0", "cyclic", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 4, "stepSizeDown": 0}, 12)
# OneCycleLR: PyTorch raises past totalSteps; we hold the value of step totalSteps - 1.
def one_cycle_case(name, o):
    t = o["totalSteps"]
    opt = optimizer(o["maxLr"])
    last = run(torch_scheduler("oneCycle", o, opt), opt, t - 1)[-1]
    torch_case(name, "oneCycle", o, t + 2, horizon=t - 1, hold_value=last)


one_cycle_case("oneCycle defaults over 100", {"maxLr": 0.1, "totalSteps": 100})
one_cycle_case("oneCycle linear pct 0.25 over 37", {"maxLr": 0.02, "totalSteps": 37, "pctStart": 0.25, "annealStrategy": "linear"})
one_cycle_case("oneCycle threePhase over 50", {"maxLr": 0.1, "totalSteps": 50, "threePhase": True})
one_cycle_case("oneCycle threePhase linear pct 0.4 div 10 final 100", {
    "maxLr": 0.5, "totalSteps": 20, "pctStart": 0.4, "divFactor": 10.0, "finalDivFactor": 100.0,
    "annealStrategy": "linear", "threePhase": True})
one_cycle_case("oneCycle over 3 (rising phase shorter than a step)", {"maxLr": 0.1, "totalSteps": 3})
one_cycle_case("oneCycle pctStart 0", {"maxLr": 0.1, "totalSteps": 10, "pctStart": 0.0})
one_cycle_case("oneCycle threePhase pct 0.6 (never reaches phase 3)", {"maxLr": 0.1, "totalSteps": 10, "pctStart": 0.6, "threePhase": True})

# Hugging Face formulas through LambdaLR
lambda_case("constant", "constant", {"lr": 0.003}, 3)
lambda_case("warmupCosine w10 t100 minLr", "warmupCosine", {"lr": 3e-4, "warmupSteps": 10, "totalSteps": 100, "minLr": 3e-5}, 103)
lambda_case("warmupCosine w0 t20", "warmupCosine", {"lr": 0.1, "warmupSteps": 0, "totalSteps": 20}, 22)
lambda_case("warmupCosine warmup == total", "warmupCosine", {"lr": 0.1, "warmupSteps": 5, "totalSteps": 5, "minLr": 0.01}, 7)
lambda_case("warmupCosine t1", "warmupCosine", {"lr": 0.1, "warmupSteps": 0, "totalSteps": 1, "minLr": 0.05}, 3)
lambda_case("inverseSqrt w10", "inverseSqrt", {"lr": 1e-3, "warmupSteps": 10}, 60)
lambda_case("inverseSqrt w0 (timescale 10000)", "inverseSqrt", {"lr": 1e-3, "warmupSteps": 0}, 2000)
lambda_case("inverseSqrt w4 timescale 20", "inverseSqrt", {"lr": 0.01, "warmupSteps": 4, "timescale": 20}, 40)
lambda_case("warmupStableDecay cosine", "warmupStableDecay",
            {"lr": 1e-3, "warmupSteps": 10, "decaySteps": 20, "totalSteps": 100, "minLr": 1e-4}, 103)
lambda_case("warmupStableDecay linear", "warmupStableDecay",
            {"lr": 1e-3, "warmupSteps": 5, "decaySteps": 10, "totalSteps": 30, "decayShape": "linear"}, 32)
lambda_case("warmupStableDecay 1-sqrt no warmup", "warmupStableDecay",
            {"lr": 2e-3, "warmupSteps": 0, "decaySteps": 8, "totalSteps": 16, "minLr": 2e-4, "decayShape": "1-sqrt"}, 18)
lambda_case("warmupStableDecay no stable phase", "warmupStableDecay",
            {"lr": 0.1, "warmupSteps": 4, "decaySteps": 6, "totalSteps": 10, "minLr": 0.001}, 12)
lambda_case("warmupStableDecay no decay phase", "warmupStableDecay",
            {"lr": 0.1, "warmupSteps": 3, "decaySteps": 0, "totalSteps": 8, "minLr": 0.01}, 10)

# Composition
def sequential_case(name, parts, milestones, last_step, horizon=None, hold_value=None):
    """PyTorch SequentialLR over schedulers built from our option specs (all share the first lr)."""
    lr = base_lr(parts[0]["family"], parts[0]["options"])
    torch_last = last_step if horizon is None else min(last_step, horizon)
    opt = optimizer(lr)
    scheds = [torch_scheduler(p["family"], p["options"], opt) for p in parts]
    values = run(S.SequentialLR(opt, scheds, milestones), opt, torch_last)
    case = {"name": name, "family": "sequential", "options": {"schedules": parts, "milestones": milestones},
            "reference": "recursive", "steps": list(range(last_step + 1)),
            "expected": values + [hold_value] * (last_step - torch_last)}
    if horizon is not None and last_step > horizon:
        case["holdFrom"] = horizon + 1
    cases.append(case)


sequential_case("sequential linear -> exponential", [
    {"family": "linear", "options": {"lr": 0.1, "startFactor": 0.1, "totalSteps": 5}},
    {"family": "exponentialDecay", "options": {"lr": 0.1, "gamma": 0.9}}], [5], 15)
sequential_case("sequential linear -> cosineAnnealing", [
    {"family": "linear", "options": {"lr": 0.1, "startFactor": 0.25, "totalSteps": 4}},
    {"family": "cosineAnnealing", "options": {"lr": 0.1, "totalSteps": 10}}], [4], 16, horizon=14, hold_value=0.0)
sequential_case("sequential linear -> stepDecay -> exponential", [
    {"family": "linear", "options": {"lr": 0.1, "startFactor": 0.5, "totalSteps": 3}},
    {"family": "stepDecay", "options": {"lr": 0.1, "stepSize": 2, "gamma": 0.5}},
    {"family": "exponentialDecay", "options": {"lr": 0.1, "gamma": 0.8}}], [3, 9], 14)


def warmup_case(name, inner, warmup, lr, fn, last_step, horizon=None, hold_value=None):
    """withWarmup(inner, warmup) against a Hugging Face *_with_warmup lambda."""
    hf_last = last_step if horizon is None else min(last_step, horizon)
    values = lambda_values(lr, fn, hf_last)
    case = {"name": name, "family": "withWarmup", "options": {"schedule": inner, "warmupSteps": warmup},
            "reference": "lambda", "steps": list(range(last_step + 1)),
            "expected": values + [hold_value] * (last_step - hf_last)}
    if horizon is not None and last_step > horizon:
        case["holdFrom"] = horizon + 1
    cases.append(case)


warmup_case("withWarmup(constant) = HF constant_with_warmup", {"family": "constant", "options": {"lr": 0.01}}, 6, 0.01,
            partial(hf_constant_with_warmup, num_warmup_steps=6), 10)
warmup_case("withWarmup(linear 1 -> 0) = HF linear_with_warmup",
            {"family": "linear", "options": {"lr": 0.01, "startFactor": 1.0, "endFactor": 0.0, "totalSteps": 16}}, 4, 0.01,
            partial(hf_linear_with_warmup, num_warmup_steps=4, num_training_steps=20), 22)
warmup_case("withWarmup(cosineAnnealing) = HF cosine_with_warmup",
            {"family": "cosineAnnealing", "options": {"lr": 0.01, "totalSteps": 30}}, 10, 0.01,
            partial(hf_cosine_with_warmup, num_warmup_steps=10, num_training_steps=40), 42, horizon=40, hold_value=0.0)

# ReduceLROnPlateau: feed metric sequences, record the lr after each step(metric).
plateau = []


def plateau_case(name, o, metrics):
    opt = optimizer(o["lr"])
    sched = S.ReduceLROnPlateau(opt, mode=o.get("mode", "min"), factor=o.get("factor", 0.1), patience=o.get("patience", 10),
                                threshold=o.get("threshold", 1e-4), threshold_mode=o.get("thresholdMode", "rel"),
                                cooldown=o.get("cooldown", 0), min_lr=o.get("minLr", 0.0), eps=o.get("eps", 1e-8))
    expected = []
    for m in metrics:
        opt.step()
        sched.step(m)
        expected.append(float(opt.param_groups[0]["lr"]))
    plateau.append({"name": name, "options": o, "metrics": metrics, "expected": expected, "reference": "recursive"})


flat_after = [1.0, 0.8, 0.6, 0.5] + [0.5] * 16
plateau_case("min rel patience 2 cooldown 2", {"lr": 0.1, "patience": 2, "cooldown": 2}, flat_after)
plateau_case("min rel defaults", {"lr": 0.1}, [1.0] + [0.99995] * 30)  # 0.99995 is inside the 1e-4 threshold
plateau_case("max abs threshold 0.01 patience 1", {"lr": 0.05, "mode": "max", "patience": 1, "threshold": 0.01, "thresholdMode": "abs"},
             [0.1, 0.2, 0.205, 0.21, 0.3, 0.305, 0.3, 0.31, 0.5, 0.5, 0.5, 0.5, 0.5])
plateau_case("min abs patience 0 factor 0.5 minLr 0.02", {"lr": 0.1, "patience": 0, "factor": 0.5, "minLr": 0.02,
                                                          "threshold": 0.0, "thresholdMode": "abs"}, [1.0] * 8)
plateau_case("eps skips tiny reductions", {"lr": 1e-7, "patience": 0, "factor": 0.5, "eps": 1e-7}, [1.0] * 5)
plateau_case("max rel cooldown 3 patience 1", {"lr": 1.0, "mode": "max", "patience": 1, "cooldown": 3, "factor": 0.3},
             [0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7])
plateau_case("NaN counts as no improvement", {"lr": 0.1, "patience": 1}, [1.0, float("nan"), float("nan"), 0.5, float("nan"), 0.4])
plateau_case("cooldown longer than patience, improving in cooldown", {"lr": 0.1, "patience": 0, "cooldown": 4},
             [1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6])

# ---- write ----
for p in plateau:  # JSON has no NaN: store it as null, the test maps it back
    p["metrics"] = [None if isinstance(m, float) and math.isnan(m) else m for m in p["metrics"]]

fixture = {
    "generator": "scripts/reference/schedules.py",
    "torch": torch.__version__,
    "cases": cases,
    "plateau": plateau,
}
with open(OUT, "w") as f:
    json.dump(fixture, f, indent=1, allow_nan=False)
    f.write("\n")

n_values = sum(len(c["expected"]) for c in cases) + sum(len(p["expected"]) for p in plateau)
print(f"wrote {OUT}: {len(cases)} schedule cases + {len(plateau)} plateau cases, {n_values} values")
print("largest relative gap, PyTorch recursive vs closed form (steps within the horizon):")
for name, gap in closed_vs_recursive:
    print(f"  {gap:.3e}  {name}" if isinstance(gap, float) else f"  {gap}  {name}")
