#!/usr/bin/env python3
"""Export a Keras ``Sequential`` model to an rnn-playground model folder.

rnn-playground loads a model from a folder holding two files:

* ``model.json``: the layers (``"format": "rnn-playground/sequential-v1"``), the
  input length and, optionally, the Keras tokenizer (``tokenizer.to_json()``) and
  the preprocessing (``maxlen``, ``padding``) that produced the model's inputs;
* ``model.safetensors``: every weight as float32, named ``<layer>/<weight>``
  (``embedding/embeddings``, ``lstm/recurrent_kernel``, ``dense_1/bias``,
  ``bidirectional/backward/kernel``), with Keras' own shapes and gate order.

In the lecture's notebook, after ``model.fit(...)`` (copy this file next to the
notebook first, or ``sys.path.append`` the folder that holds it; the only
dependency beyond numpy is ``pip install safetensors``, and even that is
optional)::

    from keras_to_playground import export
    export(model, "my_model", tokenizer=tokenizer,
           preprocessing={"maxlen": max_len - 1, "padding": "pre"})

Then load the folder ``my_model/`` in the playground (or with the CLI).

From a saved model, on the command line::

    python scripts/keras_to_playground.py MODEL.keras|MODEL.h5 OUT_DIR \\
        [--tokenizer tokenizer.json] [--maxlen N] [--padding pre|post] [--verify]

``tokenizer.json`` holds the text of ``tokenizer.to_json()``.  ``--verify`` rebuilds
a Keras model from the written folder and compares its predictions with the
original model's.

Written for tf_keras / Keras 2 (``import tf_keras as keras``, or ``tf.keras`` on
TensorFlow < 2.16); Keras 3 ``Sequential`` models built from the same layers export
too.  Supported layers: Embedding (first), SimpleRNN, LSTM, GRU,
Bidirectional(SimpleRNN|LSTM|GRU), Dense, TimeDistributed(Dense), Flatten;
Dropout-like layers are skipped (they do nothing at inference) and an
``Activation`` layer right after a linear Dense is folded into it.  Anything else,
or an option the playground would compute differently, raises
``ConversionError``; options that change nothing at inference (dropout rates,
``unroll``) only print a warning.  See ``docs/keras-weights.md``.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

FORMAT = "rnn-playground/sequential-v1"

#: Activations the playground's Dense and TimeDistributed layers know.
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax")
MERGE_MODES = ("concat", "sum", "mul", "ave")
RNN_TYPES = ("SimpleRNN", "LSTM", "GRU")
#: Our base names, one per layer type (the n-th of a base gets "<base>_<n>").
BASE_NAMES = {
    "Embedding": "embedding",
    "SimpleRNN": "simple_rnn",
    "LSTM": "lstm",
    "GRU": "gru",
    "Bidirectional": "bidirectional",
    "Dense": "dense",
    "TimeDistributed": "time_distributed",
    "Flatten": "flatten",
}
#: Layers that are the identity at inference: skipped (with a warning).
IDENTITY_AT_INFERENCE = (
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianDropout",
    "GaussianNoise",
    "AlphaDropout",
    "ActivityRegularization",
)
_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


class ConversionError(ValueError):
    """The model uses something rnn-playground cannot reproduce."""


def _warn(msg):
    print(f"keras_to_playground: warning: {msg}", file=sys.stderr)


def _activation_name(value, where):
    """The name of a serialized Keras activation (a string in Keras 2 and 3)."""
    if isinstance(value, dict):  # a custom or registered object
        value = value.get("config", {}).get("name", value.get("class_name"))
    if not isinstance(value, str):
        raise ConversionError(f"{where}: cannot read the activation {value!r}")
    return value


def _f32(array):
    return np.ascontiguousarray(np.asarray(array, dtype=np.float32))


def _check_shapes(where, names, arrays, shapes):
    if len(arrays) != len(shapes):
        raise ConversionError(
            f"{where}: Keras gives {len(arrays)} weights "
            f"{[tuple(a.shape) for a in arrays]}, expected {len(shapes)} "
            f"({', '.join(names)}); is the model built?"
        )
    for name, array, shape in zip(names, arrays, shapes):
        if tuple(array.shape) != tuple(shape):
            raise ConversionError(
                f"{where}: {name} has shape {tuple(array.shape)}, expected {tuple(shape)}"
            )


def _rnn(layer, features, where, in_bidirectional=False):
    """Check a SimpleRNN/LSTM/GRU layer; returns (options, [(weight name, array)])."""
    kind = type(layer).__name__
    if kind not in RNN_TYPES:
        raise ConversionError(
            f"{where}: {kind} is not supported (use keras.layers.SimpleRNN, LSTM or GRU)"
        )
    cfg = layer.get_config()
    if cfg.get("stateful"):
        raise ConversionError(f"{where}: stateful=True is not supported")
    if cfg.get("return_state"):
        raise ConversionError(f"{where}: return_state=True is not supported")
    if cfg.get("time_major"):
        raise ConversionError(f"{where}: time_major=True is not supported")
    act = _activation_name(cfg.get("activation", "tanh"), where)
    if act != "tanh":
        raise ConversionError(
            f"{where}: activation={act!r} is not supported (only 'tanh', Keras' default)"
        )
    if kind != "SimpleRNN":
        ract = _activation_name(cfg.get("recurrent_activation", "sigmoid"), where)
        if ract != "sigmoid":
            raise ConversionError(
                f"{where}: recurrent_activation={ract!r} is not supported "
                "(only 'sigmoid', Keras 2's default)"
            )
    if cfg.get("unroll"):
        _warn(f"{where}: unroll=True ignored (same results, computed step by step)")
    for key in ("dropout", "recurrent_dropout"):
        if cfg.get(key, 0.0):
            _warn(f"{where}: {key}={cfg[key]} ignored (dropout does nothing at inference)")
    units = int(cfg["units"])
    use_bias = bool(cfg.get("use_bias", True))
    reset_after = bool(cfg.get("reset_after", True)) if kind == "GRU" else True
    if in_bidirectional and not use_bias:
        raise ConversionError(f"{where}: use_bias=False inside Bidirectional is not supported")
    if in_bidirectional and kind == "GRU" and not reset_after:
        raise ConversionError(
            f"{where}: reset_after=False inside Bidirectional is not supported"
        )
    g = _GATES[kind] * units
    names = ["kernel", "recurrent_kernel"]
    shapes = [(features, g), (units, g)]
    if use_bias:
        names.append("bias")
        shapes.append((2, g) if kind == "GRU" and reset_after else (g,))
    weights = [_f32(w) for w in layer.get_weights()]
    _check_shapes(where, names, weights, shapes)
    options = {
        "cell": kind,
        "units": units,
        "return_sequences": bool(cfg.get("return_sequences", False)),
        "go_backwards": bool(cfg.get("go_backwards", False)),
        "reset_after": reset_after,
        "use_bias": use_bias,
    }
    return options, list(zip(names, weights))


def _dense(layer, features, where):
    cfg = layer.get_config()
    act = _activation_name(cfg.get("activation", "linear"), where)
    if act not in ACTIVATIONS:
        raise ConversionError(
            f"{where}: activation={act!r} is not supported (one of {', '.join(ACTIVATIONS)})"
        )
    units = int(cfg["units"])
    use_bias = bool(cfg.get("use_bias", True))
    names = ["kernel"] + (["bias"] if use_bias else [])
    shapes = [(features, units)] + ([(units,)] if use_bias else [])
    weights = [_f32(w) for w in layer.get_weights()]
    _check_shapes(where, names, weights, shapes)
    return units, act, use_bias, list(zip(names, weights))


def _input_length(model, first):
    """The sequence length the model was built for, or None."""
    shape = None
    try:
        shape = model.input_shape
    except (AttributeError, ValueError, RuntimeError):
        pass
    if isinstance(shape, (tuple, list)) and len(shape) == 2 and shape[1] is not None:
        return int(shape[1])
    length = first.get_config().get("input_length")  # Keras 2's Embedding(input_length=)
    if isinstance(length, (list, tuple)):
        length = length[0] if len(length) == 1 else None
    return int(length) if length is not None else None


def convert(model):
    """Check ``model`` and translate it.

    Returns ``(input_length, layers, tensors)``: the ``model.json`` values and a dict
    of float32 arrays named ``<our layer name>/<weight>``.  Raises
    ``ConversionError`` for anything the playground would not compute the same way.
    """
    if type(model).__name__ != "Sequential":
        raise ConversionError(
            f"only Sequential models can be exported, this is a {type(model).__name__} "
            "(rebuild it as keras.Sequential([...]) and copy the weights over)"
        )
    if not getattr(model, "built", False) or not model.weights:
        raise ConversionError(
            "the model is not built yet: give it an input shape "
            "(keras.Input(shape=(T,)) or model.build((None, T))) or fit it first"
        )
    keras_layers = [l for l in model.layers if type(l).__name__ != "InputLayer"]
    layers, tensors, counts = [], {}, {}
    features = None  # size of the last axis flowing out of the previous layer
    has_time = True
    input_length = None

    for index, layer in enumerate(keras_layers):
        kind = type(layer).__name__
        where = f"layer {index} ({layer.name}, {kind})"
        if kind in IDENTITY_AT_INFERENCE:
            _warn(f"{where}: skipped ({kind} does nothing at inference)")
            continue
        if kind == "Activation":
            act = _activation_name(layer.get_config().get("activation"), where)
            prev = layers[-1] if layers else None
            if (
                prev is not None
                and prev["type"] in ("Dense", "TimeDistributed")
                and prev["activation"] == "linear"
                and act in ACTIVATIONS
            ):
                prev["activation"] = act
                _warn(f"{where}: folded into the Dense before it (activation={act!r})")
                continue
            raise ConversionError(
                f"{where}: an Activation layer is only supported right after a Dense "
                f"without activation, with one of {', '.join(ACTIVATIONS)}"
            )
        if kind not in BASE_NAMES:
            raise ConversionError(
                f"{where}: {kind} is not supported (supported: Embedding, SimpleRNN, LSTM, "
                "GRU, Bidirectional, Dense, TimeDistributed(Dense), Flatten, and Dropout "
                "layers, which are skipped)"
            )
        if (kind == "Embedding") != (not layers):
            raise ConversionError(
                f"{where}: the first layer must be an Embedding, and only the first"
            )
        if kind in RNN_TYPES + ("Bidirectional", "TimeDistributed") and not has_time:
            raise ConversionError(
                f"{where}: needs a sequence, but the layer before it returns one vector "
                "per sample (return_sequences=False)"
            )
        weights = []

        if kind == "Embedding":
            cfg = layer.get_config()
            input_dim, output_dim = int(cfg["input_dim"]), int(cfg["output_dim"])
            w = [_f32(a) for a in layer.get_weights()]
            _check_shapes(where, ["embeddings"], w, [(input_dim, output_dim)])
            entry = {
                "type": "Embedding",
                "input_dim": input_dim,
                "output_dim": output_dim,
                "mask_zero": bool(cfg.get("mask_zero", False)),
            }
            weights = [("embeddings", w[0])]
            features = output_dim
            input_length = _input_length(model, layer)

        elif kind in RNN_TYPES:
            options, weights = _rnn(layer, features, where)
            entry = {"type": "Recurrent", **options}
            features, has_time = options["units"], options["return_sequences"]

        elif kind == "Bidirectional":
            cfg = layer.get_config()
            merge_mode = cfg.get("merge_mode", "concat")
            if merge_mode not in MERGE_MODES:
                raise ConversionError(
                    f"{where}: merge_mode={merge_mode!r} is not supported "
                    f"(one of {', '.join(MERGE_MODES)})"
                )
            if getattr(layer, "return_state", False):
                raise ConversionError(f"{where}: return_state=True is not supported")
            fwd_layer, bwd_layer = layer.forward_layer, layer.backward_layer
            fwd, fwd_w = _rnn(fwd_layer, features, f"{where}, forward", True)
            bwd, bwd_w = _rnn(bwd_layer, features, f"{where}, backward", True)
            if fwd["go_backwards"] or not bwd["go_backwards"]:
                raise ConversionError(
                    f"{where}: the forward layer must read forwards and the backward layer "
                    "backwards (go_backwards=True on the wrapped layer is not supported)"
                )
            if type(fwd_layer) is not type(bwd_layer) or {
                k: v for k, v in fwd.items() if k != "go_backwards"
            } != {k: v for k, v in bwd.items() if k != "go_backwards"}:
                raise ConversionError(
                    f"{where}: a backward_layer that differs from the forward layer "
                    "is not supported"
                )
            # Keras' order: the forward layer's weights, then the backward layer's.
            together = layer.get_weights()
            if len(together) != len(fwd_w) + len(bwd_w) or not all(
                np.array_equal(_f32(a), b)
                for a, (_, b) in zip(together, fwd_w + bwd_w)
            ):
                raise ConversionError(
                    f"{where}: get_weights() is not the forward weights followed by the "
                    "backward weights"
                )
            weights = [(f"forward/{n}", a) for n, a in fwd_w] + [
                (f"backward/{n}", a) for n, a in bwd_w
            ]
            entry = {
                "type": "Bidirectional",
                "cell": fwd["cell"],
                "units": fwd["units"],
                "return_sequences": fwd["return_sequences"],
                "merge_mode": merge_mode,
            }
            features = fwd["units"] * (2 if merge_mode == "concat" else 1)
            has_time = fwd["return_sequences"]

        elif kind == "Dense":
            units, act, use_bias, weights = _dense(layer, features, where)
            entry = {"type": "Dense", "units": units, "activation": act, "use_bias": use_bias}
            features = units

        elif kind == "TimeDistributed":
            inner = layer.layer
            if type(inner).__name__ != "Dense":
                raise ConversionError(
                    f"{where}: only TimeDistributed(Dense) is supported, "
                    f"not TimeDistributed({type(inner).__name__})"
                )
            units, act, use_bias, weights = _dense(inner, features, where)
            if not use_bias:
                _warn(f"{where}: use_bias=False written as a zero bias (same results)")
                weights.append(("bias", np.zeros((units,), np.float32)))
            entry = {"type": "TimeDistributed", "units": units, "activation": act}
            features = units

        else:  # Flatten
            if layer.get_config().get("data_format", "channels_last") != "channels_last":
                raise ConversionError(f"{where}: data_format='channels_first' is not supported")
            if has_time:
                if input_length is None:
                    raise ConversionError(
                        f"{where}: Flatten after a sequence needs a fixed input length "
                        "(build the model with keras.Input(shape=(T,)))"
                    )
                features *= input_length
            has_time = False
            entry = {"type": "Flatten"}

        base = BASE_NAMES[entry["cell"] if entry["type"] == "Recurrent" else entry["type"]]
        n = counts.get(base, 0)
        counts[base] = n + 1
        name = base if n == 0 else f"{base}_{n}"
        for wname, array in weights:
            tensors[f"{name}/{wname}"] = array
        layers.append(entry)

    if not layers:
        raise ConversionError("the model has no layers")
    return input_length, layers, tensors


def _tokenizer_json(tokenizer):
    if tokenizer is None:
        return None
    text = tokenizer if isinstance(tokenizer, str) else tokenizer.to_json()
    try:
        parsed = json.loads(text)
    except ValueError as e:
        raise ConversionError(f"the tokenizer is not JSON ({e})") from None
    if not isinstance(parsed, dict) or parsed.get("class_name") != "Tokenizer":
        raise ConversionError(
            "the tokenizer must be a keras Tokenizer or the string of its to_json()"
        )
    return text


def _check_extras(layers, input_length, tokenizer, preprocessing):
    if tokenizer is not None:
        cfg = json.loads(tokenizer)["config"]
        num_words = cfg.get("num_words")
        word_index = json.loads(cfg.get("word_index") or "{}")
        top = (num_words - 1) if num_words else len(word_index)
        if top >= layers[0]["input_dim"]:
            _warn(
                f"the tokenizer gives ids up to {top} but Embedding(input_dim="
                f"{layers[0]['input_dim']}) accepts only 0..{layers[0]['input_dim'] - 1}"
            )
    if preprocessing:
        maxlen = preprocessing.get("maxlen")
        if maxlen is not None and input_length is not None and maxlen != input_length:
            _warn(f"preprocessing maxlen={maxlen} but the model's input length is {input_length}")
        for key in ("padding", "truncating"):
            if key in preprocessing and preprocessing[key] not in ("pre", "post"):
                raise ConversionError(f"preprocessing {key} must be 'pre' or 'post'")


def save_safetensors(tensors, path):
    """Write float32 arrays as safetensors (with the safetensors package when present)."""
    try:
        from safetensors.numpy import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file(dict(tensors), str(path))
        return
    # The format: u64 header length, JSON header {name: {dtype, shape, data_offsets}}, data.
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = _f32(tensors[name]).astype("<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(tensors[name].shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(chunks))


def export(model, out_dir, tokenizer=None, preprocessing=None):
    """Write ``out_dir/model.json`` and ``out_dir/model.safetensors`` for ``model``.

    ``tokenizer``: a keras ``Tokenizer`` or the string of its ``to_json()``.
    ``preprocessing``: e.g. ``{"maxlen": 5, "padding": "pre"}``.
    Returns the ``model.json`` content (a dict).
    """
    input_length, layers, tensors = convert(model)
    tok = _tokenizer_json(tokenizer)
    prep = dict(preprocessing or {})
    try:
        json.dumps(prep)
    except TypeError as e:
        raise ConversionError(f"preprocessing must be JSON values ({e})") from None
    _check_extras(layers, input_length, tok, prep)
    doc = {"format": FORMAT, "input_length": input_length, "layers": layers}
    if tok is not None:
        doc["tokenizer"] = tok
    if prep:
        doc["preprocessing"] = prep
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    save_safetensors(tensors, os.path.join(out_dir, "model.safetensors"))
    return doc


# --- checking an export: rebuild it in Keras ------------------------------------------


def read_safetensors(path):
    """The tensors of a safetensors file as a dict of numpy arrays (no dependency)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{name} is {info['dtype']}, not F32")
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(blob[8 + n + a : 8 + n + b], "<f4").reshape(info["shape"])
    return out


def rebuild(out_dir, keras):
    """Build a Keras model from an exported folder, reading the weights by our names.

    ``keras`` is the Keras module to build with (``tf_keras`` or ``keras``).  Checks the
    format from the other side: every tensor must be used exactly once.
    """
    with open(os.path.join(out_dir, "model.json"), encoding="utf-8") as f:
        doc = json.load(f)
    tensors = read_safetensors(os.path.join(out_dir, "model.safetensors"))
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(doc["input_length"],), dtype="int32")])
    counts, plan = {}, []
    for entry in doc["layers"]:
        t = entry["type"]
        if t == "Embedding":
            layer = L.Embedding(entry["input_dim"], entry["output_dim"], mask_zero=entry["mask_zero"])
            names = ["embeddings"]
        elif t == "Recurrent":
            kw = dict(
                return_sequences=entry["return_sequences"],
                go_backwards=entry["go_backwards"],
                use_bias=entry["use_bias"],
            )
            if entry["cell"] == "GRU":
                kw["reset_after"] = entry["reset_after"]
            layer = getattr(L, entry["cell"])(entry["units"], **kw)
            names = ["kernel", "recurrent_kernel"] + (["bias"] if entry["use_bias"] else [])
        elif t == "Bidirectional":
            inner = getattr(L, entry["cell"])(entry["units"], return_sequences=entry["return_sequences"])
            layer = L.Bidirectional(inner, merge_mode=entry["merge_mode"])
            names = [f"{d}/{w}" for d in ("forward", "backward") for w in ("kernel", "recurrent_kernel", "bias")]
        elif t == "Dense":
            layer = L.Dense(entry["units"], activation=entry["activation"], use_bias=entry["use_bias"])
            names = ["kernel"] + (["bias"] if entry["use_bias"] else [])
        elif t == "TimeDistributed":
            layer = L.TimeDistributed(L.Dense(entry["units"], activation=entry["activation"]))
            names = ["kernel", "bias"]
        elif t == "Flatten":
            layer = L.Flatten()
            names = []
        else:
            raise ValueError(f"unknown layer type {t!r}")
        base = BASE_NAMES[entry["cell"] if t == "Recurrent" else t]
        n = counts.get(base, 0)
        counts[base] = n + 1
        name = base if n == 0 else f"{base}_{n}"
        model.add(layer)
        plan.append((layer, [f"{name}/{w}" for w in names]))
    used = set()
    for layer, names in plan:
        layer.set_weights([tensors[n] for n in names])
        used.update(names)
    if used != set(tensors):
        raise ValueError(f"unused tensors in the file: {sorted(set(tensors) - used)}")
    return model, doc


def verify(model, out_dir, keras, inputs=None, seed=0):
    """Compare ``model`` with the model rebuilt from ``out_dir``; returns the max abs diff."""
    rebuilt, doc = rebuild(out_dir, keras)
    if inputs is None:
        first = doc["layers"][0]
        rng = np.random.default_rng(seed)
        length = doc["input_length"] or 7
        inputs = rng.integers(0, first["input_dim"], size=(8, length))
        if first["mask_zero"]:  # some pre-padding, at least one real token per row
            for i, row in enumerate(inputs):
                row[: i % length] = 0
                row[-1] = max(row[-1], 1)
    inputs = np.asarray(inputs, dtype="int32")
    a = np.asarray(model.predict(inputs, verbose=0))
    b = np.asarray(rebuilt.predict(inputs, verbose=0))
    return float(np.max(np.abs(a - b)))


def _load_model(path):
    """Load a saved model with tf_keras, falling back to Keras 3 for .keras files."""
    errors = []
    try:
        import tf_keras as keras
    except ImportError:
        try:
            from tensorflow import keras  # TensorFlow < 2.16: Keras 2
        except ImportError:
            keras = None
    if keras is not None:
        try:
            return keras.models.load_model(path, compile=False), keras
        except Exception as e:  # noqa: BLE001 - report every attempt below
            errors.append(f"tf_keras: {type(e).__name__}: {e}")
    try:
        import keras as keras3

        if int(keras3.__version__.split(".")[0]) >= 3:
            return keras3.models.load_model(path, compile=False), keras3
    except Exception as e:  # noqa: BLE001
        errors.append(f"keras: {type(e).__name__}: {e}")
    raise ConversionError(f"cannot load {path}:\n  " + "\n  ".join(errors))


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Export a Keras Sequential model (.keras or .h5) to an rnn-playground "
        "model folder (model.json + model.safetensors)."
    )
    p.add_argument("model", help="a saved Keras model: MODEL.keras or MODEL.h5")
    p.add_argument("out_dir", help="the folder to write")
    p.add_argument("--tokenizer", metavar="FILE", help="a file holding tokenizer.to_json()")
    p.add_argument("--maxlen", type=int, help="preprocessing: the padded sequence length")
    p.add_argument("--padding", choices=("pre", "post"), help="preprocessing: padding side")
    p.add_argument("--verify", action="store_true", help="rebuild the export and compare")
    args = p.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        model, keras = _load_model(args.model)
        tokenizer = None
        if args.tokenizer:
            with open(args.tokenizer, encoding="utf-8") as f:
                tokenizer = f.read().strip()
        prep = {}
        if args.maxlen is not None:
            prep["maxlen"] = args.maxlen
        if args.padding is not None:
            prep["padding"] = args.padding
        doc = export(model, args.out_dir, tokenizer=tokenizer, preprocessing=prep or None)
        print(
            f"wrote {args.out_dir}/model.json and model.safetensors "
            f"({len(doc['layers'])} layers, input_length={doc['input_length']})"
        )
        if args.verify:
            diff = verify(model, args.out_dir, keras)
            print(f"verify: max |Keras - rebuilt| = {diff:.3g}")
            if not diff < 1e-5:
                return 1
    except (ConversionError, OSError) as e:
        print(f"keras_to_playground: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
