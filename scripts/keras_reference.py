#!/usr/bin/env python3
"""Generate Keras reference outputs for rnn-playground's text preprocessing tests.

Runs the *real* Keras implementations (``tf_keras`` 2.x: ``Tokenizer``,
``tokenizer_from_json``, ``pad_sequences``, ``to_categorical``) on a fixed set
of hand-written inputs and prints one JSON document that the Rust tests compare
against.  Nothing here is needed to build or test the crate; the generated file
``tests/data/keras_reference.json`` is committed.

Setup (once)::

    python3 -m venv /root/.venvs/keras
    /root/.venvs/keras/bin/pip install tensorflow-cpu tf-keras

Run from the repository root::

    /root/.venvs/keras/bin/python scripts/keras_reference.py > tests/data/keras_reference.json

The script re-executes itself with ``PYTHONHASHSEED=0`` so that the parts of
Keras' output that follow ``set`` iteration order (``word_docs`` /
``index_docs`` insertion order inside ``to_json()``) are reproducible from run
to run.  Those parts are still an accident of CPython's string hashing, so each
tokenizer case carries ``to_json_bytes_comparable``: it is true only when every
fitted document has at most one distinct token, in which case the exact
``to_json()`` string does not depend on hashing at all.  ``word_docs`` is
emitted sorted by word for the same reason.

If ``tf_keras`` cannot be imported, the script falls back to the standalone
``keras_preprocessing`` package (``pip install keras-preprocessing==1.1.2
numpy``), which contains the same Tokenizer code; the ``versions`` block says
which one produced the file.

Inputs that make Keras raise (only among the pad / categorical cases) are
recorded as ``{"name": ..., <inputs>, "error": "<ExceptionType>: <message>"}``
instead of carrying an output.
"""

import json
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

# Keep TensorFlow's import chatter off the terminal (it goes to stderr anyway;
# stdout carries only the JSON document).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

try:
    import tensorflow as tf  # noqa: E402
    import tf_keras  # noqa: E402
    from tf_keras.preprocessing.text import Tokenizer, tokenizer_from_json  # noqa: E402
    from tf_keras.utils import pad_sequences, to_categorical  # noqa: E402

    VERSIONS = {
        "python": sys.version.split()[0],
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
    }
except ImportError:  # fallback: the standalone package with the same code
    import keras_preprocessing  # noqa: E402
    from keras_preprocessing.sequence import pad_sequences  # noqa: E402
    from keras_preprocessing.text import Tokenizer, tokenizer_from_json  # noqa: E402

    def to_categorical(y, num_classes=None, dtype="float32"):
        # Same code as keras.utils.to_categorical (Keras 2.x).
        y = np.array(y, dtype="int")
        input_shape = y.shape
        if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
            input_shape = tuple(input_shape[:-1])
        y = y.reshape(-1)
        if not num_classes:
            num_classes = np.max(y) + 1
        n = y.shape[0]
        categorical = np.zeros((n, num_classes), dtype=dtype)
        categorical[np.arange(n), y] = 1
        return np.reshape(categorical, input_shape + (num_classes,))

    VERSIONS = {
        "python": sys.version.split()[0],
        "tensorflow": None,
        "tf_keras": None,
        "keras_preprocessing": keras_preprocessing.__version__,
    }

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

LECTURE8 = "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다\n"
LECTURE8_LINES = [line for line in LECTURE8.split("\n") if line]


def config(num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
           char_level=False, oov_token=None):
    return {
        "num_words": num_words,
        "filters": filters,
        "lower": lower,
        "split": split,
        "char_level": char_level,
        "oov_token": oov_token,
    }


# (name, config, fit_texts, convert_texts)
TOKENIZER_CASES = [
    (
        "lecture8",
        config(),
        [LECTURE8],
        LECTURE8_LINES,
    ),
    (
        "lecture8_lines",
        config(),
        LECTURE8_LINES,
        LECTURE8_LINES + ["달리는 말이 빠르다"],
    ),
    (
        "num_words_5_no_oov",
        config(num_words=5),
        [
            "red fish blue fish",
            "one fish two fish red fish",
            "blue sky red sun green grass",
        ],
        ["red fish green sky", "purple fish one two", ""],
    ),
    (
        "num_words_5_oov",
        config(num_words=5, oov_token="<OOV>"),
        [
            "red fish blue fish",
            "one fish two fish red fish",
            "blue sky red sun green grass",
        ],
        ["red fish green sky", "purple fish one two", "<OOV> <oov>"],
    ),
    (
        "num_words_1_oov",
        config(num_words=1, oov_token="<OOV>"),
        ["말이 말이 곱다", "곱다 말이"],
        ["말이 곱다 없다", "<OOV>"],
    ),
    (
        "num_words_2_no_oov",
        config(num_words=2),
        ["말이 말이 곱다", "곱다 말이"],
        ["말이 곱다 없다", "곱다 곱다"],
    ),
    (
        "num_words_0_is_unlimited",
        config(num_words=0),
        ["a b c d e f g", "g f e d c b a a"],
        ["a g h", "e e e"],
    ),
    (
        "oov_token_also_in_corpus",
        config(oov_token="the"),
        ["the cat sat on the mat", "the dog ate the cat's food"],
        ["the cat and the bird", "a dog on a mat"],
    ),
    (
        "oov_token_with_uppercase",
        config(oov_token="UNK"),
        ["Unk words are UNK and unk", "nothing else"],
        ["UNK unk missing", "else"],
    ),
    (
        "char_level_english",
        config(char_level=True),
        ["hello world!"],
        ["Hello, World!", "zebra"],
    ),
    (
        "char_level_korean",
        config(char_level=True),
        ["가는 말이 고와야"],
        ["오는 말이 곱다", "가는 말"],
    ),
    (
        "char_level_no_lower_mixed_case",
        config(char_level=True, lower=False),
        ["AbBa cab", "ABC abc"],
        ["Cab! aBc", "xyz"],
    ),
    (
        "char_level_oov_num_words",
        config(char_level=True, oov_token="?", num_words=4),
        ["aaab bbc", "cd\te"],
        ["abcdef", "\t?"],
    ),
    (
        "lower_false_mixed_case",
        config(lower=False),
        ["The cat. the CAT, The Cat!"],
        ["the Cat", "THE cat dog", "The The"],
    ),
    (
        "unicode_lowercase",
        config(),
        ["ΟΔΟΣ ΟΔΟΣ İstanbul ÀÉÎ Straße ǅemal ＡＢＣ"],
        ["οδος οδοσ i\u0307stanbul istanbul àéî strasse ǆemal ａｂｃ"],
    ),
    (
        "filters_empty",
        config(filters=""),
        ["hello, world! hello world", "tab\tinside\nnewline"],
        ["hello, world!", "hello world", "tab\tinside"],
    ),
    (
        "filters_custom_korean",
        config(filters="말 "),
        ["가는 말이 고와야 오는 말이 곱다", "경마장에 있는 말"],
        ["말이 곱다", "경마장에, 있는!"],
    ),
    (
        "split_comma",
        config(split=","),
        ["red apple,green pear,,red apple", "blue; sky,green pear. ripe"],
        ["red apple,blue sky", "green pear,red apple,,,"],
    ),
    (
        "split_multichar",
        config(split="||"),
        ["alpha||beta||||gamma", "beta|delta||alpha, omega!||beta"],
        ["alpha||omega||beta", "beta|delta", "x||alpha"],
    ),
    (
        "split_tab_no_tab_filter",
        config(split="\t", filters="!"),
        ["one two\tthree!four\t\tone two"],
        ["one two\tfour", "three"],
    ),
    (
        "punctuation_apostrophes",
        config(),
        [
            "don't stop! it's 3:45 p.m. (really) #rnn @keras",
            "It's OK -- don't panic... 'quoted' \"double\" [brackets] {braces}",
            "안녕，세상！ 전각 구두점은 필터가 아니다 ~ end_of_line",
        ],
        ["don't panic, it's 3:45!", "'quoted' p.m.", "안녕，세상！"],
    ),
    (
        "tabs_and_newlines",
        config(),
        ["first line\nsecond\tline\r\nthird  line\n\n", "  leading and trailing  "],
        ["line\tfirst\nthird", "second\r"],
    ),
    (
        "mixed_korean_english_emoji",
        config(),
        ["RNN 모델은 GRU보다 느리다 😀 LSTM 2개", "Keras의 Tokenizer는 OOV를 1번으로 둔다"],
        ["rnn 모델은 😀 느리다 3개", "keras의 tokenizer는 lstm 2개 😀😀"],
    ),
    (
        "mixed_with_oov",
        config(oov_token="<UNK>"),
        ["RNN 모델은 GRU보다 느리다 😀 LSTM 2개", "Keras의 Tokenizer는 OOV를 1번으로 둔다"],
        ["rnn 모델은 😀 느리다 3개", "처음 보는 단어 🙂"],
    ),
    (
        "pretokenized_lists",
        config(),
        [["가는", "말이"], ["말이", "곱다", "Hello"]],
        [["말이", "hello", "HELLO", "없는말"], ["곱다", "가는"], []],
    ),
    (
        "pretokenized_lists_no_filtering",
        config(oov_token="<OOV>"),
        [["말이!", "a b", "Hello,", ""], ["말이!", "말이"]],
        [["말이!", "말이", "a b", ""], ["hello,", "hello"]],
    ),
    (
        "mixed_string_and_list_docs",
        config(),
        ["Hello world, hello!", ["world", "Hello", "again"]],
        ["again hello", ["HELLO", "world!"]],
    ),
    (
        "ties_first_seen_order",
        config(),
        ["zeta alpha mike", "bravo zeta alpha", "mike echo bravo", "echo"],
        ["alpha bravo echo mike zeta", "unknown"],
    ),
    (
        "repeated_words_word_docs",
        config(),
        [
            "the the the cat",
            "cat dog dog",
            "the bird",
            "dog dog dog dog",
        ],
        ["the cat", "dog bird fish"],
    ),
    (
        "single_token_docs_json",
        config(oov_token="<OOV>"),
        ["말이", "말이", "곱다", "Hello", "😀", "", "hello", "😀"],
        ["말이 곱다", "hello 😀 world", "Hello"],
    ),
    (
        "single_token_docs_json_escapes",
        config(num_words=3, filters=""),
        ["b", "a", "b", "c\u00e9", "a a a", 'say:"hi"\\', "tab\there", "ctl\x01\x7f/", "  "],
        ["a b cé", 'say:"hi"\\ tab\there', "ctl\x01\x7f/"],
    ),
    (
        "single_char_docs_char_level",
        config(char_level=True, oov_token="<OOV>"),
        ["가", "A", "가", "", "😀", "a"],
        ["가a", "Aá😀"],
    ),
]


def tokenizer_case(name, cfg, fit_texts, convert_texts):
    tok = Tokenizer(**cfg)
    tok.fit_on_texts(fit_texts)
    sequences = tok.texts_to_sequences(convert_texts)
    valid_index = max(tok.index_word) if tok.index_word else 1
    texts_back_input = [list(s) for s in sequences] + [[0, 999, valid_index]]
    texts_back = tok.sequences_to_texts(texts_back_input)
    to_json = tok.to_json()

    # Round trip through tokenizer_from_json must reproduce the behaviour.
    tok2 = tokenizer_from_json(to_json)
    assert tok2.texts_to_sequences(convert_texts) == sequences, name
    assert tok2.sequences_to_texts(texts_back_input) == texts_back, name

    # Which tokens did each fit document contain?  (Same logic as fit_on_texts.)
    def doc_tokens(text):
        if cfg["char_level"] or isinstance(text, list):
            if cfg["lower"]:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        return tok_words(text, cfg)

    comparable = all(len(set(doc_tokens(t))) <= 1 for t in fit_texts)

    return {
        "name": name,
        "config": cfg,
        "fit_texts": fit_texts,
        "convert_texts": convert_texts,
        "document_count": tok.document_count,
        "word_index": [[w, i] for w, i in tok.word_index.items()],
        "word_counts": [[w, c] for w, c in tok.word_counts.items()],
        "word_docs": sorted([[w, c] for w, c in tok.word_docs.items()]),
        "index_word": [[i, w] for i, w in tok.index_word.items()],
        "sequences": sequences,
        "texts_back": texts_back,
        "texts_back_input": texts_back_input,
        "to_json": to_json,
        "to_json_bytes_comparable": comparable,
    }


def tok_words(text, cfg):
    from_keras = Tokenizer(**cfg)  # reuse Keras' own splitting
    from_keras.fit_on_texts([text])
    # word_counts keys are the tokens in first-seen order; enough for a set.
    return list(from_keras.word_counts.keys())


# (name, sequences, maxlen, padding, truncating, value)
PAD_CASES = [
    ("default", [[1, 2, 3], [4, 5], [6]], None, "pre", "pre", 0),
    ("padding_post", [[1, 2, 3], [4, 5], [6]], None, "post", "pre", 0),
    ("truncating_pre", [[1, 2, 3, 4], [5, 6], [7]], 2, "pre", "pre", 0),
    ("truncating_post", [[1, 2, 3, 4], [5, 6], [7]], 2, "pre", "post", 0),
    ("truncating_post_padding_post", [[1, 2, 3, 4], [5, 6], [7]], 3, "post", "post", 0),
    ("truncating_pre_padding_post", [[1, 2, 3, 4], [5, 6], [7]], 3, "post", "pre", 0),
    ("maxlen_longer_than_all", [[1, 2, 3], [4, 5], [6]], 6, "pre", "pre", 0),
    ("maxlen_longer_post", [[1, 2, 3], [4, 5], [6]], 6, "post", "post", 0),
    ("maxlen_equal_longest", [[1, 2, 3], [4]], 3, "pre", "post", 0),
    ("value_minus_1", [[1, 2, 3], [4, 5], [6]], 5, "pre", "pre", -1),
    ("value_minus_1_post", [[1, 2, 3], [4, 5], [6]], 5, "post", "pre", -1),
    ("value_1_7_int32_cast", [[1, 2, 3], [4, 5], [6]], 4, "pre", "pre", 1.7),
    ("value_minus_1_7_int32_cast", [[1, 2, 3], [4]], 4, "post", "pre", -1.7),
    ("empty_sequence_inside", [[1, 2], [], [3]], None, "pre", "pre", 0),
    ("empty_sequence_inside_post_value", [[1, 2], [], [3]], 3, "post", "post", 9),
    ("ragged_lengths", [[1], [2, 3, 4, 5, 6], [7, 8], [9, 10, 11]], None, "pre", "pre", 0),
    ("ragged_lengths_maxlen_3", [[1], [2, 3, 4, 5, 6], [7, 8], [9, 10, 11]], 3, "post", "pre", 0),
    ("ragged_lengths_maxlen_3_trunc_post", [[1], [2, 3, 4, 5, 6], [7, 8], [9, 10, 11]], 3, "pre", "post", 0),
    ("maxlen_1", [[1, 2, 3], [4, 5], []], 1, "pre", "pre", 0),
    ("float_values_cast_to_int32", [[1.9, -2.5, 3.0], [0.2]], None, "pre", "pre", 0),
    ("all_empty_sequences", [[], []], None, "pre", "pre", 0),
    ("all_empty_sequences_maxlen_2", [[], []], 2, "pre", "pre", 7),
    ("maxlen_0_truncating_post", [[1, 2], [3]], 0, "pre", "post", 0),
    ("maxlen_0_truncating_pre", [[1, 2], [3]], 0, "pre", "pre", 0),
    ("no_sequences", [], None, "pre", "pre", 0),
    ("no_sequences_maxlen_3", [], 3, "pre", "pre", 0),
    ("invalid_padding", [[1, 2], [3]], None, "middle", "pre", 0),
    ("invalid_truncating", [[1, 2, 3], [3]], 2, "pre", "middle", 0),
    ("int32_overflow", [[1, 3000000000]], None, "pre", "pre", 0),
]

# (name, labels, num_classes)
CATEGORICAL_CASES = [
    ("labels_0_2_1", [0, 2, 1], None),
    ("labels_0_2_1_num_classes_5", [0, 2, 1], 5),
    ("num_classes_0_means_infer", [0, 2, 1], 0),
    ("repeated_labels", [1, 1, 0, 3], None),
    ("single_label_zero", [0], None),
    ("column_vector_shrinks", [[0], [2], [1]], None),
    ("float_labels_truncate", [0.9, 2.0, 1.7], None),
    ("negative_label_wraps", [0, -1, 1], 3),
    ("label_out_of_range", [0, 3], 3),
    ("empty_labels_num_classes_3", [], 3),
    ("empty_labels_infer", [], None),
]


def pad_case(name, sequences, maxlen, padding, truncating, value):
    out = {
        "name": name,
        "sequences": sequences,
        "maxlen": maxlen,
        "padding": padding,
        "truncating": truncating,
        "value": value,
    }
    try:
        padded = pad_sequences(
            sequences, maxlen=maxlen, padding=padding, truncating=truncating, value=value
        )
    except Exception as e:  # recorded, not fatal
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    assert padded.dtype == np.int32, (name, padded.dtype)
    out["padded"] = [[int(v) for v in row] for row in padded.tolist()]
    return out


def categorical_case(name, labels, num_classes):
    out = {"name": name, "labels": labels, "num_classes": num_classes}
    try:
        output = to_categorical(labels, num_classes=num_classes)
    except Exception as e:  # recorded, not fatal
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    assert output.ndim == 2, (name, output.shape)
    out["output"] = [[float(v) for v in row] for row in output.tolist()]
    return out


def main():
    doc = {
        "generator": "scripts/keras_reference.py",
        "versions": VERSIONS,
        "tokenizer_cases": [tokenizer_case(*c) for c in TOKENIZER_CASES],
        "pad_cases": [pad_case(*c) for c in PAD_CASES],
        "categorical_cases": [categorical_case(*c) for c in CATEGORICAL_CASES],
    }
    names = [c["name"] for k in ("tokenizer_cases", "pad_cases", "categorical_cases") for c in doc[k]]
    assert len(names) == len(set(names)), "duplicate case names"
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
