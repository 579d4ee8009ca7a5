"""Fits y = a*x + b by gradient descent on a CSV of x,y rows; writes the fit as JSON."""
import argparse
import csv
import json

from aero_metrics import log_metric

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--epochs", type=int, default=100)
args = parser.parse_args()

with open(args.data, newline="") as f:
    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
a, b = 0.0, 0.0
for epoch in range(args.epochs):
    ga = sum(2 * (a * x + b - y) * x for x, y in rows) / len(rows)
    gb = sum(2 * (a * x + b - y) for x, y in rows) / len(rows)
    a, b = a - args.lr * ga, b - args.lr * gb
    log_metric("mse", sum((a * x + b - y) ** 2 for x, y in rows) / len(rows), epoch)
with open(args.out, "w") as f:
    json.dump({"a": round(a, 6), "b": round(b, 6)}, f, sort_keys=True)
print(f"fit a={a:.3f} b={b:.3f}")
