"""Keras 3's `model.summary()` text for models we define (no review text), written to
tests/data/keras3_summaries.json for tests/keras3_summary.rs. Run with the lecture's Colab
Keras: `pip install tensorflow-cpu==2.21.0` (Keras 3.15), then
`python scripts/keras3_summary_fixtures.py`.

Keras 3 renders with rich at min(88, terminal columns - 4) characters; without a terminal
(a notebook's output, a pipe) that is 76, which is what the fixtures and we use.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["COLUMNS"] = "80"
import keras
import numpy as np

L = keras.layers


def summary(model):
    lines = []
    model.summary(print_fn=lambda s, **k: lines.append(s))
    return "\n".join(lines)


def seq(layers, name=None, input_len=None):
    keras.utils.clear_session()
    stack = ([keras.Input(shape=(input_len,))] if input_len else []) + layers
    return keras.Sequential(stack, name=name) if name else keras.Sequential(stack)


cases = {}
cases["lecture9_simplernn"] = summary(seq([L.Embedding(8000, 128), L.SimpleRNN(64), L.Flatten(), L.Dense(1, activation="sigmoid")], input_len=60))
cases["lecture11_gru"] = summary(seq([L.Embedding(8000, 100), L.GRU(128), L.Dense(1, activation="sigmoid")], input_len=60))
cases["lstm"] = summary(seq([L.Embedding(8000, 128), L.LSTM(128), L.Dense(1, activation="sigmoid")], input_len=60))
cases["bidirectional_gru"] = summary(seq([L.Embedding(12000, 64), L.Bidirectional(L.GRU(64)), L.Dense(1, activation="sigmoid")], input_len=60))
cases["lecture8_textgen"] = summary(seq([L.Embedding(12, 10), L.SimpleRNN(32), L.Dense(12, activation="softmax")], input_len=5))
cases["time_distributed"] = summary(seq([L.Embedding(30, 8), L.LSTM(16, return_sequences=True), L.TimeDistributed(L.Dense(30, activation="softmax"))], input_len=7))
cases["pooled_bigru"] = summary(seq([L.Embedding(15000, 64, mask_zero=True), L.Bidirectional(L.GRU(96, return_sequences=True)), L.GlobalAveragePooling1D(), L.Dense(1, activation="sigmoid")], input_len=60))
cases["max_pooled_lstm"] = summary(seq([L.Embedding(8000, 32), L.LSTM(16, return_sequences=True), L.GlobalMaxPooling1D(), L.Dense(1, activation="sigmoid")], input_len=40))
cases["stacked"] = summary(seq([L.Embedding(5000, 32), L.GRU(32, return_sequences=True), L.GRU(16), L.Dense(1, activation="sigmoid")], input_len=40))

# The lecture's notebook: no Input layer, built by fit(batch_size=32), rmsprop: the batch size
# in the shapes and the optimizer's slots in the totals.
keras.utils.clear_session()
m = keras.Sequential([L.Embedding(8000, 128), L.SimpleRNN(64), L.Flatten(), L.Dense(1, activation="sigmoid")])
m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
x = np.random.default_rng(0).integers(1, 8000, size=(64, 60))
y = np.arange(64) % 2
m.fit(x, y, epochs=1, batch_size=32, verbose=0)
cases["lecture9_after_fit"] = summary(m)

keras.utils.clear_session()
m = keras.Sequential([L.Embedding(8000, 100), L.GRU(128), L.Dense(1, activation="sigmoid")])
m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
m.fit(x, y, epochs=1, batch_size=60, verbose=0)
cases["lecture11_after_fit"] = summary(m)

keras.utils.clear_session()
m = keras.Sequential([L.Embedding(8000, 128), L.LSTM(128), L.Dense(1, activation="sigmoid")])
m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
m.fit(x, y, epochs=1, batch_size=32, verbose=0)
cases["lstm_adam_after_fit"] = summary(m)

out = {"keras": keras.__version__, "summaries": cases}
path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "keras3_summaries.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
for k, v in cases.items():
    print(k)
    print(v)
