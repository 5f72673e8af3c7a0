#!/bin/sh
# How the shipped models in data/ were made (run from the repository root; takes about an hour
# on 2 cores). The review files come from ../shared/data (see its PROVENANCE.md); none of their
# text is committed, only what our code derived from them.
set -eu
DATA=${DATA:-../shared/data}
cargo build --release --bin rnn-playground
BIN=target/release/rnn-playground

# 1. The morpheme segmenter's lexicon: Okt's dictionaries read from the JVM (konlpy 0.6.0's
#    jar; Java 17), then checked against real Okt on held-out movie and shopping reviews.
python3 -m venv ~/.venvs/okt && ~/.venvs/okt/bin/pip install konlpy==0.6.0
~/.venvs/okt/bin/python scripts/okt_lexicon.py --out target/okt-lexicon
cp target/okt-lexicon/trie.txt tests/data/okt_pos_trie.txt
$BIN build-okt-lexicon --table target/okt-lexicon/lexicon.tsv --out data/segmenter/okt-lexicon.bin
cargo build --release --bin rnn-playground   # the lexicon is compiled into the command line
~/.venvs/okt/bin/python scripts/okt_silver_labels.py --raw "$DATA/nsmc_raw_reviews.txt" \
    --out target/segmenter --test 10000 --train 20000 \
    --shopping "$DATA/naver_shopping_parts.txt" "$DATA/naver_shopping_labeled.txt"
for f in test shopping-test shopping-train train; do
    $BIN segment-eval --test target/segmenter/$f.jsonl
done

# 2. Review sentiment: the lectures' two models, then the best one.
REVIEWS="$DATA/nsmc_parts.txt $DATA/naver_shopping_labeled.txt $DATA/naver_shopping_parts.txt"
$BIN train-sentiment --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --max-per-file 150000 \
    --model simplernn --out data/models/lecture9-simplernn
$BIN train-sentiment --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --max-per-file 150000 \
    --model gru --out data/models/lecture11-gru
$BIN train-sentiment --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --balance \
    --model bigru --hidden 64 --embedding-dim 64 --num-words 12000 --batch-size 64 \
    --optimizer adam --epochs 8 --patience 2 --out data/models/best-bigru
# The gate inspector's LSTM (lecture 10's gates; not listed in the review panel).
$BIN train-sentiment --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --max-per-file 60000 \
    --model lstm --embedding-dim 64 --hidden 64 --batch-size 64 --epochs 8 --patience 2 \
    --out data/models/lecture-lstm
# The baseline every RNN must clear (issue 16): TF-IDF over Okt's morpheme 1-2-grams and
# syllable 1-3-grams + logistic regression (C = 3.5), on NSMC, 100k + 100k balanced raw
# reviews and the shopping reviews weighted x5, with 5-fold cross-validation over the shopping
# reviews; the 150,000 strongest terms of each kind ship.
$BIN train-sentiment --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --model linear --balance \
    --max-per-file 200000 --shopping-weight 5 --cv-folds 5 --max-terms 150000 \
    --out data/models/linear
# The best model (issue 16), the page's default: two RNNs trained on movie reviews only (NSMC's
# training rows and every raw review, --prior-correction instead of dropping positives,
# Embedding(mask_zero=True) so batches are bucketed by length: ~10 minutes each on one core),
# one on Okt's morphemes (every step read by attention pooling) and one on syllables, then
# `--model ensemble` fine-tunes each on the shopping reviews (with as many movie reviews), trains a linear member as above (the 20,000
# strongest terms of each kind, for the download), cross-validates the trio over the shopping
# reviews and packs it into one folder. The member RNNs stay under target/ (their cards are
# copied beside the ensemble).
MOVIES="$DATA/nsmc_parts.txt $DATA/nsmc_raw_reviews.txt"
$BIN train-sentiment --data $MOVIES --prior-correction --mask-zero --model bigru --hidden 96 \
    --embedding-dim 64 --num-words 15000 --batch-size 64 --optimizer adam --epochs 8 --patience 2 \
    --pooling attention --out target/rnn-big/bigru-att-movie
$BIN train-sentiment --data $MOVIES --prior-correction --mask-zero --units syllables \
    --model bigru --hidden 96 --embedding-dim 64 --num-words 3000 --maxlen 60 --batch-size 64 \
    --optimizer adam --epochs 5 --patience 1 --out target/rnn-big/bigru-syl-movie
$BIN train-sentiment --model ensemble --rnn target/rnn-big/bigru-att-movie target/rnn-big/bigru-syl-movie \
    --rnn-weight 0.6 --data $REVIEWS "$DATA/nsmc_raw_reviews.txt" --balance --max-per-file 200000 \
    --shopping-weight 5 --cv-folds 5 --max-terms 20000 --learning-rate 0.0003 --optimizer adam \
    --out data/models/best
mkdir -p data/models/best/members
cp target/rnn-big/bigru-att-movie/MODEL_CARD.md data/models/best/members/bigru-att-movie.md
cp target/rnn-big/bigru-syl-movie/MODEL_CARD.md data/models/best/members/bigru-syl-movie.md

# float16 weights: half the download (checked on NSMC reviews; see the model cards), and a
# tokenizer without the fitting statistics. The default model's embedding goes to 4 bits (the
# first visit's download), re-measured on the test splits.
tail -n 20000 "$DATA/nsmc_parts.txt" | cut -f2 > target/f16-check.txt
for m in lecture11-gru lecture9-simplernn lecture-lstm; do
    $BIN convert-weights --model data/models/$m --check target/f16-check.txt --compact-tokenizer
done
$BIN convert-weights --model data/models/best-bigru --check target/f16-check.txt
$BIN convert-weights --model data/models/best-bigru --check target/f16-check.txt \
    --storage q4 --compact-tokenizer
$BIN evaluate-sentiment --model data/models/best-bigru --data $REVIEWS "$DATA/nsmc_raw_reviews.txt"
python3 scripts/models_index.py   # the page's list of models (data/models/index.json)
