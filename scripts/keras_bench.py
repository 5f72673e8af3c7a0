"""Keras' training speed on the cases `cargo xtask bench` times for us, on this machine, in the
same run (`cargo xtask bench --keras` calls this with a venv under target/).

Prints one JSON record per line, as the Rust benchmarks do:
{"case": ..., "where": "keras", "metric": "samples_per_s", "value": ..., "keras": "2.21.0"}

Cases (the same names as ours):
- lecture9-simplernn-train: Embedding(8000, 128) -> SimpleRNN(64) -> Dense(1, sigmoid), batch 32
- lecture11-gru-train: Embedding(8000, 100) -> GRU(128) -> Dense(1, sigmoid), batch 60
- ...-padded-reviews: the same models on review-shaped batches (4-28 words, pre-padded to 60,
  word ids log-uniform over the vocabulary), as src/bench.rs makes them.

Each case: Adam, binary cross-entropy, `fit(epochs=1)` over SAMPLES samples once to warm up,
then REPS timed epochs; the median is reported. `--keras 2` uses tf-keras (Keras 2's API, what
the issue's figures call Keras 2.21), `--keras 3` the Keras 3 that ships with TensorFlow.
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

parser = argparse.ArgumentParser()
parser.add_argument("--keras", choices=["2", "3"], default="2")
parser.add_argument("--samples", type=int, default=12000)
parser.add_argument("--reps", type=int, default=3)
parser.add_argument("--case", default="", help="only cases whose name contains this")
args = parser.parse_args()

if args.keras == "2":
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tf_keras as keras
else:
    import keras

import numpy as np

LEN = 60


def random_ids(rng, n, vocab):
    return rng.integers(1, vocab, size=(n, LEN), dtype=np.int32)


def review_ids(rng, n, vocab):
    x = np.zeros((n, LEN), dtype=np.int32)
    for i in range(n):
        words = min(int(rng.integers(4, 29)), LEN)
        idx = np.floor((vocab - 1.0) ** rng.random(words)).astype(np.int32)
        x[i, LEN - words:] = np.clip(idx, 1, vocab - 1)
    return x


def model(cell, vocab, dim, units):
    layer = {"simplernn": keras.layers.SimpleRNN, "gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    m = keras.Sequential([
        keras.Input(shape=(LEN,)),
        keras.layers.Embedding(vocab, dim),
        layer(units),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    m.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return m


CASES = [
    ("lecture9-simplernn-train", "simplernn", 8000, 128, 64, 32, random_ids),
    ("lecture11-gru-train", "gru", 8000, 100, 128, 60, random_ids),
    ("lecture9-simplernn-train-padded-reviews", "simplernn", 8000, 128, 64, 32, review_ids),
    ("lecture11-gru-train-padded-reviews", "gru", 8000, 100, 128, 60, review_ids),
]

version = keras.__version__
for name, cell, vocab, dim, units, batch, make in CASES:
    if args.case not in name:
        continue
    rng = np.random.default_rng(1)
    x = make(rng, args.samples, vocab)
    y = rng.integers(0, 2, size=(args.samples,)).astype(np.float32)
    m = model(cell, vocab, dim, units)
    m.fit(x, y, batch_size=batch, epochs=1, verbose=0)  # warm-up (graph tracing)
    rates = []
    for _ in range(args.reps):
        start = time.perf_counter()
        m.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        rates.append(args.samples / (time.perf_counter() - start))
    record = {
        "case": name,
        "where": "keras",
        "metric": "samples_per_s",
        "value": statistics.median(rates),
        "keras": version,
        "runs": rates,
    }
    print(json.dumps(record), flush=True)
