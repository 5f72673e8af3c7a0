"""The lecture notebooks' printed numbers as Colab prints them, on a review file we wrote.

Writes
- tests/data/notebook_reviews.txt: a `rating<TAB>review` file made only of sentences written for
  this project (data/examples/reviews_we_wrote.txt and the phrases below), with the things real
  files have: duplicates, reviews the cleaning empties, reviews of spaces after the cleaning,
  pandas' NA words, an empty review field, quoted fields, blank lines;
- tests/data/notebook_colab.json: what the lecture's own cells print on that file, run with
  Colab's libraries (pandas 2.2.2, numpy 2.0.2, scikit-learn 1.6.1, konlpy's Okt, tf-keras
  2.21's Tokenizer);
- tests/data/sklearn_split.json: `train_test_split(range(n), test_size, random_state)` for
  several sizes, fractions and seeds.

tests/notebook_colab.rs compares src/notebook.rs with both, without Python.

    python3 -m venv ~/.venvs/lecture
    ~/.venvs/lecture/bin/pip install pandas==2.2.2 numpy==2.0.2 scikit-learn==1.6.1 konlpy \
        tensorflow-cpu==2.21.0 tf-keras==2.21.0
    ~/.venvs/lecture/bin/python scripts/notebook_colab_fixture.py
"""

import json
import os
import random

import numpy as np
import pandas as pd
from konlpy.tag import Okt
from sklearn.model_selection import train_test_split
from tf_keras.preprocessing.sequence import pad_sequences
from tf_keras.preprocessing.text import Tokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "tests", "data")

# The same list as src/text/korean.rs (LECTURE_STOPWORDS), in the lecture's order.
STOPWORDS = ['도', '는', '다', '의', '가', '이', '은', '한', '에', '하', '고', '을', '를', '인', '듯',
             '과', '와', '네', '들', '듯', '지', '임', '게']

EXTRA = [
    "배송 빨라요", "별로예요", "재구매 의사 있어요", "두 번 다시 안 사요", "생각보다 튼튼해요",
    "냄새가 너무 심해요", "아이가 좋아해요", "가성비 최고", "설명이랑 달라요", "보통이에요",
    "조립이 어려웠어요", "선물용으로 샀어요", "반품했어요", "소리가 조용해요", "금방 고장났어요",
]
# What the cleaning empties, leaves as spaces, or pandas reads as NaN.
# Words that turn up once or twice (the lecture counts the words seen once).
RARE = ["곰돌이컵", "두부칼", "바람막이", "손수건", "무릎담요", "양말", "주전자", "냄비", "우산", "연필깎이",
        "책갈피", "머리끈", "방석", "도마", "국자", "수세미", "빨래집게", "옷걸이", "치약", "칫솔"]
ODD = ["!!!", "123 456", "good", "^^ ;;", "ok !!", "NULL", "nan", "100% 만족", "A+ 최고", "ㅋㅋㅋ"]


def write_file(path):
    rng = random.Random(11)
    with open(os.path.join(ROOT, "data", "examples", "reviews_we_wrote.txt"), encoding="utf-8") as f:
        written = [l.strip() for l in f if l.strip()]
    phrases = written + EXTRA
    lines = []
    for i in range(700):
        r = rng.random()
        if r < 0.04:
            text = rng.choice(ODD)
        else:
            words = " ".join(rng.choice(phrases) for _ in range(rng.choice([1, 1, 2, 3, 9]))).split()
            if rng.random() < 0.3:
                # Some words left out, so that rare words and new word orders appear.
                words = [w for w in words if rng.random() < 0.7] or words[:1]
            if rng.random() < 0.1:
                words.insert(rng.randrange(len(words) + 1), rng.choice(RARE))
            text = " ".join(words)
            if rng.random() < 0.1:
                text += rng.choice(["!!", " ^^", "...", " 10점", " :)"])
        rating = rng.choice([1, 2, 4, 5, 5])
        lines.append(f"{rating}\t{text}")
    # Exact repeats of earlier lines (drop_duplicates keeps the first).
    for _ in range(60):
        lines.insert(rng.randrange(len(lines)), rng.choice(lines))
    # The same review with another rating.
    lines.insert(300, "1\t배송 빨라요")
    # pandas' reading: an empty review field (NaN), a blank line, a line of spaces, quoted
    # fields (the quotes go, a TAB inside stays, "" is one quote).
    lines.insert(5, "5\t")
    lines.insert(17, "")
    lines.insert(33, "   ")
    lines.insert(40, '4\t"포장이 "" 꼼꼼해요"')
    lines.insert(41, '2\t"색깔이\t달라요" 실망')
    lines.insert(42, '5\t정말 "최고" 예요')
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def lecture(path, max_len=60, num_words=8000, random_state=42):
    """The lecture's cells, as the page shows them, with what each prints."""
    out = {}
    total_data = pd.read_table(path, names=['ratings', 'reviews'])
    out["total"] = len(total_data)
    total_data['label'] = np.select([total_data.ratings > 3], [1], default=0)
    out["head"] = [[int(r), None if pd.isna(v) else v, int(l)]
                   for r, v, l in total_data[:5][['ratings', 'reviews', 'label']].values]
    total_data.drop_duplicates(subset=['reviews'], inplace=True)
    out["unique"] = len(total_data)
    train_data, test_data = train_test_split(total_data, test_size=0.25, random_state=random_state)
    out["split"] = [len(train_data), len(test_data)]
    counts = train_data.groupby('label').size().reset_index(name='count')
    out["train_label_counts"] = [int(c) for c in counts['count']]
    out["value_counts_order"] = [int(k) for k in train_data['label'].value_counts().index]
    train_data['reviews'] = train_data['reviews'].str.replace("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", regex=True)
    train_data['reviews'].replace('', np.nan, inplace=True)
    before = len(train_data)
    train_data = train_data.dropna(how='any')
    # The cell ends with train_data['reviews'][:5]: pandas' index and the cleaned review.
    out["cleaned_head"] = [[int(i), v] for i, v in train_data['reviews'][:5].items()]
    out["train_dropped"] = before - len(train_data)
    test_data.drop_duplicates(subset=['reviews'], inplace=True)
    test_data['reviews'] = test_data['reviews'].str.replace("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", regex=True)
    test_data['reviews'].replace('', np.nan, inplace=True)
    before = len(test_data)
    test_data = test_data.dropna(how='any')
    out["test_dropped"] = before - len(test_data)
    out["cleaned_sizes"] = [len(train_data), len(test_data)]

    okt = Okt()
    train_data['tokenized'] = train_data['reviews'].apply(okt.morphs)
    train_data['tokenized'] = train_data['tokenized'].apply(lambda x: [item for item in x if item not in STOPWORDS])
    test_data['tokenized'] = test_data['reviews'].apply(okt.morphs)
    test_data['tokenized'] = test_data['tokenized'].apply(lambda x: [item for item in x if item not in STOPWORDS])
    out["tokenized_head"] = [list(t) for t in train_data['tokenized'][:5]]
    X_train = train_data['tokenized'].values
    X_test = test_data['tokenized'].values

    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(X_train)
    out["vocabulary"] = len(tokenizer.word_index)
    out["rare_words"] = sum(1 for v in tokenizer.word_counts.values() if v < 2)
    tokenizer = Tokenizer(num_words, oov_token='OOV')
    tokenizer.fit_on_texts(X_train)
    X_train = tokenizer.texts_to_sequences(X_train)
    X_test = tokenizer.texts_to_sequences(X_test)
    out["sequences_head"] = X_train[:3]
    out["max_length"] = max(len(review) for review in X_train)
    mean = sum(map(len, X_train)) / len(X_train)
    out["mean_length"] = mean
    out["mean_length_printed"] = str(mean)
    counts, edges = np.histogram([len(review) for review in X_train], bins=50)
    out["histogram"] = {"counts": [int(c) for c in counts], "low": float(edges[0]), "high": float(edges[-1])}
    count = sum(1 for s in X_train if len(s) <= max_len)
    below = (count / len(X_train)) * 100
    out["below_maxlen_percent"] = below
    out["below_printed"] = '전체 샘플 중 길이가 %s 이하인 샘플의 비율: %s' % (max_len, below)
    X_train = pad_sequences(X_train, maxlen=max_len)
    X_test = pad_sequences(X_test, maxlen=max_len)
    out["train_shape"] = list(X_train.shape)
    out["test_shape"] = list(X_test.shape)
    out["train_ids"] = [int(i) for i in train_data.index[:20]]
    return out


def splits():
    cases = []
    for n in [2, 3, 10, 37, 625, 1000]:
        for test_size in [0.25, 0.33]:
            for seed in [0, 42, 2**32 - 1]:
                train, test = train_test_split(list(range(n)), test_size=test_size, random_state=seed)
                cases.append({"n": n, "test_size": test_size, "seed": seed, "train": train, "test": test})
    return cases


def main():
    path = os.path.join(DATA, "notebook_reviews.txt")
    write_file(path)
    result = {"versions": {"pandas": pd.__version__, "numpy": np.__version__,
                           "scikit-learn": __import__("sklearn").__version__}}
    result["lecture"] = lecture(path)
    with open(os.path.join(DATA, "notebook_colab.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    with open(os.path.join(DATA, "sklearn_split.json"), "w") as f:
        json.dump(splits(), f, separators=(",", ":"))


if __name__ == "__main__":
    main()
