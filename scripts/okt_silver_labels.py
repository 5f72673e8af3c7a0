"""Okt's answers on real reviews: run real Okt (konlpy) over Naver movie and shopping reviews.

`rnn-playground segment-eval` scores the segmenter (src/segment/) against these labels, per
domain. The labels stay under target/ and are never committed (they are review text).

    python3 -m venv ~/.venvs/okt && ~/.venvs/okt/bin/pip install konlpy==0.6.0   # Java 17
    ~/.venvs/okt/bin/python scripts/okt_silver_labels.py \
        --raw ../shared/data/nsmc_raw_reviews.txt --out target/segmenter --test 10000 \
        --train 20000 --shopping ../shared/data/naver_shopping_parts.txt \
        ../shared/data/naver_shopping_labeled.txt

Files: test.jsonl (movie reviews with id % 50 == 7), train.jsonl (other movie reviews),
shopping-test.jsonl (a seeded 30 % of the shopping rows, held out before anything was built
or tuned) and shopping-train.jsonl (the rest).

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
        "--shopping",
        nargs="*",
        default=[],
        help="shopping review files (rating<TAB>review or label<TAB>review): a seeded share of "
        "their rows is held out as shopping-test.jsonl, the rest is shopping-train.jsonl",
    )
    ap.add_argument("--shopping-test-share", type=float, default=0.3)
    ap.add_argument("--only-test", action="store_true", help="write the test files only")
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
    shopping = []
    for path in args.shopping:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 2 and parts[0].strip().isdigit():
                    text = clean(parts[1])
                    if text:
                        shopping.append(text)
    # Held out before anything is trained or tuned on them.
    random.Random(args.seed + 1).shuffle(shopping)
    cut = round(len(shopping) * args.shopping_test_share)
    jobs = [("test", test, args.test)]
    if shopping:
        jobs.append(("shopping-test", shopping[:cut], cut))
        if not args.only_test:
            jobs.append(("shopping-train", shopping[cut:], len(shopping) - cut))
    if not args.only_test:
        jobs.append(("train", train, args.train))
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
