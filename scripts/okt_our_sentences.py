"""Okt's answers for sentences we wrote: tests/data/okt_our_sentences.jsonl.

The segmenter's tests compare with real Okt (konlpy 0.6.0, `okt.morphs`, no stemming) on
sentences written for this project, never on review text from the data sets: the 40 reviews
of data/examples/reviews_we_wrote.txt, then the sentences below, which reach the parts of
Okt's search that ordinary reviews seldom do (dictionary-only loanwords, names and their
variations, Korean numbers, jamo next to syllables, long unspaced runs, direct matches).

    ~/.venvs/okt/bin/python scripts/okt_our_sentences.py > tests/data/okt_our_sentences.jsonl
"""

import json
import re

CLEAN = re.compile(r"[^ㄱ-ㅎㅏ-ㅣ가-힣 ]")

EXTRA = [
    "타사제품보다 디퓨저 향이 오래가요",
    "스크류피스가 빠져 있어서 소금끼 있는 손으로 다시 조였어요",
    "택배사 기사님이 주분 안에 오셨어요",
    "쓰나안 이런 건 처음 봐요",
    "김민수가 추천해서 샀는데 민수니 말이 맞았어요",
    "삼천원 더 주고 오만원짜리 샀어요 십일번가보다 싸요",
    "ㅋㅋ좋아요ㅎㅎ 최고ㅠㅠ 별로ㅡㅡ",
    "배송빠르고포장꼼꼼하고가격도저렴해서재구매할게요정말추천합니다",
    "하하하 우와 대박 헐",
    "그리고 그러나 그래서 하지만",
    "사랑해요 사랑하는 사랑했었던",
    "초대박 개이득 존맛탱",
    "먹었었겠지만 갔었습니다 왔었어요",
    "이 새 헌 옷을 그 집에",
    "밑에층에 말도없이 놔두고가고",
    "빠른배송감사합니다",
]


def main():
    from konlpy.tag import Okt

    okt = Okt()
    with open("data/examples/reviews_we_wrote.txt", encoding="utf-8") as f:
        ours = [l.rstrip("\n") for l in f if l.strip()]
    for text in ours + EXTRA:
        clean = " ".join(CLEAN.sub("", text).split())
        print(json.dumps({"text": clean, "morphs": okt.morphs(clean)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
