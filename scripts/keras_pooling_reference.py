"""Keras 3's GlobalAveragePooling1D and GlobalMaxPooling1D after a masked recurrent layer:
outputs and gradients that tests/keras_pooling.rs compares ours with. Writes
tests/data/keras_pooling_reference.json (no review text: random ids and weights).

Run with the lecture's Colab Keras (`pip install tensorflow-cpu==2.21.0`, Keras 3.15):
`python scripts/keras_pooling_reference.py`.

Each case is `Embedding(V, E, mask_zero=True) → [Bidirectional](GRU/LSTM(U,
return_sequences=True)) → pooling → Dense(1, sigmoid)` on pre-padded ids (some rows all
padding but one token, one row without padding), weights drawn uniform(-0.5, 0.5) and set
with `set_weights`; `loss = mean(binary_crossentropy(y, p))`, and its gradient for every
weight from `tf.GradientTape` (the embedding's as a dense table).
"""
import json
import os
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

L = keras.layers
V, E, U, T, B = 11, 4, 3, 6, 4


def f32(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def case(name, cell, bidirectional, pooling):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    keras.utils.clear_session()
    rnn = (L.GRU if cell == "gru" else L.LSTM)(U, return_sequences=True)
    if bidirectional:
        rnn = L.Bidirectional(rnn)
    pool = L.GlobalAveragePooling1D() if pooling == "average" else L.GlobalMaxPooling1D()
    model = keras.Sequential(
        [keras.Input(shape=(T,)), L.Embedding(V, E, mask_zero=True), rnn, pool, L.Dense(1, activation="sigmoid")]
    )
    weights = [rng.uniform(-0.5, 0.5, size=w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(weights)
    lengths = [2, 6, 1, 4]
    ids = np.zeros((B, T), dtype=np.int32)
    for b, n in enumerate(lengths):
        ids[b, T - n:] = rng.integers(1, V, size=n)
    y = np.array([[1], [0], [1], [0]], dtype=np.float32)
    with tf.GradientTape() as tape:
        p = model(ids, training=False)
        loss = tf.reduce_mean(keras.losses.binary_crossentropy(y, p))
    grads = tape.gradient(loss, model.trainable_weights)
    return {
        "cell": cell,
        "bidirectional": bidirectional,
        "pooling": pooling,
        "vocab": V, "embedding_dim": E, "units": U, "time": T,
        "ids": ids.tolist(),
        "labels": f32(y),
        "weights": [{"name": w.path, "shape": list(w.shape), "values": f32(v)} for w, v in zip(model.trainable_weights, weights)],
        "output": f32(p),
        "loss": float(np.float32(loss)),
        "grads": [f32(tf.convert_to_tensor(g)) for g in grads],
    }


cases = [
    case("bigru_average", "gru", True, "average"),
    case("gru_average", "gru", False, "average"),
    case("bilstm_max", "lstm", True, "max"),
    case("lstm_max", "lstm", False, "max"),
]
out = {"keras": keras.__version__, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "keras_pooling_reference.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, indent=0)
for c in cases:
    print(c["cell"], c["bidirectional"], c["pooling"], c["output"], c["loss"], [w["name"] for w in c["weights"]])
