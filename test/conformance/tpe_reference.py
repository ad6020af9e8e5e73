"""Reference numbers from the real Optuna for tpe-optuna.test.ts.

Reads one JSON request on stdin and prints one JSON answer on stdout:

  truncnorm    Optuna's `_truncnorm` functions (and libm's erf/erfc through `math`) at given points
  estimators   `_ParzenEstimator` built from given observations: mixture weights, per-parameter kernels
               (mu and sigma, or categorical weight rows) and log_pdf at given points
  studies      a study rebuilt from trial records; the TPESampler's own split (`_split_trials` with its
               gamma) and its `_build_parzen_estimator` for below and above, per parameter (univariate)
               or for all parameters (multivariate), with log_pdf at given points

Parameter specs use quotelab's JSON (`{"type": "float", "low": ..., "high": ..., "log": ..., "step": ...}`),
values are external (a categorical value is the choice itself).
"""

from __future__ import annotations

import json
import math
import sys
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import TPESampler
from optuna.samplers._tpe import _truncnorm
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.samplers._tpe.sampler import _split_trials, default_weights
from optuna.trial import TrialState

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def distribution(spec):
    if spec["type"] == "categorical":
        return CategoricalDistribution(spec["choices"])
    cls = FloatDistribution if spec["type"] == "float" else IntDistribution
    kwargs = {"log": bool(spec.get("log", False))}
    if spec["type"] == "int":
        kwargs["step"] = spec.get("step", 1)
    elif spec.get("step") is not None:
        kwargs["step"] = spec["step"]
    return cls(spec["low"], spec["high"], **kwargs)


def internal(dist, values):
    return np.asarray([dist.to_internal_repr(v) for v in values], dtype=float)


def describe(mpe, names, points):
    mixture = mpe._mixture_distribution
    kernels = []
    for d in mixture.distributions:
        if isinstance(d, _BatchedCategoricalDistributions):
            kernels.append({"kind": "categorical", "weights": d.weights.tolist()})
        else:
            kernels.append({"kind": "numeric", "mu": d.mu.tolist(), "sigma": d.sigma.tolist()})
    out = {"weights": mixture.weights.tolist(), "kernels": kernels}
    if points is not None:
        out["log_pdf"] = mpe.log_pdf(points).tolist()
    return out


def finite(values):
    # JSON has no infinities: send them as strings.
    return [v if math.isfinite(v) else str(v) for v in np.asarray(values, dtype=float).tolist()]


def truncnorm(request):
    out = {}
    if "erf" in request:
        out["erf"] = [math.erf(x) for x in request["erf"]]
        out["erfc"] = [math.erfc(x) for x in request["erf"]]
    if "log_ndtr" in request:
        out["log_ndtr"] = finite(_truncnorm._log_ndtr(np.asarray(request["log_ndtr"], dtype=float)))
    if "log_gauss_mass" in request:
        ab = np.asarray(request["log_gauss_mass"], dtype=float)
        out["log_gauss_mass"] = finite(_truncnorm._log_gauss_mass(ab[:, 0], ab[:, 1]))
    if "ndtri_exp" in request:
        out["ndtri_exp"] = finite(_truncnorm._ndtri_exp(np.asarray(request["ndtri_exp"], dtype=float)))
    if "ppf" in request:
        qab = np.asarray(request["ppf"], dtype=float)
        out["ppf"] = finite(_truncnorm.ppf(qab[:, 0], qab[:, 1], qab[:, 2]))
    if "logpdf" in request:
        rows = np.asarray(request["logpdf"], dtype=float)
        out["logpdf"] = finite(
            _truncnorm.logpdf(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4])
        )
    return out


def estimator(case):
    space = {name: distribution(spec) for name, spec in case["space"].items()}
    p = case["parameters"]
    parameters = _ParzenEstimatorParameters(
        prior_weight=p["prior_weight"],
        consider_magic_clip=p["consider_magic_clip"],
        consider_endpoints=p["consider_endpoints"],
        weights=default_weights,
        multivariate=p["multivariate"],
        categorical_distance_func={},
    )
    observations = {name: internal(space[name], case["observations"][name]) for name in space}
    points = {name: internal(space[name], case["points"][name]) for name in space}
    mpe = _ParzenEstimator(observations, space, parameters)
    return describe(mpe, list(space), points)


STATES = {"complete": TrialState.COMPLETE, "running": TrialState.RUNNING, "failed": TrialState.FAIL}


def study_case(case):
    space = {name: distribution(spec) for name, spec in case["space"].items()}
    sampler = TPESampler(
        seed=0,
        multivariate=case["multivariate"],
        constant_liar=case["constant_liar"],
    )
    study = optuna.create_study(direction=case["direction"], sampler=sampler)
    for record in case["trials"]:
        state = STATES[record["state"]]
        study.add_trial(
            optuna.trial.create_trial(
                params=record["params"],
                distributions=space,
                value=record.get("value") if state == TrialState.COMPLETE else None,
                state=state,
            )
        )
    # TPESampler._sample up to the acquisition: the trials it sees, the split, the two estimators.
    states = [TrialState.COMPLETE, TrialState.PRUNED]
    if case["constant_liar"]:
        states.append(TrialState.RUNNING)
    trials = study._get_trials(deepcopy=False, states=states, use_cache=False)
    trials = [t for t in trials if t.number != case["number"]]
    n = sum(t.state != TrialState.RUNNING for t in trials)
    below, above = _split_trials(study, trials, sampler._gamma(n), False)
    groups = [[name] for name in space] if not case["multivariate"] else [list(space)]
    out = {
        "below_numbers": [t.number for t in below],
        "above_numbers": [t.number for t in above],
        "groups": [],
    }
    for names in groups:
        sub = {name: space[name] for name in names}
        points = {name: internal(space[name], case["points"][name]) for name in names}
        mpe_below = sampler._build_parzen_estimator(study, sub, below, handle_below=True)
        mpe_above = sampler._build_parzen_estimator(study, sub, above, handle_below=False)
        out["groups"].append(
            {
                "names": names,
                "below": describe(mpe_below, names, points),
                "above": describe(mpe_above, names, points),
            }
        )
    return out


def main():
    request = json.load(sys.stdin)
    answer = {
        "versions": {"optuna": optuna.__version__, "numpy": np.__version__},
        "truncnorm": truncnorm(request.get("truncnorm", {})),
        "estimators": [estimator(case) for case in request.get("estimators", [])],
        "studies": [study_case(case) for case in request.get("studies", [])],
    }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
