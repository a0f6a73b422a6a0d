"""PyTorch peer of `npm run bench -- train` (bench/train-throughput.ts runs it; not a user tool).

Reads a JSON job list on stdin, trains each job's MLP with torch's eager CPU API the way a
PyTorch script would (shuffled mini-batches gathered by index, Adam, zero_grad(set_to_none=True)),
and prints one JSON list of results: the median samples/s of the epochs after the warm-up ones, in
wall-clock time and per CPU-second of the process (the wall figure of an otherwise idle machine).
The warm-up and the timed epochs each stop early once they have taken `maxSeconds` (an epoch cut
short counts for the rows it finished; in "cli" mode epochs always finish), so a slow
configuration on a busy machine cannot stall the benchmark.

mode "loop": the training loop only.
mode "cli":  like `firmnet train`: 10% of the rows held out, and after every epoch an eval pass
             over them (loss and accuracy) and one log line.
"""

import json
import sys
import time

import torch


def load(path, rows, cols):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).reshape(rows, cols)


def build(job, inputs, outputs):
    layers = []
    features = inputs
    for width in job["hidden"]:
        layers.append(torch.nn.Linear(features, width))
        if job["batchNorm"]:
            layers.append(torch.nn.BatchNorm1d(width))
        layers.append(torch.nn.ReLU())
        features = width
    layers.append(torch.nn.Linear(features, outputs))
    return torch.nn.Sequential(*layers)


def run(job):
    rows, cols = job["rows"], job["features"]
    x = load(job["x"], rows, cols)
    if job["task"] == "multiclass":
        y = load(job["y"], rows, 1).reshape(rows).to(torch.int64)
        loss_fn = torch.nn.CrossEntropyLoss()
        outputs = job["classes"]
    else:
        y = x
        loss_fn = torch.nn.MSELoss()
        outputs = cols
    torch.manual_seed(0)
    model = build(job, cols, outputs)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=job["foreach"])
    order = torch.randperm(rows)
    held_out = round(rows * 0.1) if job["mode"] == "cli" else 0
    val_rows, fit_rows = order[:held_out], order[held_out:]
    batch = job["batch"]
    rates = []
    cpu_rates = []
    phase_end = time.perf_counter() + job["maxSeconds"]
    for epoch in range(job["warmup"] + job["epochs"]):
        if epoch == job["warmup"]:
            phase_end = time.perf_counter() + job["maxSeconds"]
        started = time.perf_counter()
        cpu_started = time.process_time()
        model.train()
        perm = fit_rows[torch.randperm(len(fit_rows))]
        loss_sum = 0.0
        done = 0
        for start in range(0, len(perm), batch):
            idx = perm[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            done += len(idx)
            if held_out:
                loss_sum += loss.item() * len(idx)
            elif time.perf_counter() > phase_end:
                break
        if held_out:
            model.eval()
            with torch.no_grad():
                out = model(x[val_rows])
                val_loss = loss_fn(out, y[val_rows]).item()
                metric = (out.argmax(1) == y[val_rows]).float().mean().item() if job["task"] == "multiclass" else val_loss
            print(f"epoch {epoch + 1} loss {loss_sum / len(perm):.4f} val_loss {val_loss:.4f} val {metric:.4f}", file=sys.stderr)
        rates.append(done / (time.perf_counter() - started))
        cpu_rates.append(done / max(time.process_time() - cpu_started, 1e-9))
        if time.perf_counter() > phase_end and epoch >= job["warmup"]:
            break
    return {"name": job["name"], "mode": job["mode"], "wall": median(rates[job["warmup"] :]), "cpu": median(cpu_rates[job["warmup"] :])}


def median(values):
    s = sorted(values)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    print(json.dumps({"version": torch.__version__, "results": [run(job) for job in spec["jobs"]]}))


main()
