"""Reads an aero pipeline run back with MLflow's own Python client (not our REST client).

usage: python read_runs.py <tracking-uri> <parent-run-id>
prints JSON: {"parent": RUN, "children": [RUN...]} where RUN has status, name, params, tags,
metrics (every point of every metric, from get_metric_history) and artifacts (all files).
"""
import json
import math
import sys

from mlflow.tracking import MlflowClient


def files(client, run_id, path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        if f.is_dir:
            out.extend(files(client, run_id, f.path))
        else:
            out.append({"path": f.path, "size": f.file_size})
    return out


def describe(client, run):
    metrics = {}
    for key in run.data.metrics:
        metrics[key] = [
            {"step": m.step, "timestamp": m.timestamp, "value": None if math.isnan(m.value) else m.value}
            for m in client.get_metric_history(run.info.run_id, key)
        ]
    return {
        "run_id": run.info.run_id,
        "name": run.info.run_name,
        "status": run.info.status,
        "params": dict(run.data.params),
        "tags": dict(run.data.tags),
        "metrics": metrics,
        "artifacts": files(client, run.info.run_id),
    }


def main():
    uri, parent_id = sys.argv[1], sys.argv[2]
    client = MlflowClient(tracking_uri=uri)
    parent = client.get_run(parent_id)
    children = client.search_runs(
        [parent.info.experiment_id], filter_string=f"tags.`mlflow.parentRunId` = '{parent_id}'", max_results=1000
    )
    json.dump({"parent": describe(client, parent), "children": [describe(client, c) for c in children]}, sys.stdout)


if __name__ == "__main__":
    main()
