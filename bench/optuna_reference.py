"""Optuna's samplers on the tuning bench's problems, for bench/tune.bench.ts.

Reads a JSON request on stdin ({"trials": 100, "seeds": [0, ...], "noise_sigma": 1.0, "check": {...}})
and prints JSON: for each problem and sampler the best value reached by each seed, Optuna's suggestion
speed at the bench's history size, and the problems evaluated at the request's check points (so the
bench can confirm both languages define the same functions).

Problems (the same definitions as tune.bench.ts):
  branin           x1 in [-5, 10], x2 in [0, 15]; minimum 0.397887
  hartmann6        x in [0, 1]^6; minimum -3.32237
  noisy_quadratic  x in [-5, 5]^3, f(x) = sum (x_i - 1)^2; the sampler sees f(x) + sigma * eps, where eps
                   is a standard normal made by Box-Muller from two lowbias32 hashes of (seed, trial, k);
                   the reported best is the noise-free f of the trial with the best *observed* value
Samplers: TPESampler() with default settings and seed, TPESampler(multivariate=True), RandomSampler.
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings

import optuna

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)

MASK = 0xFFFFFFFF


def lowbias32(x: int) -> int:
    x &= MASK
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK
    x ^= x >> 15
    x = (x * 0x846CA68B) & MASK
    x ^= x >> 16
    return x


def noise(seed: int, trial: int) -> float:
    key = (seed * 1000003 + trial) * 2
    u1 = (lowbias32(key) + 0.5) / 4294967296
    u2 = (lowbias32(key + 1) + 0.5) / 4294967296
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def branin(x):
    x1, x2 = x
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j] * 1e-4) ** 2
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


def quadratic(x):
    return sum((v - 1) ** 2 for v in x)


PROBLEMS = {
    "branin": ([(-5.0, 10.0), (0.0, 15.0)], branin),
    "hartmann6": ([(0.0, 1.0)] * 6, hartmann6),
    "noisy_quadratic": ([(-5.0, 5.0)] * 3, quadratic),
}


def samplers(seed):
    return {
        "optuna_tpe": optuna.samplers.TPESampler(seed=seed),
        "optuna_tpe_multivariate": optuna.samplers.TPESampler(seed=seed, multivariate=True),
        "optuna_random": optuna.samplers.RandomSampler(seed=seed),
    }


def run(problem, sampler, seed, trials, sigma):
    bounds, f = PROBLEMS[problem]
    study = optuna.create_study(direction="minimize", sampler=sampler)
    best_observed = math.inf
    best_true = math.inf
    for number in range(trials):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        true = f(x)
        observed = true + sigma * noise(seed, number) if problem == "noisy_quadratic" else true
        study.tell(trial, observed)
        if observed < best_observed:
            best_observed = observed
            best_true = true
    return best_true, study


def suggestion_speed(study, problem, repeats):
    """Suggestions per second with the study's history: ask and suggest, then tell FAIL (TPE ignores
    failed trials, so the history stays the same size)."""
    bounds, _ = PROBLEMS[problem]
    started = time.perf_counter()
    for _ in range(repeats):
        trial = study.ask()
        for i, (lo, hi) in enumerate(bounds):
            trial.suggest_float(f"x{i}", lo, hi)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return repeats / (time.perf_counter() - started)


def main():
    request = json.load(sys.stdin)
    trials = request["trials"]
    sigma = request["noise_sigma"]
    results = {}
    speed = {}
    for problem in PROBLEMS:
        for seed in request["seeds"]:
            for name, sampler in samplers(seed).items():
                best, study = run(problem, sampler, seed, trials, sigma)
                results.setdefault(problem, {}).setdefault(name, []).append(best)
                if seed == request["seeds"][0] and name != "optuna_random" and problem == "hartmann6":
                    speed[name] = suggestion_speed(study, problem, request.get("speed_repeats", 50))
    check = request.get("check", {})
    evaluations = {
        "branin": [branin(x) for x in check.get("branin", [])],
        "hartmann6": [hartmann6(x) for x in check.get("hartmann6", [])],
        "noisy_quadratic": [quadratic(x) for x in check.get("noisy_quadratic", [])],
        "noise": [noise(s, t) for s, t in check.get("noise", [])],
    }
    json.dump(
        {
            "versions": {"optuna": optuna.__version__, "python": sys.version.split()[0]},
            "results": results,
            "speed": speed,
            "check": evaluations,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
