"""Silver labels for the morpheme segmenter: run real Okt (konlpy) over Naver movie reviews.

The segmenter (src/segment/) learns where Okt puts morpheme boundaries. This script makes its
training and test data; the data stays under target/ and is never committed (it is review
text). What is committed is the model trained from it (data/segmenter/) and this script.

    python3 -m venv ~/.venvs/okt && ~/.venvs/okt/bin/pip install konlpy   # needs Java 17
    ~/.venvs/okt/bin/python scripts/okt_silver_labels.py \
        --raw ../shared/data/nsmc_raw_reviews.txt --out target/segmenter --train 150000

Each output line is JSON: {"text": cleaned review, "morphs": okt.morphs(text)}. Reviews are
cleaned as the lecture does (everything but Hangul syllables, jamo and spaces removed), runs
of spaces collapsed, and empty ones skipped. The split is by review id (id % 50 == 7 goes to
the test file), so no review is in both, and the order is a seeded shuffle.

It also checks the property the segmenter relies on: Okt's morphemes never cross a space and,
joined, give back the text without spaces. Rows where that fails are counted and left out.
"""

import argparse
import json
import random
import re
import sys
import time

CLEAN = re.compile(r"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]")


def clean(text):
    return " ".join(CLEAN.sub("", text).split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True, help="nsmc_raw_reviews.txt (id, document, rating, movie_id)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", type=int, default=150000)
    ap.add_argument("--test", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument(
        "--skip",
        type=int,
        default=0,
        help="leave out the first N training reviews (already labeled) and the test file",
    )
    args = ap.parse_args()

    from konlpy.tag import Okt

    okt = Okt()
    okt.morphs("워밍업")  # starts the JVM

    train, test = [], []
    with open(args.raw, encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].isdigit():
                continue
            text = clean(parts[1])
            if not text:
                continue
            (test if int(parts[0]) % 50 == 7 else train).append(text)
    rng = random.Random(args.seed)
    rng.shuffle(train)
    rng.shuffle(test)

    import os

    os.makedirs(args.out, exist_ok=True)
    jobs = [("test", test, args.test), ("train", train, args.train)]
    if args.skip:
        jobs = [(f"train-from-{args.skip}", train[args.skip :], args.train)]
    for name, rows, n in jobs:
        kept = broken = 0
        start = time.time()
        with open(os.path.join(args.out, f"{name}.jsonl"), "w", encoding="utf-8") as out:
            for text in rows[:n]:
                morphs = okt.morphs(text)
                if "".join(morphs) != text.replace(" ", "") or any(" " in m for m in morphs):
                    broken += 1
                    continue
                out.write(json.dumps({"text": text, "morphs": morphs}, ensure_ascii=False) + "\n")
                kept += 1
        secs = time.time() - start
        print(
            f"{name}: {kept} reviews ({broken} broke the no-space-crossing property) "
            f"in {secs:.1f} s: Okt {kept / secs:.0f} reviews/s",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
