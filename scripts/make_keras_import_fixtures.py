#!/usr/bin/env python3
"""Make the Keras-import fixtures in ``tests/data/keras_import/`` with ``keras_to_playground``.

Two small tf_keras models with fixed weights (numpy ``default_rng`` seeds, every weight
drawn from ``uniform(-0.5, 0.5)`` in ``get_weights()`` order), each exported to a model
folder plus ``expected.json`` (``{"input": [[id, ...], ...], "output": [[p, ...], ...]}``,
the output being ``model.predict(input)`` in float32, written as Python floats):

* ``next_word/``: Embedding(12, 6) -> LSTM(8, return_sequences=True) -> GRU(7) ->
  Dense(12, softmax), input length 5, with the tokenizer of the lecture's three lines
  and ``preprocessing = {"maxlen": 5, "padding": "pre"}``;
* ``classifier/``: Embedding(20, 4, mask_zero=True) -> Bidirectional(SimpleRNN(5)) ->
  Dense(3, relu) -> Dense(1, sigmoid), input length 6, pre-padded inputs.

Run from the repository root (needs tf_keras and, optionally, safetensors)::

    /root/.venvs/keras/bin/python scripts/make_keras_import_fixtures.py

The script re-executes itself with ``PYTHONHASHSEED=0`` so that the tokenizer's
``to_json()`` (whose ``word_docs`` order follows ``set`` iteration) is the same on
every run.  After writing, it lists the tensors of each ``model.safetensors`` and
rebuilds each folder in Keras to check the export reproduces ``expected.json``.
"""

import json
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
from tf_keras.preprocessing.text import Tokenizer  # noqa: E402
from tf_keras.utils import pad_sequences  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no scripts/__pycache__
from keras_to_playground import export, read_safetensors, rebuild  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "data", "keras_import")
LINES = ["경마장에 있는 말이 뛰고 있다", "그의 말이 법이다", "가는 말이 고와야 오는 말이 곱다"]


def set_uniform_weights(model, seed):
    """Every weight from uniform(-0.5, 0.5), in model.get_weights() order."""
    rng = np.random.default_rng(seed)
    model.set_weights(
        [rng.uniform(-0.5, 0.5, size=w.shape).astype(np.float32) for w in model.get_weights()]
    )


def write_expected(model, folder, inputs):
    inputs = np.asarray(inputs, dtype=np.int32)
    output = np.asarray(model.predict(inputs, verbose=0), dtype=np.float32)
    rows = lambda a, f: ",\n    ".join(json.dumps([f(v) for v in r]) for r in a)  # noqa: E731
    text = (
        '{\n  "input": [\n    ' + rows(inputs, int) + '\n  ],\n'
        '  "output": [\n    ' + rows(output, float) + "\n  ]\n}\n"
    )
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        f.write(text)
    return inputs, output


def next_word():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(LINES)
    assert len(tokenizer.word_index) + 1 == 12, tokenizer.word_index
    keras.utils.set_random_seed(1)
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Embedding(12, 6),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.GRU(7),
            keras.layers.Dense(12, activation="softmax"),
        ]
    )
    set_uniform_weights(model, seed=20250801)
    folder = os.path.join(OUT, "next_word")
    export(model, folder, tokenizer=tokenizer, preprocessing={"maxlen": 5, "padding": "pre"})
    prefixes = ["경마장에", "경마장에 있는 말이", "그의 말이", "가는 말이 고와야 오는 말이"]
    inputs = pad_sequences(tokenizer.texts_to_sequences(prefixes), maxlen=5, padding="pre")
    return model, folder, write_expected(model, folder, inputs)


def classifier():
    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            keras.layers.Embedding(20, 4, mask_zero=True),
            keras.layers.Bidirectional(keras.layers.SimpleRNN(5)),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    set_uniform_weights(model, seed=20250802)
    folder = os.path.join(OUT, "classifier")
    export(model, folder)
    inputs = [
        [0, 0, 0, 0, 0, 7],
        [0, 0, 3, 14, 19, 1],
        [0, 0, 0, 0, 11, 2],
        [4, 9, 16, 5, 12, 18],
    ]
    return model, folder, write_expected(model, folder, inputs)


def main():
    print(f"tensorflow {tf.__version__}, tf_keras {keras.__version__}, numpy {np.__version__}")
    total = 0
    for make in (next_word, classifier):
        model, folder, (inputs, output) = make()
        name = os.path.basename(folder)
        print(f"\n{name}/")
        for fname in sorted(os.listdir(folder)):
            size = os.path.getsize(os.path.join(folder, fname))
            total += size
            print(f"  {fname:20s} {size:6d} bytes")
        for tname, array in sorted(read_safetensors(os.path.join(folder, "model.safetensors")).items()):
            print(f"    {tname:36s} {list(array.shape)}")
        rebuilt, _ = rebuild(folder, keras)
        diff = float(np.max(np.abs(rebuilt.predict(inputs, verbose=0) - output)))
        print(f"  rebuilt from the folder: max |diff| vs expected.json = {diff:.3g}")
        assert diff < 1e-6, diff
    print(f"\ntotal {total} bytes")
    assert total < 100_000


if __name__ == "__main__":
    main()
