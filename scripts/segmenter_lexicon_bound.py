"""How far could a lookup table of Okt's answers lift the segmenter's F1?

Okt segments each word the same way wherever it appears, so a table word → Okt's morphemes,
built from the silver labels of the training reviews, gives Okt's exact answer for every word
it holds. This script replaces the segmenter's answer by the table's for the N most frequent
training words and prints the span F1 on the held-out reviews, for several N (the README's
"Known gaps" quotes the last line). It reads only files under target/ (review text, never
committed).

    ~/.venvs/okt/bin/python scripts/okt_silver_labels.py --raw ../shared/data/nsmc_raw_reviews.txt \\
        --out target/segmenter/lex --train 300000 --test 5000
    python3 -c "import json; [print(json.loads(l)['text']) for l in open('target/segmenter/lex/test.jsonl')]" \\
        > target/segmenter/lex/test.txt
    rnn-playground segment target/segmenter/lex/test.txt > target/segmenter/lex/model.jsonl
    python3 scripts/segmenter_lexicon_bound.py target/segmenter/lex
"""

import collections
import json
import sys


def spans(morphs):
    out, i = set(), 0
    for m in morphs:
        out.add((i, i + len(m)))
        i += len(m)
    return out


def f1(gold, pred):
    tp = fp = fn = 0
    for g, p in zip(gold, pred):
        G, P = spans(g), spans(p)
        tp += len(G & P)
        fp += len(P - G)
        fn += len(G - P)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def per_word(text, morphs):
    """The morphemes of each word (they never cross a space)."""
    out, k = [], 0
    for word in text.split():
        acc, parts = "", []
        while acc != word:
            acc += morphs[k]
            parts.append(morphs[k])
            k += 1
        out.append((word, parts))
    return out


def main():
    folder = sys.argv[1]
    test = [json.loads(l) for l in open(f"{folder}/test.jsonl", encoding="utf-8")]
    model = [json.loads(l) for l in open(f"{folder}/model.jsonl", encoding="utf-8")]
    gold = [t["morphs"] for t in test]
    counts, table = collections.Counter(), {}
    for line in open(f"{folder}/train.jsonl", encoding="utf-8"):
        row = json.loads(line)
        for word, parts in per_word(row["text"], row["morphs"]):
            counts[word] += 1
            table[word] = parts
    print(f"segmenter alone: F1 {f1(gold, model):.4f}")
    for n in [10_000, 50_000, 100_000, len(counts)]:
        top = dict(counts.most_common(n))
        pred = []
        for t, m in zip(test, model):
            p = []
            for word, parts in per_word(t["text"], m):
                p.extend(table[word] if word in top else parts)
            pred.append(p)
        size = sum(len(w.encode()) + len(table[w]) + 1 for w in top)
        print(f"table of {n} words ({size} bytes): F1 {f1(gold, pred):.4f}")


if __name__ == "__main__":
    main()
