"""Keras' own model files, saved by real Keras, for tests/keras_files.rs.

Part 1 (always): small models we define (vocabularies of a few dozen ids, no review text),
saved as Keras 3 ``.keras`` files (Keras 3.15, the lecture's Colab), as tf-keras 2.21 ``.h5``
full models (the lecture's ``ModelCheckpoint('best_model.h5')``) and as a Keras 3
``.weights.h5`` beside ``model.to_json()``. For each: a few padded id rows, what
``model.predict`` returns for them, and what Keras 3 prints for ``load_model(file).summary()``.
Written to tests/data/keras_files/.

Part 2 (``--check-exports DIR``): every ``.keras`` file in DIR (written by
``rnn-playground export-keras``) is opened with Keras 3's ``keras.saving.load_model`` and
predicts the rows in ``DIR/<name>.input.json``; the predictions, the file's SHA-256 and Keras'
summary go to tests/data/keras_export/expected.json, which CI checks without Python.

Run with the lecture's Colab versions:
``pip install tensorflow-cpu==2.21.0 tf-keras==2.21.0`` then
``python scripts/keras_files_fixtures.py`` (and ``cargo xtask keras-exports`` for part 2).
"""
import hashlib
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["COLUMNS"] = "80"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "keras_files")


def keras3_summary(model):
    lines = []
    model.summary(print_fn=lambda s, **k: lines.append(s))
    return "\n".join(lines) + "\n"


def rows(vocab, length, n=4, seed=0, pad=True):
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocab, size=(n, length))
    if pad:  # pre-padded, as pad_sequences gives them
        for i in range(1, n):
            x[i, : min(i, length - 1)] = 0
    return x


def part1():
    """Save models with Keras 3 and tf-keras (each in a child process: the two cannot share one)."""
    os.makedirs(OUT, exist_ok=True)
    cases = {}
    for flavour in ("keras3", "tf_keras"):
        out = subprocess.run(
            [sys.executable, __file__, "--save", flavour],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        cases.update(json.loads(out.strip().splitlines()[-1]))
    # Every file, read back by Keras 3 (what a student's Colab does).
    out = subprocess.run(
        [sys.executable, __file__, "--read-keras3"],
        check=True,
        capture_output=True,
        text=True,
        input=json.dumps(cases),
    ).stdout
    cases = json.loads(out.strip().splitlines()[-1])
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")


def save_keras3():
    import keras
    import numpy as np

    L = keras.layers
    cases = {}

    def fit_a_little(m, x, classes):
        y = np.arange(len(x)) % classes
        m.fit(x, y, epochs=1, batch_size=len(x), verbose=0)

    def save(name, model, x, fit=None):
        if fit is not None:
            fit_a_little(model, x, fit)
        path = f"{name}.keras"
        model.save(os.path.join(OUT, path))
        cases[name] = {
            "file": path,
            "saved_by": f"keras {keras.__version__}",
            "input": x.tolist(),
        }

    # The lecture's SimpleRNN classifier (lecture 9), compiled and fitted as the lecture does.
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(6,)), L.Embedding(30, 8), L.SimpleRNN(5), L.Flatten(), L.Dense(1, activation="sigmoid")])
    m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    save("k3_lecture9_simplernn", m, rows(30, 6), fit=2)

    # The lecture's own way: Sequential() + add(), no Input, built by fit(batch_size=32), then
    # saved (ModelCheckpoint): Keras keeps the batch size in the input shape and prints it.
    keras.utils.clear_session()
    m = keras.Sequential()
    m.add(L.Embedding(30, 8))
    m.add(L.GRU(5))
    m.add(L.Dense(1, activation="sigmoid"))
    m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    x = np.random.default_rng(1).integers(1, 30, size=(64, 6))
    m.fit(x, np.arange(64) % 2, epochs=1, batch_size=32, verbose=0)
    save("k3_lecture11_fit_built", m, rows(30, 6))

    # Lecture 8's next-word model, built after another model (names get suffixes, as in a
    # Colab session that ran a cell twice) and never compiled.
    keras.utils.clear_session()
    keras.Sequential([L.Embedding(3, 2), L.SimpleRNN(2), L.Dense(1)])
    m = keras.Sequential([keras.Input(shape=(5,)), L.Embedding(12, 10), L.SimpleRNN(8), L.Dense(12, activation="softmax")], name="next_word")
    save("k3_lecture8_next_word", m, rows(12, 5))

    # GRU with reset_after=False under a mask, Dropout, max pooling, a softmax head.
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(7,)), L.Embedding(25, 6, mask_zero=True), L.GRU(4, reset_after=False, return_sequences=True), L.Dropout(0.3), L.GlobalMaxPooling1D(), L.Dense(3, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    save("k3_gru_reset_before", m, rows(25, 7), fit=3)

    # Bidirectional LSTM over every step, TimeDistributed(Dense) (a tagger).
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(6,)), L.Embedding(20, 5, mask_zero=True), L.Bidirectional(L.LSTM(3, return_sequences=True)), L.TimeDistributed(L.Dense(4, activation="softmax"))])
    save("k3_bilstm_tagger", m, rows(20, 6))

    # GRU (reset_after=True) read backwards, average pooling, relu and tanh Dense layers.
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(8,)), L.Embedding(40, 6), L.GRU(5, go_backwards=True, return_sequences=True), L.GlobalAveragePooling1D(), L.Dense(4, activation="relu"), L.Dense(2, activation="tanh"), L.Dense(1)])
    save("k3_gru_backwards_pooled", m, rows(40, 8, pad=False))

    # Bidirectional GRU merged by sum, stacked LSTM without bias, Dropout between.
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(6,)), L.Embedding(20, 4), L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum"), L.Dropout(0.2), L.LSTM(3, use_bias=False), L.Dense(1, activation="sigmoid")])
    save("k3_bigru_sum_stacked", m, rows(20, 6))

    # Keras 3's weights file beside the model's JSON (model.save_weights + model.to_json).
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(5,)), L.Embedding(15, 4), L.LSTM(3), L.Dense(1, activation="sigmoid")])
    m.save_weights(os.path.join(OUT, "k3_weights_only.weights.h5"))
    with open(os.path.join(OUT, "k3_weights_only.json"), "w") as f:
        f.write(m.to_json())
    cases["k3_weights_only"] = {
        "file": "k3_weights_only.weights.h5",
        "config": "k3_weights_only.json",
        "saved_by": f"keras {keras.__version__}",
        "input": rows(15, 5).tolist(),
    }

    # Not supported here: a Conv1D layer (the reader must name it and refuse).
    keras.utils.clear_session()
    m = keras.Sequential([keras.Input(shape=(6,)), L.Embedding(10, 4), L.Conv1D(2, 3), L.GlobalMaxPooling1D(), L.Dense(1)])
    m.save(os.path.join(OUT, "k3_unsupported_conv1d.keras"))
    cases["k3_unsupported_conv1d"] = {"file": "k3_unsupported_conv1d.keras", "saved_by": f"keras {keras.__version__}", "unsupported": "Conv1D"}
    print(json.dumps(cases))


def save_tf_keras():
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tf_keras as keras

    L = keras.layers
    cases = {}

    def save(name, model, x):
        path = f"{name}.h5"
        model.save(os.path.join(OUT, path))
        cases[name] = {
            "file": path,
            "saved_by": f"tf-keras {keras.__version__}",
            "input": x.tolist(),
            "output": model.predict(x, verbose=0).tolist(),
        }

    # The lecture's ModelCheckpoint('best_model.h5') of the SimpleRNN classifier, after fit.
    keras.backend.clear_session()
    m = keras.Sequential([L.Embedding(30, 8, input_length=6), L.SimpleRNN(5), L.Dense(1, activation="sigmoid")])
    m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    x = rows(30, 6)
    import numpy as np

    m.fit(x, np.arange(len(x)) % 2, epochs=1, verbose=0)
    save("tfk_lecture9_simplernn", m, x)

    # Bidirectional GRU (tf-keras' default reset_after=True) and a softmax head.
    keras.backend.clear_session()
    m = keras.Sequential([keras.Input(shape=(6,)), L.Embedding(20, 4, mask_zero=True), L.Bidirectional(L.GRU(3)), L.Dense(3, activation="softmax")])
    save("tfk_bigru", m, rows(20, 6))

    # GRU with reset_after=False (Keras 2.2's cuDNN-incompatible layout), LSTM tagger.
    keras.backend.clear_session()
    m = keras.Sequential([keras.Input(shape=(5,)), L.Embedding(16, 4), L.GRU(3, reset_after=False, return_sequences=True), L.LSTM(2, return_sequences=True), L.TimeDistributed(L.Dense(3, activation="softmax"))])
    save("tfk_gru_reset_before_tagger", m, rows(16, 5))
    print(json.dumps(cases))


def read_keras3():
    import keras
    import numpy as np

    cases = json.loads(sys.stdin.read())
    for name, case in cases.items():
        keras.utils.clear_session()
        path = os.path.join(OUT, case["file"])
        if "unsupported" in case:
            continue
        if "config" in case:
            with open(os.path.join(OUT, case["config"])) as f:
                model = keras.models.model_from_json(f.read())
            model.load_weights(path)
        elif path.endswith(".h5"):
            # Keras 3 cannot load_model a tf-keras file with RNN layers (it refuses their
            # `time_major` argument): rebuild from the file's config without it, then load the
            # weights, as a student moving a model to Keras 3 does.
            import h5py

            with h5py.File(path) as f:
                config = json.loads(f.attrs["model_config"])
            for layer in config["config"]["layers"]:
                for c in (layer["config"], layer["config"].get("layer", {}).get("config", {})):
                    c.pop("time_major", None)
            from keras.src.legacy.saving import saving_utils

            model = saving_utils.model_from_config(config)
            model.load_weights(path)
        else:
            model = keras.saving.load_model(path)
        x = np.array(case["input"])
        output = model.predict(x, verbose=0).tolist()
        if "output" in case:  # the saving Keras' own predictions: Keras 3 agrees
            assert np.allclose(output, case["output"], atol=1e-5), name
        case["output"] = output
        case["summary"] = keras3_summary(model)
    print(json.dumps(cases))


def check_exports(folder):
    """Part 2: our .keras files, opened and run by Keras 3."""
    import keras
    import numpy as np

    out_dir = os.path.join(ROOT, "tests", "data", "keras_export")
    os.makedirs(out_dir, exist_ok=True)
    results = {}
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".keras"):
            continue
        name = file[: -len(".keras")]
        path = os.path.join(folder, file)
        keras.utils.clear_session()
        model = keras.saving.load_model(path)
        with open(os.path.join(folder, name + ".input.json")) as f:
            x = np.array(json.load(f))
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        result = {
            "sha256": sha,
            "keras": keras.__version__,
            "input": x.tolist(),
            "output": model.predict(x, verbose=0).tolist(),
            "summary": keras3_summary(model),
        }
        if model.compiled:
            # model.evaluate works in Colab: the compile config came along.
            y = np.zeros((len(x),) + tuple(model.output_shape[1:-1]))
            if model.output_shape[-1] == 1:
                y = y[..., None] if y.ndim == len(model.output_shape) - 1 else y
            result["evaluate"] = [float(v) for v in np.atleast_1d(model.evaluate(x, y, verbose=0))]
        tok = os.path.join(folder, name + ".tokenizer.json")
        if os.path.exists(tok):
            os.environ["TF_USE_LEGACY_KERAS"] = "1"
            from tf_keras.preprocessing.text import tokenizer_from_json

            with open(tok, encoding="utf-8") as f:
                tokenizer = tokenizer_from_json(f.read())
            result["tokenizer_words"] = len(tokenizer.word_index)
            result["tokenizer_num_words"] = tokenizer.num_words
        results[name] = result
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"checked {len(results)} exported files with Keras {keras.__version__}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--save"]:
        save_keras3() if sys.argv[2] == "keras3" else save_tf_keras()
    elif sys.argv[1:2] == ["--read-keras3"]:
        read_keras3()
    elif sys.argv[1:2] == ["--check-exports"]:
        check_exports(sys.argv[2])
    else:
        part1()
