/**
 * The Python side of the Optuna bridge, run as `python -u -c <this source>`: kept as a
 * string in the core bundle so it ships with every build (package.json `files` is fixed
 * by tools/package-meta to dist and the docs). The protocol is in its docstring.
 */
export const BRIDGE_SOURCE = String.raw`"""The Optuna side of aero tune: one long-lived process per study, speaking
line-delimited JSON over stdin/stdout (one request per line, one answer per line).

    {"id": 1, "op": "open", "storage": "…/optuna-journal.log", "study": "name",
     "directions": ["minimize"], "sampler": {"name": "tpe", "seed": 0}, "pruner": {"name": "median"}}
    {"id": 2, "op": "ask", "distributions": {"x": {"kind": "float", "low": -5, "high": 5, "log": false}},
     "fixed": {"x": 1.5}}                    # fixed: enqueue these params (retries, built-in samplers)
    {"id": 3, "op": "report", "number": 0, "value": 0.3, "step": 4}   -> {"prune": false}
    {"id": 4, "op": "tell", "number": 0, "state": "complete", "values": [0.12]}

Answers are {"id", "ok": true, "result"} or {"id", "ok": false, "error": {"type", "message"}}.
The first line written is {"ready": true, "optuna": "<version>"}, or {"ready": false,
"missing": "<module>"} when optuna cannot be imported. Nothing else goes to stdout:
library output is sent to stderr so it can never corrupt the protocol.
"""
import json
import signal
import sys

# Ctrl-C in a terminal reaches every process of the group: aero handles it (it fails the
# running trials and then closes this process), so the bridge must outlive it.
signal.signal(signal.SIGINT, signal.SIG_IGN)

PROTOCOL = sys.stdout
sys.stdout = sys.stderr


def send(message):
    PROTOCOL.write(json.dumps(message, allow_nan=False) + "\n")
    PROTOCOL.flush()


try:
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
    from optuna.trial import TrialState
except ImportError as error:  # pragma: no cover - exercised by aero's missing-optuna test
    send({"ready": False, "missing": getattr(error, "name", None) or "optuna", "message": str(error)})
    sys.exit(0)

optuna.logging.set_verbosity(optuna.logging.WARNING)


class MissingModule(Exception):
    def __init__(self, module, message):
        super().__init__(message)
        self.module = module


def make_sampler(spec, multi):
    name = spec.get("name")
    seed = spec.get("seed")
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    if name == "cmaes":
        try:
            import cmaes  # noqa: F401  (CmaEsSampler imports it lazily, at the first trial)
        except ImportError as error:
            raise MissingModule("cmaes", str(error))
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "gp":
        for module in ("torch", "scipy"):
            try:
                __import__(module)
            except ImportError as error:
                raise MissingModule(module, str(error))
        return optuna.samplers.GPSampler(seed=seed)
    # random and grid: aero draws them itself and enqueues each trial's params; the
    # sampler only fills what was not enqueued (nothing).
    return optuna.samplers.RandomSampler(seed=seed)


def make_pruner(spec):
    name = (spec or {}).get("name", "none")
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=spec.get("startup", 5), n_warmup_steps=spec.get("warmup", 0))
    if name == "asha":
        return optuna.pruners.SuccessiveHalvingPruner()
    return optuna.pruners.NopPruner()


def distribution(d):
    kind = d["kind"]
    if kind == "float":
        return FloatDistribution(d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
    if kind == "int":
        return IntDistribution(int(d["low"]), int(d["high"]), log=d.get("log", False), step=int(d.get("step", 1)))
    return CategoricalDistribution(d["choices"])


STATES = {"complete": TrialState.COMPLETE, "pruned": TrialState.PRUNED, "fail": TrialState.FAIL}
NAMES = {TrialState.COMPLETE: "complete", TrialState.PRUNED: "pruned", TrialState.FAIL: "fail", TrialState.RUNNING: "running", TrialState.WAITING: "waiting"}


def finite(values):
    return None if values is None else [v if v == v and abs(v) != float("inf") else None for v in values]


class Bridge:
    def __init__(self):
        self.study = None
        self.trials = {}

    def op_open(self, req):
        directions = req["directions"]
        sampler = make_sampler(req.get("sampler") or {}, len(directions) > 1)
        storage = req["storage"]
        if "://" not in storage:
            # A journal file: appends a line per change (SQLite's commits cost ~20x more per trial).
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend
            storage = JournalStorage(JournalFileBackend(storage))
        self.study = optuna.create_study(
            storage=storage,
            study_name=req["study"],
            directions=directions,
            sampler=sampler,
            pruner=make_pruner(req.get("pruner")),
            load_if_exists=True,
        )
        trials = [
            {"number": t.number, "state": NAMES.get(t.state, str(t.state)), "params": t.params, "values": finite(t.values)}
            for t in self.study.get_trials(deepcopy=False)
        ]
        return {"trials": trials, "directions": [d.name.lower() for d in self.study.directions]}

    def op_ask(self, req):
        dists = {name: distribution(d) for name, d in req["distributions"].items()}
        if req.get("fixed") is not None:
            self.study.enqueue_trial(req["fixed"], skip_if_exists=False)
        trial = self.study.ask(dists)
        self.trials[trial.number] = trial
        return {"number": trial.number, "params": trial.params}

    def op_report(self, req):
        trial = self.trials[req["number"]]
        trial.report(req["value"], req["step"])
        return {"prune": bool(trial.should_prune())}

    def op_tell(self, req):
        state = STATES[req["state"]]
        values = req.get("values") if state == TrialState.COMPLETE else None
        self.study.tell(req["number"], values, state=state, skip_if_finished=True)
        self.trials.pop(req["number"], None)
        return {}

    def op_best(self, req):
        return {"best": [{"number": t.number, "params": t.params, "values": finite(t.values)} for t in self.study.best_trials]}


def main():
    send({"ready": True, "optuna": optuna.__version__})
    bridge = Bridge()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            if req.get("op") == "close":
                send({"id": req.get("id"), "ok": True, "result": {}})
                return
            handler = getattr(bridge, "op_" + str(req.get("op")), None)
            if handler is None:
                raise ValueError("unknown op %r" % req.get("op"))
            send({"id": req.get("id"), "ok": True, "result": handler(req)})
        except MissingModule as error:
            send({"id": req.get("id"), "ok": False, "error": {"type": "missing", "module": error.module, "message": str(error)}})
        except Exception as error:  # every failure goes back to aero as an answer
            send({"id": req.get("id"), "ok": False, "error": {"type": type(error).__name__, "message": str(error)}})


if __name__ == "__main__":
    main()
`;
