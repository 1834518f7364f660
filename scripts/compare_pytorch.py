#!/usr/bin/env python3
"""PyTorch's side of scripts/compare-pytorch.sh, and the table of ratios.

Measures, on the CPU with the thread count it is given, the same work as relu0's criterion
benches:

* one SGD step of the MNIST MLP 784-2048-2048-2048-10, batch 128 (forward, cross-entropy,
  backward, plain SGD update), in f32 and f64, with PyTorch's own ReLU;
* the paper's twin protocol for the volume scan, MLP 784-256-256-256-10, batch 256: two networks
  with the same parameters, one with ReLU'(0)=0 and one with ReLU'(0)=1 (a custom autograd
  function, multiply semantics), two forward and two backward passes per mini-batch, then a
  bitwise comparison of the first layer's weight gradients;
* the peak resident memory of a training process (MLP 3x2048, batch 128, plain SGD).

Then it reads relu0's numbers from criterion's estimates and prints one table of ratios.
Data: the MNIST subset relu0 embeds (assets/train-images-idx3-ubyte.gz), pixels/255.
"""

import argparse
import copy
import gzip
import json
import os
import pathlib
import struct
import subprocess
import sys
import time

# One pass over the full MNIST training set at batch 256 (the paper's volume protocol).
BATCHES_PER_PASS = 60000 // 256


def load_mnist(assets):
    """Images (N, 784) as float64 in [0, 1] and labels (N,) from the embedded IDX files."""
    import numpy as np

    with gzip.open(assets / "train-images-idx3-ubyte.gz", "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, "not an IDX image file"
        pixels = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    with gzip.open(assets / "train-labels-idx1-ubyte.gz", "rb") as f:
        magic, count_labels = struct.unpack(">II", f.read(8))
        assert magic == 0x801 and count_labels == count, "labels do not match images"
        labels = np.frombuffer(f.read(count), dtype=np.uint8)
    return pixels.reshape(count, rows * cols) / 255.0, labels.astype(np.int64)


def mlp(width, layers, activation):
    import torch.nn as nn

    modules, fan_in = [], 784
    for _ in range(layers):
        modules += [nn.Linear(fan_in, width), activation()]
        fan_in = width
    modules.append(nn.Linear(fan_in, 10))
    return nn.Sequential(*modules)


def relu_with(alpha):
    """An nn.Module class: ReLU whose backward uses ReLU'(0) = alpha (multiply semantics)."""
    import torch

    class Relu0Function(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            slope = (x > 0).to(grad.dtype)
            if alpha != 0:
                slope = slope + alpha * (x == 0).to(grad.dtype)
            return grad * slope

    class Relu0(torch.nn.Module):
        def forward(self, x):
            return Relu0Function.apply(x)

    return Relu0


def time_per_iteration(step, seconds, warmup=3, min_iterations=10):
    """Mean seconds per call of `step` over at least `seconds` (after `warmup` calls)."""
    for _ in range(warmup):
        step()
    iterations, started = 0, time.perf_counter()
    while iterations < min_iterations or time.perf_counter() - started < seconds:
        step()
        iterations += 1
    return (time.perf_counter() - started) / iterations


def sgd_step_seconds(images, labels, dtype, seconds):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model = mlp(2048, 3, torch.nn.ReLU).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.tensor(images[:128]).to(dtype)
    y = torch.tensor(labels[:128])

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    return time_per_iteration(step, seconds)


def twin_protocol_seconds(images, labels, dtype, seconds):
    """Seconds per mini-batch of the paper's twin protocol (two networks, 2 forward + 2 backward)."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    net0 = mlp(256, 3, relu_with(0.0)).to(dtype)
    net1 = mlp(256, 3, relu_with(1.0)).to(dtype)
    net1.load_state_dict(copy.deepcopy(net0.state_dict()))
    batches = [
        (torch.tensor(images[i : i + 256]).to(dtype), torch.tensor(labels[i : i + 256]))
        for i in range(0, len(labels) - 255, 256)
    ]
    state = {"next": 0, "differ": 0}

    def step():
        x, y = batches[state["next"] % len(batches)]
        state["next"] += 1
        grads = []
        for net in (net0, net1):
            net.zero_grad(set_to_none=True)
            F.cross_entropy(net(x), y).backward()
            grads.append(net[0].weight.grad)
        state["differ"] += int(not torch.equal(grads[0], grads[1]))

    return time_per_iteration(step, seconds)


def train_for_peak_rss(batches):
    """`batches` SGD steps of the MLP 3x2048 on the embedded data (run as a measured child)."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    model = mlp(2048, 3, torch.nn.ReLU)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    images, labels = load_mnist(pathlib.Path(os.environ["RELU0_ASSETS"]))
    x_all, y_all = torch.tensor(images, dtype=torch.float32), torch.tensor(labels)
    for b in range(batches):
        at = (b * 128) % (len(labels) - 127)
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x_all[at : at + 128]), y_all[at : at + 128]).backward()
        optimizer.step()


def child_peak_rss_bytes(command, env=None):
    """Runs `command` and returns its peak RSS in bytes (via wait4). Call it while this process
    is small: a child's peak counts the pages it was forked with."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed")
    return usage.ru_maxrss * 1024


def criterion_means(root):
    """{(group, function): mean seconds} from criterion's estimates under `root`."""
    means = {}
    for bench in pathlib.Path(root).glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        key = (meta["group_id"], meta["function_id"])
        means[key] = estimates["mean"]["point_estimate"] * 1e-9
    return means


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--criterion", required=True, help="criterion's output folder")
    parser.add_argument("--relu0", required=True, help="the relu0 binary (release)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per PyTorch measurement")
    parser.add_argument("--out", help="also write the numbers as JSON here")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    assets = pathlib.Path(__file__).resolve().parent.parent / "assets"
    if args.rss_child:
        import torch

        torch.set_num_threads(args.threads)
        train_for_peak_rss(args.rss_child)
        return

    # Peak memory first, while this process has not loaded PyTorch or the data.
    print("peak RSS of training: relu0, PyTorch ...", file=sys.stderr)
    relu0_rss = child_peak_rss_bytes(
        [args.relu0, "train", "--device", "cpu", "--precision", "f32", "--width", "2048",
         "--layers", "3", "--batch", "128", "--epochs", "1", "--max-batches", "200",
         "--alphas", "0"]
    )
    torch_rss = child_peak_rss_bytes(
        [sys.executable, __file__, "--threads", str(args.threads), "--criterion", "-",
         "--relu0", "-", "--rss-child", "200"],
        env=dict(os.environ, RELU0_ASSETS=str(assets)),
    )

    import torch

    torch.set_num_threads(args.threads)
    images, labels = load_mnist(assets)
    ours = criterion_means(args.criterion)

    def relu0_mean(group, function):
        try:
            return ours[(group, function)]
        except KeyError:
            sys.exit(f"no criterion result for '{group}/{function}' under {args.criterion}")

    rows = []
    for name, dtype in [("f32", torch.float32), ("f64", torch.float64)]:
        print(f"PyTorch {torch.__version__}: SGD step {name} ...", file=sys.stderr)
        theirs = sgd_step_seconds(images, labels, dtype, args.seconds)
        mine = relu0_mean(f"train step 3x2048 batch 128 cpu {name}", "sgd")
        rows.append(
            (f"SGD step, MLP 3x2048, batch 128, CPU {name}", "ms", mine * 1e3, "PyTorch",
             theirs * 1e3, mine / theirs, "<= 1.0 (time)")
        )
    for name, dtype in [("f32", torch.float32), ("f64", torch.float64)]:
        print(f"PyTorch: twin protocol {name} ...", file=sys.stderr)
        theirs = twin_protocol_seconds(images, labels, dtype, args.seconds)
        mine = relu0_mean(f"volume scan 3x256 batch 256 cpu {name}", "per batch")
        per_minute = lambda seconds_per_batch: 60.0 / (seconds_per_batch * BATCHES_PER_PASS)
        rows.append(
            (f"Volume scan, MLP 3x256, batch 256, CPU {name}", "draws/min",
             per_minute(mine), "PyTorch twins", per_minute(theirs), theirs / mine,
             ">= 3.0 (speed)")
        )
    for name in ["f32", "f64"]:
        group = f"sgd step 3x2048 batch 128 cpu {name}"
        op, relu = relu0_mean(group, "relu0 op"), relu0_mean(group, "burn relu")
        rows.append(
            (f"Op overhead, SGD step 3x2048, CPU {name}", "ms", op * 1e3, "burn relu",
             relu * 1e3, op / relu, "<= 1.05 (time)")
        )

    rows.append(
        ("Peak RSS, training MLP 3x2048, batch 128, 200 SGD steps", "MB",
         relu0_rss / 1e6, "PyTorch", torch_rss / 1e6, relu0_rss / torch_rss, "relu0 <= 1000 MB")
    )

    print(f"\nthreads: {args.threads}; PyTorch {torch.__version__}; "
          f"relu0 numbers: criterion means ({args.criterion})\n")
    print("| measurement | unit | relu0 | baseline | baseline value | ratio | target |")
    print("|---|---|---:|---|---:|---:|---|")
    for label, unit, mine, baseline, theirs, ratio, target in rows:
        print(f"| {label} | {unit} | {mine:.4g} | {baseline} | {theirs:.4g} | {ratio:.2f} "
              f"| {target} |")
    if args.out:
        keys = ["measurement", "unit", "relu0", "baseline", "baseline_value", "ratio", "target"]
        record = {
            "threads": args.threads,
            "torch": torch.__version__,
            "rows": [dict(zip(keys, row)) for row in rows],
        }
        pathlib.Path(args.out).write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
