"""Report metrics from any Python command run by aero (defineCommand).

aero sets $AERO_METRICS_FILE; each call appends one JSON line
{"name", "value", "step"} that aero forwards to every tracker.
Outside aero (variable unset) the calls do nothing. Copy this file.
"""
import json
import os

_counters = {}


def log_metric(name, value, step=None):
    path = os.environ.get("AERO_METRICS_FILE")
    if not path:
        return
    if step is None:
        step = _counters.get(name, 0)
    _counters[name] = step + 1
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "value": float(value), "step": int(step)}) + "\n")
