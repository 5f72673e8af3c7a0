"""scikit-learn's answers for the linear baseline: tests/data/linear_reference.json.

On the 56 sentences of tests/data/okt_our_sentences.jsonl (sentences we wrote, with Okt's
morphemes), with labels by position (even: 0, odd: 1; any labels define a problem to solve):
TfidfVectorizer over morpheme 1-2-grams and over char_wb 1-3-grams (sublinear tf, min_df 1),
each block's idf and the rows of the first documents, then LogisticRegression(C=3.5) on both
blocks side by side, solved to a tight tolerance, with its coefficients and probabilities.
src/linear/ must give the same numbers.

    ~/.venvs/okt/bin/pip install scikit-learn
    ~/.venvs/okt/bin/python scripts/linear_reference.py > tests/data/linear_reference.json
"""

import json

import sklearn
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def main():
    rows = [json.loads(l) for l in open("tests/data/okt_our_sentences.jsonl", encoding="utf-8")]
    texts = [r["text"] for r in rows]
    morphs = [" ".join(r["morphs"]) for r in rows]
    labels = [i % 2 for i in range(len(rows))]
    m = TfidfVectorizer(
        ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=r"\S+", lowercase=False
    )
    s = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=1, sublinear_tf=True, lowercase=False
    )
    xm = m.fit_transform(morphs)
    xs = s.fit_transform(texts)
    x = hstack([xm, xs]).tocsr()
    clf = LogisticRegression(C=3.5, solver="lbfgs", tol=1e-12, max_iter=100000).fit(x, labels)

    def row(mat, i):
        r = mat.getrow(i).tocoo()
        return sorted([[int(c), float(v)] for c, v in zip(r.col, r.data)])

    out = {
        "sklearn": sklearn.__version__,
        "labels": labels,
        "morpheme_vocabulary": {k: int(v) for k, v in m.vocabulary_.items()},
        "syllable_vocabulary": {k: int(v) for k, v in s.vocabulary_.items()},
        "morpheme_idf": [float(v) for v in m.idf_],
        "syllable_idf": [float(v) for v in s.idf_],
        "morpheme_rows": [row(xm, i) for i in range(3)],
        "syllable_rows": [row(xs, i) for i in range(3)],
        "coef": [float(v) for v in clf.coef_[0]],
        "intercept": float(clf.intercept_[0]),
        "probability": [float(p) for p in clf.predict_proba(x)[:, 1]],
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
