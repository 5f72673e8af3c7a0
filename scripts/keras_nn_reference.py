#!/usr/bin/env python3
"""Generate Keras reference fixtures for rnn-playground's neural-network parity tests.

Runs the *real* Keras 2 implementations (``tf_keras`` on TensorFlow) of the
layers, losses, metrics and optimizers that rnn-playground reimplements on
candle, and writes one JSON document that the Rust tests compare against.
Nothing here is needed to build or test the crate; the generated file
``tests/data/keras_nn_reference.json`` is committed.

Setup (once)::

    python3 -m venv /root/.venvs/keras
    /root/.venvs/keras/bin/pip install tensorflow-cpu tf-keras

Run from the repository root::

    /root/.venvs/keras/bin/python scripts/keras_nn_reference.py

which writes ``tests/data/keras_nn_reference.json`` (pass ``-`` as the only
argument to print to stdout instead, or a path to write elsewhere).

Determinism: the script re-executes itself with ``PYTHONHASHSEED=0``,
``TF_ENABLE_ONEDNN_OPTS=0`` and ``TF_DETERMINISTIC_OPS=1``, pins TensorFlow
to one intra-/inter-op thread, enables op determinism and seeds every RNG.
Every random tensor (inputs, weights, loss weights) comes from a NumPy
``default_rng`` seeded with ``crc32(case name)``, so adding or removing a case
does not perturb the others.  Weights are drawn ``uniform(-0.5, 0.5)`` (NOT
Keras' initializers) and installed with ``layer.set_weights``; float inputs
are ``uniform(-1, 1)``.

Numbers: everything is computed in float32, as Keras does.  Each value is
written as ``float(np.float32 value)``, i.e. the exact decimal expansion of the
float32 as a double, so parsing into f32 or f64 gives back the same value.

Layer-case protocol: for a layer with outputs ``O_k`` (every tensor the layer
returns, in Keras order) and fixed random ``R_k`` of the same shape,
``loss = sum_k sum(O_k * R_k)``; ``grads`` are ``d loss / d weight`` and
``d loss / d input`` from ``tf.GradientTape``.
"""

import json
import os
import sys
import zlib

_ENV = {
    "PYTHONHASHSEED": "0",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}
if any(os.environ.get(k) != v for k, v in _ENV.items()):
    env = dict(os.environ, **_ENV)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import random  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)
keras.utils.set_random_seed(0)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

F32 = np.float32
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "keras_nn_reference.json")

VERSIONS = {
    "python": sys.version.split()[0],
    "tensorflow": tf.__version__,
    "tf_keras": keras.__version__,
    "numpy": np.__version__,
    "env": {k: v for k, v in _ENV.items() if k != "TF_CPP_MIN_LOG_LEVEL"},
    "threads": 1,
}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def flat(a):
    """Flat row-major list with full float32 precision (or ints)."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return [int(v) for v in a.reshape(-1)]
    return [float(v) for v in a.astype(F32).reshape(-1)]


def tensor(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": flat(a)}


def nested(a):
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        return a.astype(np.int64).tolist()
    return np.vectorize(lambda v: float(F32(v)), otypes=[object])(a).tolist()


def to_np(t):
    if isinstance(t, tf.IndexedSlices):
        t = tf.convert_to_tensor(t)
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def pyval(v):
    """JSON-friendly version of a config value."""
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, dict):
        return {k: pyval(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [pyval(x) for x in v]
    return v


CONFIG_KEYS = [
    "units",
    "activation",
    "recurrent_activation",
    "return_sequences",
    "return_state",
    "go_backwards",
    "use_bias",
    "reset_after",
    "unit_forget_bias",
    "input_dim",
    "output_dim",
    "mask_zero",
    "time_major",
    "stateful",
    "unroll",
    "dropout",
    "recurrent_dropout",
]


def layer_config(layer):
    cfg = layer.get_config()
    if isinstance(layer, keras.layers.Bidirectional):
        out = {
            "merge_mode": cfg["merge_mode"],
            "inner": {
                "layer": type(layer.layer).__name__,
                "config": layer_config(layer.layer),
            },
        }
        return out
    return {k: pyval(cfg[k]) for k in CONFIG_KEYS if k in cfg}


def short_weight_name(var):
    # e.g. "simple_rnn/simple_rnn_cell/kernel:0" -> "kernel"
    return var.name.split("/")[-1].split(":")[0]


def weight_names(layer):
    """Our canonical names for layer.weights, in layer.weights order."""
    if isinstance(layer, keras.layers.Bidirectional):
        names = ["forward/" + short_weight_name(v) for v in layer.forward_layer.weights]
        names += ["backward/" + short_weight_name(v) for v in layer.backward_layer.weights]
        return names
    return [short_weight_name(v) for v in layer.weights]


def as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


# --------------------------------------------------------------------------
# layer cases
# --------------------------------------------------------------------------


def run_layer_case(name, layer, input_shape=None, int_input=None):
    rng = rng_for(name)
    if int_input is not None:
        x_np = np.asarray(int_input, dtype=np.int32)
    else:
        x_np = rng.uniform(-1.0, 1.0, size=input_shape).astype(F32)
    x = tf.constant(x_np)
    layer(x)  # build
    new_w = [rng.uniform(-0.5, 0.5, size=w.shape).astype(F32) for w in layer.get_weights()]
    layer.set_weights(new_w)
    names = weight_names(layer)
    assert len(names) == len(layer.weights) == len(set(names)), names
    # get_weights() order == weights order; double-check shapes line up.
    for v, w in zip(layer.weights, new_w):
        assert tuple(v.shape) == w.shape

    probe = as_list(layer(x))
    r = [rng.uniform(-1.0, 1.0, size=o.shape).astype(F32) for o in probe]

    float_input = int_input is None
    with tf.GradientTape() as tape:
        if float_input:
            tape.watch(x)
        outs = as_list(layer(x))
        loss = tf.add_n([tf.reduce_sum(o * tf.constant(rk)) for o, rk in zip(outs, r)])
    targets = list(layer.trainable_weights) + ([x] if float_input else [])
    grads = tape.gradient(loss, targets)
    assert len(layer.trainable_weights) == len(layer.weights)

    grad_map = {}
    for nm, g in zip(names, grads[: len(names)]):
        grad_map[nm] = tensor(to_np(g))
    if float_input:
        grad_map["input"] = tensor(to_np(grads[-1]))

    return {
        "name": name,
        "layer": type(layer).__name__,
        "config": layer_config(layer),
        "input": nested(x_np),
        "weights": {nm: tensor(w) for nm, w in zip(names, new_w)},
        "outputs": [tensor(to_np(o)) for o in outs],
        "loss_weights": [tensor(rk) for rk in r],
        "loss": float(F32(loss.numpy())),
        "grads": grad_map,
    }


def layer_cases():
    L = keras.layers
    cases = []

    # Dense
    for act in ["linear", "relu", "sigmoid", "tanh", "softmax"]:
        cases.append(run_layer_case(f"dense_{act}", L.Dense(4, activation=act), (2, 3)))
    cases.append(run_layer_case("dense_no_bias", L.Dense(4, use_bias=False), (2, 3)))
    cases.append(run_layer_case("dense_3d_input", L.Dense(4, activation="tanh"), (2, 3, 3)))

    # Embedding (index 2 repeated so its gradient row accumulates)
    cases.append(
        run_layer_case(
            "embedding_plain",
            L.Embedding(6, 3),
            int_input=[[1, 2, 2, 5], [0, 3, 2, 4]],
        )
    )

    # Recurrent layers: four variants each.
    variants = [
        ("last", dict()),
        ("seq", dict(return_sequences=True)),
        ("state", dict(return_state=True)),
        ("backwards", dict(go_backwards=True)),
    ]
    rnn_specs = [
        ("simplernn", L.SimpleRNN, 4, 4),
        ("lstm", L.LSTM, 4, 3),
        ("gru", L.GRU, 5, 4),
    ]
    for prefix, cls, units, steps in rnn_specs:
        for suffix, kw in variants:
            cases.append(run_layer_case(f"{prefix}_{suffix}", cls(units, **kw), (2, steps, 3)))
    # Extra combinations that exercise both flags together.
    cases.append(
        run_layer_case(
            "lstm_seq_state_backwards",
            L.LSTM(4, return_sequences=True, return_state=True, go_backwards=True),
            (2, 3, 3),
        )
    )
    cases.append(
        run_layer_case("simplernn_no_bias", L.SimpleRNN(4, use_bias=False), (2, 3, 3))
    )
    # GRU reset_after=False (bias [3*units])
    cases.append(
        run_layer_case("gru_reset_before_last", L.GRU(4, reset_after=False), (2, 4, 3))
    )
    cases.append(
        run_layer_case(
            "gru_reset_before_seq_state",
            L.GRU(4, reset_after=False, return_sequences=True, return_state=True),
            (2, 3, 3),
        )
    )

    # Bidirectional
    cases.append(
        run_layer_case("bidirectional_simplernn_concat", L.Bidirectional(L.SimpleRNN(4)), (2, 4, 3))
    )
    cases.append(
        run_layer_case(
            "bidirectional_lstm_seq_concat",
            L.Bidirectional(L.LSTM(4, return_sequences=True)),
            (2, 3, 3),
        )
    )
    cases.append(
        run_layer_case("bidirectional_gru_concat", L.Bidirectional(L.GRU(4)), (2, 4, 3))
    )
    cases.append(
        run_layer_case(
            "bidirectional_gru_seq_sum",
            L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
            (2, 3, 3),
        )
    )
    cases.append(
        run_layer_case(
            "bidirectional_simplernn_sum",
            L.Bidirectional(L.SimpleRNN(4), merge_mode="sum"),
            (2, 3, 3),
        )
    )

    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    return cases


# --------------------------------------------------------------------------
# masking cases: Embedding(mask_zero=True) -> RNN
# --------------------------------------------------------------------------


def run_masking_case(name, rnn, ids, embedding_kw=None):
    rng = rng_for(name)
    emb = keras.layers.Embedding(6, 3, mask_zero=True, **(embedding_kw or {}))
    ids_np = np.asarray(ids, dtype=np.int32)
    x = tf.constant(ids_np)
    rnn(emb(x))  # build both
    emb_w = [rng.uniform(-0.5, 0.5, size=w.shape).astype(F32) for w in emb.get_weights()]
    rnn_w = [rng.uniform(-0.5, 0.5, size=w.shape).astype(F32) for w in rnn.get_weights()]
    emb.set_weights(emb_w)
    rnn.set_weights(rnn_w)
    names = ["embedding/" + n for n in weight_names(emb)] + ["rnn/" + n for n in weight_names(rnn)]

    e = emb(x)
    mask = emb.compute_mask(x)
    probe = as_list(rnn(e, mask=mask))
    r = [rng.uniform(-1.0, 1.0, size=o.shape).astype(F32) for o in probe]

    with tf.GradientTape() as tape:
        e = emb(x)
        # Implicit mask propagation (Keras attaches e._keras_mask).
        outs = as_list(rnn(e))
        loss = tf.add_n([tf.reduce_sum(o * tf.constant(rk)) for o, rk in zip(outs, r)])
    variables = list(emb.trainable_weights) + list(rnn.trainable_weights)
    grads = tape.gradient(loss, variables)

    # Same layer on the unmasked embedding, for contrast.
    unmasked = as_list(rnn(emb(x), mask=tf.ones_like(mask)))
    # Output mask that Keras propagates downstream.
    out_mask = rnn.compute_mask(e, mask)
    out_mask = as_list(out_mask)[0] if out_mask is not None else None

    inner_cfg = {
        "layer": type(rnn).__name__ if not isinstance(rnn, keras.layers.Bidirectional) else "Bidirectional",
        "config": layer_config(rnn),
    }
    return {
        "name": name,
        "embedding_config": layer_config(emb),
        "rnn": inner_cfg,
        "input": nested(ids_np),
        "mask": np.asarray(mask.numpy()).astype(bool).tolist(),
        "output_mask": None if out_mask is None else np.asarray(out_mask.numpy()).astype(bool).tolist(),
        "weights": {nm: tensor(w) for nm, w in zip(names, emb_w + rnn_w)},
        "outputs": [tensor(to_np(o)) for o in outs],
        "outputs_without_mask": [tensor(to_np(o)) for o in unmasked],
        "loss_weights": [tensor(rk) for rk in r],
        "loss": float(F32(loss.numpy())),
        "grads": {nm: tensor(to_np(g)) for nm, g in zip(names, grads)},
    }


def masking_cases():
    L = keras.layers
    pre = [[0, 0, 3, 1], [2, 5, 4, 1]]
    post = [[3, 1, 0, 0], [2, 5, 4, 1]]
    mixed = [[0, 3, 0, 1], [2, 5, 0, 0]]
    cases = []
    for prefix, cls in [("simplernn", L.SimpleRNN), ("lstm", L.LSTM), ("gru", L.GRU)]:
        for pad_name, ids in [("pre", pre), ("post", post)]:
            cases.append(run_masking_case(f"mask_{prefix}_{pad_name}", cls(4), ids))
            cases.append(
                run_masking_case(
                    f"mask_{prefix}_{pad_name}_seq_state",
                    cls(4, return_sequences=True, return_state=True),
                    ids,
                )
            )
    cases.append(run_masking_case("mask_simplernn_mixed_seq", L.SimpleRNN(4, return_sequences=True), mixed))
    cases.append(
        run_masking_case(
            "mask_bidirectional_lstm_post_seq",
            L.Bidirectional(L.LSTM(4, return_sequences=True)),
            post,
        )
    )
    cases.append(
        run_masking_case("mask_bidirectional_gru_pre", L.Bidirectional(L.GRU(4)), pre)
    )
    return cases


# --------------------------------------------------------------------------
# losses and metrics
# --------------------------------------------------------------------------


def run_loss_case(name, loss_name, loss_obj, y_true, y_pred, from_logits, note=None):
    yt = tf.constant(y_true)
    yp = tf.constant(np.asarray(y_pred, dtype=F32))
    with tf.GradientTape() as tape:
        tape.watch(yp)
        value = loss_obj(yt, yp)
    g = tape.gradient(value, yp)
    per_sample = getattr(keras.losses, loss_name)(yt, yp, from_logits=from_logits)
    out = {
        "name": name,
        "loss": loss_name,
        "from_logits": from_logits,
        "reduction": "sum_over_batch_size (mean over samples)",
        "y_true": nested(np.asarray(y_true)),
        "y_pred": nested(np.asarray(y_pred, dtype=F32)),
        "per_sample": flat(per_sample.numpy()),
        "value": float(F32(value.numpy())),
        "grad_y_pred": nested(g.numpy()),
    }
    if note:
        out["note"] = note
    return out


def loss_cases():
    K = keras.losses
    cases = []
    onehot = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=F32)
    probs = np.array(
        [
            [0.1, 0.6, 0.2, 0.1],
            [0.0, 1.0, 0.0, 0.0],  # true class has p = 0 -> clipped to 1e-7
            [0.0, 0.0, 1.0, 0.0],  # true class has p = 1 -> clipped to 1 - 1e-7
            [0.25, 0.25, 0.25, 0.25],
        ],
        dtype=F32,
    )
    logits = np.array(
        [[1.0, 2.0, 0.5, -1.0], [3.0, -2.0, 0.0, 1.0], [-1.0, -1.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]],
        dtype=F32,
    )
    cases.append(
        run_loss_case(
            "cce_probs_with_0_and_1",
            "categorical_crossentropy",
            K.CategoricalCrossentropy(),
            onehot,
            probs,
            False,
            "y_pred is divided by its row sum, then clipped to [1e-7, 1 - 1e-7]; "
            "clip_by_value passes zero gradient for clipped entries",
        )
    )
    cases.append(
        run_loss_case(
            "cce_probs_unnormalized",
            "categorical_crossentropy",
            K.CategoricalCrossentropy(),
            onehot[:2],
            np.array([[0.2, 0.6, 0.4, 0.8], [0.5, 0.5, 0.0, 0.0]], dtype=F32),
            False,
            "rows do not sum to 1: Keras renormalizes y_pred / sum(y_pred) before clipping",
        )
    )
    cases.append(
        run_loss_case(
            "cce_logits",
            "categorical_crossentropy",
            K.CategoricalCrossentropy(from_logits=True),
            onehot,
            logits,
            True,
        )
    )
    sparse = np.array([1, 0, 2, 3], dtype=np.int32)
    cases.append(
        run_loss_case(
            "scce_probs_with_0_and_1",
            "sparse_categorical_crossentropy",
            K.SparseCategoricalCrossentropy(),
            sparse,
            probs,
            False,
            "y_pred is clipped to [1e-7, 1 - 1e-7] (no renormalization first), then "
            "log() and sparse_softmax_cross_entropy_with_logits, i.e. loss = "
            "-log(clip(p)[y]) + log(sum(clip(p)))",
        )
    )
    cases.append(
        run_loss_case(
            "scce_logits",
            "sparse_categorical_crossentropy",
            K.SparseCategoricalCrossentropy(from_logits=True),
            sparse,
            logits,
            True,
        )
    )
    bt = np.array([[1, 0], [1, 0], [0, 1], [1, 1]], dtype=F32)
    bp = np.array([[0.9, 0.2], [0.0, 1.0], [1.0, 0.0], [1.0, 0.5]], dtype=F32)
    cases.append(
        run_loss_case(
            "bce_probs_with_0_and_1",
            "binary_crossentropy",
            K.BinaryCrossentropy(),
            bt,
            bp,
            False,
            "p clipped to [1e-7, 1 - 1e-7], then -(y*log(p + 1e-7) + (1-y)*log(1 - p + 1e-7)); "
            "mean over the last axis, then mean over the batch",
        )
    )
    bl = np.array([[2.0, -1.0], [-3.0, 0.5], [0.0, 4.0], [10.0, -10.0]], dtype=F32)
    cases.append(
        run_loss_case(
            "bce_logits",
            "binary_crossentropy",
            K.BinaryCrossentropy(from_logits=True),
            bt,
            bl,
            True,
        )
    )
    bt1 = np.array([[1], [0], [1]], dtype=F32)
    bp1 = np.array([[0.7], [0.3], [0.5]], dtype=F32)
    cases.append(
        run_loss_case(
            "bce_probs_single_output",
            "binary_crossentropy",
            K.BinaryCrossentropy(),
            bt1,
            bp1,
            False,
        )
    )
    return cases


def softmax_bypass_demo():
    """CCE on a tensor produced by keras.activations.softmax uses the logits."""
    logits = tf.constant([[30.0, 0.0, -30.0], [1.0, 2.0, 3.0]])
    y_true = tf.constant([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    probs_keras = keras.activations.softmax(logits)  # carries _keras_logits
    probs_plain = tf.constant(tf.nn.softmax(logits).numpy())  # plain tensor
    cce = keras.losses.CategoricalCrossentropy()
    return {
        "name": "cce_softmax_logits_bypass",
        "logits": nested(logits.numpy()),
        "y_true": nested(y_true.numpy()),
        "value_from_keras_softmax_output": float(F32(cce(y_true, probs_keras).numpy())),
        "value_from_plain_probability_tensor": float(F32(cce(y_true, probs_plain).numpy())),
        "value_from_logits": float(
            F32(keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits).numpy())
        ),
        "note": "keras.activations.softmax/sigmoid attach `_keras_logits` to their output "
        "(even eager tensors), and in graph mode a Softmax/Sigmoid op is detected; "
        "categorical/sparse/binary crossentropy with from_logits=False then silently "
        "uses the logits, so no 1e-7 clipping happens for a model whose last layer is "
        "Dense(activation='softmax'/'sigmoid'). Only plain probability tensors get clipped.",
    }


def metric_cases():
    M = keras.metrics
    out = []
    yt = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=F32)
    yp = np.array(
        [[0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.4, 0.4, 0.2]],  # last: tie -> argmax 0
        dtype=F32,
    )
    m = M.CategoricalAccuracy()
    m.update_state(yt, yp)
    out.append(
        {
            "name": "categorical_accuracy",
            "metric": "categorical_accuracy",
            "y_true": nested(yt),
            "y_pred": nested(yp),
            "per_sample": flat(M.categorical_accuracy(yt, yp).numpy()),
            "value": float(m.result().numpy()),
            "note": "argmax ties resolve to the first index",
        }
    )
    ys = np.array([1, 0, 2, 1], dtype=np.int32)
    m = M.SparseCategoricalAccuracy()
    m.update_state(ys, yp)
    out.append(
        {
            "name": "sparse_categorical_accuracy",
            "metric": "sparse_categorical_accuracy",
            "y_true": nested(ys),
            "y_pred": nested(yp),
            "per_sample": flat(M.sparse_categorical_accuracy(ys, yp).numpy()),
            "value": float(m.result().numpy()),
        }
    )
    bt = np.array([[1, 0], [1, 1], [0, 0], [0, 1]], dtype=F32)
    bp = np.array([[0.7, 0.5], [0.5, 0.51], [0.49, 0.2], [0.9, 0.1]], dtype=F32)
    m = M.BinaryAccuracy(threshold=0.5)
    m.update_state(bt, bp)
    out.append(
        {
            "name": "binary_accuracy",
            "metric": "binary_accuracy",
            "threshold": 0.5,
            "y_true": nested(bt),
            "y_pred": nested(bp),
            "per_sample": flat(M.binary_accuracy(bt, bp, threshold=0.5).numpy()),
            "value": float(m.result().numpy()),
            "note": "prediction is (y_pred > threshold), strictly greater: 0.5 counts as class 0; "
            "per-sample value is the mean over the last axis",
        }
    )
    return out


# --------------------------------------------------------------------------
# optimizers
# --------------------------------------------------------------------------

OPT_INITIAL = np.array([[0.5, -0.3, 0.8], [-1.2, 0.05, 0.0]], dtype=F32)
OPT_GRADS = [
    np.array([[0.1, -0.2, 0.3], [0.4, -0.5, 0.0]], dtype=F32),
    np.array([[-0.3, 0.1, 0.2], [0.05, 0.6, -0.1]], dtype=F32),
    np.array([[0.2, 0.2, -0.4], [-0.1, 0.0, 0.3]], dtype=F32),
]
OPT_GRADS_BIG = [
    np.array([[1.0, -2.0, 0.5], [0.3, 1.5, -0.7]], dtype=F32),  # norm ~ 2.8
    np.array([[-0.2, 0.1, 0.1], [0.0, 0.3, -0.1]], dtype=F32),  # norm < 1, untouched
    np.array([[3.0, 0.0, -4.0], [0.0, 0.0, 0.0]], dtype=F32),  # norm 5
]


def numpy_reference(kind, cfg, initial, grads):
    """Straightforward float32 re-derivation of the update rules (sanity check)."""
    var = initial.astype(F32).copy()
    lr = F32(cfg["learning_rate"])
    m = np.zeros_like(var)
    v = np.zeros_like(var)
    out = []
    for t, g in enumerate(grads, start=1):
        g = g.astype(F32)
        if cfg.get("clipnorm"):
            n = np.sqrt(np.sum(g * g, dtype=F32))
            if n > cfg["clipnorm"]:
                g = (g * F32(cfg["clipnorm"]) / n).astype(F32)
        if kind == "Adam":
            b1, b2, eps = F32(cfg["beta_1"]), F32(cfg["beta_2"]), F32(cfg["epsilon"])
            m = m + (g - m) * (F32(1) - b1)
            v = v + (g * g - v) * (F32(1) - b2)
            alpha = lr * np.sqrt(F32(1) - b2 ** F32(t)) / (F32(1) - b1 ** F32(t))
            var = var - (m * alpha) / (np.sqrt(v) + eps)
        elif kind == "RMSprop":
            rho, eps = F32(cfg["rho"]), F32(cfg["epsilon"])
            v = rho * v + (F32(1) - rho) * g * g
            var = var - lr * g / np.sqrt(v + eps)
        elif kind == "SGD":
            mom = F32(cfg["momentum"])
            if mom > 0:
                m = -g * lr + m * mom
                var = var + m
            else:
                var = var - g * lr
        out.append(var.astype(F32).copy())
    return out


def run_optimizer_case(name, opt, grads, note=None):
    var = tf.Variable(OPT_INITIAL)
    after = []
    for g in grads:
        opt.apply_gradients([(tf.constant(g), var)])
        after.append(var.numpy().copy())
    cfg = pyval(opt.get_config())
    kind = type(opt).__name__
    ref = numpy_reference(kind, cfg, OPT_INITIAL, grads)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(after, ref))
    out = {
        "name": name,
        "optimizer": kind,
        "config": cfg,
        "shape": [2, 3],
        "initial": flat(OPT_INITIAL),
        "grads": [flat(g) for g in grads],
        "after_each_step": [flat(a) for a in after],
        "numpy_f32_formula_max_abs_diff": diff,
    }
    if note:
        out["note"] = note
    return out


def optimizer_cases():
    O = keras.optimizers
    return [
        run_optimizer_case("adam_default", O.Adam(), OPT_GRADS),
        run_optimizer_case("rmsprop_default", O.RMSprop(), OPT_GRADS),
        run_optimizer_case("rmsprop_lr_0_01", O.RMSprop(learning_rate=0.01), OPT_GRADS),
        run_optimizer_case("sgd_lr_0_01_momentum_0_9", O.SGD(learning_rate=0.01, momentum=0.9), OPT_GRADS),
        run_optimizer_case("sgd_lr_0_1", O.SGD(learning_rate=0.1, momentum=0.0), OPT_GRADS),
        run_optimizer_case(
            "adam_clipnorm_1",
            O.Adam(clipnorm=1.0),
            OPT_GRADS_BIG,
            "clipnorm is applied per variable (tf.clip_by_norm on each gradient tensor "
            "separately, g * clipnorm / max(||g||_2, clipnorm)), before the update rule; "
            "global_clipnorm would use tf.clip_by_global_norm across all variables",
        ),
        run_optimizer_case("adam_no_clip_big_grads", O.Adam(), OPT_GRADS_BIG),
    ]


def clipnorm_per_variable_check():
    """Two variables, one step: demonstrate that clipnorm clips each gradient separately."""
    a = tf.Variable(np.zeros((2,), dtype=F32))
    b = tf.Variable(np.zeros((2,), dtype=F32))
    ga = np.array([3.0, 4.0], dtype=F32)  # norm 5 -> clipped to norm 1
    gb = np.array([0.3, 0.4], dtype=F32)  # norm 0.5 -> untouched
    opt = keras.optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply_gradients([(tf.constant(ga), a), (tf.constant(gb), b)])
    return {
        "optimizer": "SGD(learning_rate=1.0, clipnorm=1.0)",
        "grads": [flat(ga), flat(gb)],
        "after_one_step": [flat(a.numpy()), flat(b.numpy())],
        "per_variable": bool(np.allclose(a.numpy(), -ga / 5.0) and np.allclose(b.numpy(), -gb)),
    }


# --------------------------------------------------------------------------
# model summaries
# --------------------------------------------------------------------------


def capture_summary(build):
    keras.backend.clear_session()
    model = build()
    lines = []
    model.summary(print_fn=lambda line, *a, **k: lines.append(line))
    return "\n".join(lines), model.count_params()


def summaries():
    L = keras.layers

    def lecture9_input():
        return keras.Sequential(
            [keras.Input(shape=(60,)), L.Embedding(8000, 128), L.SimpleRNN(64), L.Dense(1, activation="sigmoid")]
        )

    def lecture9_build():
        m = keras.Sequential([L.Embedding(8000, 128), L.SimpleRNN(64), L.Dense(1, activation="sigmoid")])
        m.build((None, 60))
        return m

    def lecture9_input_length():
        return keras.Sequential(
            [L.Embedding(8000, 128, input_length=60), L.SimpleRNN(64), L.Dense(1, activation="sigmoid")]
        )

    def lecture8_input():
        return keras.Sequential(
            [keras.Input(shape=(5,)), L.Embedding(12, 10), L.SimpleRNN(32), L.Dense(12, activation="softmax")]
        )

    def lecture8_build():
        m = keras.Sequential([L.Embedding(12, 10), L.SimpleRNN(32), L.Dense(12, activation="softmax")])
        m.build((None, 5))
        return m

    def lecture11_input():
        return keras.Sequential(
            [keras.Input(shape=(60,)), L.Embedding(8000, 100), L.GRU(128), L.Dense(1, activation="sigmoid")]
        )

    def lecture11_build():
        m = keras.Sequential([L.Embedding(8000, 100), L.GRU(128), L.Dense(1, activation="sigmoid")])
        m.build((None, 60))
        return m

    specs = [
        ("lecture9_simplernn_input", lecture9_input),
        ("lecture9_simplernn_build", lecture9_build),
        ("lecture9_simplernn_input_length", lecture9_input_length),
        ("lecture8_simplernn_input", lecture8_input),
        ("lecture8_simplernn_build", lecture8_build),
        ("lecture11_gru_input", lecture11_input),
        ("lecture11_gru_build", lecture11_build),
    ]
    out = []
    for name, fn in specs:
        text, n = capture_summary(fn)
        out.append({"name": name, "total_params": int(n), "text": text})
    keras.backend.clear_session()
    return out


# --------------------------------------------------------------------------


NOTES = {
    "layer_loss": "loss = sum_k sum(outputs[k] * loss_weights[k]); grads via tf.GradientTape",
    "weights_layout": {
        "LSTM": "kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u]; gate blocks i, f, c, o",
        "GRU_reset_after_true": "kernel [in, 3u], recurrent_kernel [u, 3u], bias [2, 3u]: "
        "row 0 = input bias, row 1 = recurrent bias; blocks z, r, h; "
        "hh = tanh(x W_h + b_in_h + r * (h W_rh + b_rec_h)); h' = z * h + (1 - z) * hh",
        "GRU_reset_after_false": "bias [3u] (input bias only); hh = tanh(x W_h + b_h + (r * h) W_rh)",
        "Bidirectional": "forward/* then backward/*; backward layer is a copy with go_backwards "
        "toggled; with return_sequences its outputs are reversed back to time order before merging; "
        "concat puts forward first",
        "go_backwards": "a plain RNN with go_backwards=True and return_sequences=True returns its "
        "sequence in PROCESSING order (outputs[:, 0] is the step that consumed the last input); "
        "it is not flipped back (only Bidirectional flips its backward half)",
    },
    "masking": "see masking_cases: at a masked step the RNN still runs the cell but keeps the "
    "previous state (h, and c for LSTM) and, with return_sequences, repeats the previous output "
    "(zeros before the first unmasked step). Bidirectional forces zero_output_for_mask = "
    "return_sequences on its sub-layers, so masked positions are 0 in Bidirectional sequences.",
    "epsilon": "keras.backend.epsilon() = 1e-7 (float32: 1.0000000116860974e-07); "
    "1 - 1e-7 in float32 is 0.9999998807907104",
    "losses": {
        "categorical_crossentropy": "from probs: p = y_pred / sum(y_pred, -1); p = clip(p, eps, 1 - eps); "
        "loss = -sum(y_true * log(p)); from logits: softmax_cross_entropy_with_logits",
        "sparse_categorical_crossentropy": "from probs: p = clip(y_pred, eps, 1 - eps) (no "
        "renormalization), then sparse_softmax_cross_entropy_with_logits(log p), i.e. "
        "-log(p[y]) + log(sum(p)); differs from CCE by the clip/normalize order",
        "binary_crossentropy": "from probs: p = clip(y_pred, eps, 1 - eps); "
        "loss = -(y * log(p + eps) + (1 - y) * log(1 - p + eps)) (eps added again inside the "
        "log), mean over the last axis; from logits: sigmoid_cross_entropy_with_logits, mean over last axis",
        "clip_gradient": "tf.clip_by_value passes the gradient only where the input lies inside "
        "[eps, 1 - eps]; clipped entries (p = 0 or p = 1) get gradient 0",
        "reduction": "default SUM_OVER_BATCH_SIZE: sum of per-sample losses / number of samples",
        "softmax_bypass": "see softmax_logits_bypass",
    },
    "optimizers": {
        "Adam": "m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); "
        "alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); var -= alpha * m / (sqrt(v) + eps) "
        "(eps is 'epsilon hat': not bias-corrected)",
        "RMSprop": "v = rho v + (1 - rho) g^2; var -= lr * g / sqrt(v + eps) "
        "(eps INSIDE the sqrt, unlike Adam)",
        "SGD": "momentum > 0: m = momentum * m - lr * g; var += m. momentum = 0: var -= lr * g",
        "clipnorm": "per variable: each gradient tensor g -> g * clipnorm / max(||g||, clipnorm) "
        "(tf.clip_by_norm) before the update; see clipnorm_per_variable",
        "jit_compile": "recorded in config; False on this CPU-only build",
    },
    "summaries": "Sequential built via model.build((None, T)) shows (None, None, dim) for the "
    "Embedding output; keras.Input(shape=(T,)) or Embedding(input_length=T) shows (None, T, dim). tf_keras 2.21 prints parameter counts "
    "without thousands separators (1024000, not 1,024,000) and adds a size in parentheses",
}


def _is_leafy(v):
    """True for scalars and (nested) lists of scalars: printed on one line."""
    if isinstance(v, list):
        return all(_is_leafy(x) for x in v)
    return not isinstance(v, dict)


def dump(v, indent=0):
    """JSON with objects spread over lines but numeric arrays kept on one line."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [
            f'{pad} {json.dumps(k)}: {dump(x, indent + 1)}' for k, x in v.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and not _is_leafy(v):
        items = [f"{pad} {dump(x, indent + 1)}" for x in v]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(v, separators=(",", ":"), allow_nan=False)


def main():
    out_path = DEFAULT_OUT
    if len(sys.argv) > 1:
        out_path = sys.argv[1]
    doc = {
        "generator": "scripts/keras_nn_reference.py",
        "versions": VERSIONS,
        "notes": NOTES,
        "layer_cases": layer_cases(),
        "masking_cases": masking_cases(),
        "loss_cases": loss_cases(),
        "softmax_logits_bypass": softmax_bypass_demo(),
        "metric_cases": metric_cases(),
        "optimizer_cases": optimizer_cases(),
        "clipnorm_per_variable": clipnorm_per_variable_check(),
        "summaries": summaries(),
    }
    text = dump(doc) + "\n"
    if out_path == "-":
        sys.stdout.write(text)
    else:
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        with open(out_path, "w") as f:
            f.write(text)
        print(f"wrote {out_path} ({len(text)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
