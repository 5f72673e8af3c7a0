"""Okt's dictionaries as one table: the input of `rnn-playground build-okt-lexicon`.

Okt (open-korean-text 2.1.0, Apache-2.0, the jar inside the konlpy 0.6.0 wheel) decides
morpheme boundaries by looking words up in its word lists. src/segment/okt/ runs the same
search in Rust; this script writes what it looks up, exactly as the JVM holds it after loading:

* the 13 dictionaries of `KoreanDictionaryProvider.koreanDictionary` (Noun, Verb, Adjective,
  Adverb, Determiner, Exclamation, Josa, Eomi, PreEomi, Conjunction, Modifier, VerbPrefix,
  Suffix). Verb and Adjective hold every conjugated form Okt generates from verb.txt and
  adjective.txt, so we read them from the running JVM instead of re-implementing the
  conjugation rules;
* the three name dictionaries (family names, given names, full names) that decide whether an
  unknown noun counts as a name;
* the entity frequencies (freq/entity-freq.txt.gz, cut to 6 characters as Okt reads them);
* the part-of-speech sequence trie, as a string, so the Rust side can check that it builds
  the same trie in the same order (the order breaks ties between equal scores).

    python3 -m venv ~/.venvs/okt && ~/.venvs/okt/bin/pip install konlpy==0.6.0   # Java 17
    ~/.venvs/okt/bin/python scripts/okt_lexicon.py --out target/okt-lexicon
    rnn-playground build-okt-lexicon --table target/okt-lexicon/lexicon.tsv \
        --out data/segmenter/okt-lexicon.bin

Output: `lexicon.tsv` (word<TAB>class bits<TAB>frequency in 1/10,000, sorted by word) and
`trie.txt`. The word lists are Okt's, not review text.
"""

import argparse
import os
import sys

# Bit order of the class mask: the KoreanPos ids 0..12 of the dictionaries, then the names.
CLASSES = [
    "Noun",
    "Verb",
    "Adjective",
    "Adverb",
    "Determiner",
    "Exclamation",
    "Josa",
    "Eomi",
    "PreEomi",
    "Conjunction",
    "Modifier",
    "VerbPrefix",
    "Suffix",
]
NAME_BITS = {"family_name": 13, "given_name": 14, "full_name": 15}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    import jpype
    from konlpy.tag import Okt

    okt = Okt()
    # konlpy 0.6.0 ships open-korean-text 2.1.0; anything else would give other answers.
    jar = os.path.join(os.path.dirname(__import__("konlpy").__file__), "java", "open-korean-text-2.1.0.jar")
    if not os.path.exists(jar):
        sys.exit(f"{jar} not found: install konlpy==0.6.0")
    okt.morphs("워밍업")  # loads the dictionaries

    provider = jpype.JClass("org.openkoreantext.processor.util.KoreanDictionaryProvider")
    pos = jpype.JClass("org.openkoreantext.processor.util.KoreanPos")
    jstr = jpype.JClass("java.lang.String")

    def words(char_array_set):
        out = set()
        it = char_array_set.iterator()
        while it.hasNext():
            w = it.next()
            out.add(str(jstr(w)) if not isinstance(w, str) else w)
        return out

    table = {}
    dictionary = provider.koreanDictionary()
    for bit, name in enumerate(CLASSES):
        p = getattr(pos, name)()
        assert int(p.id()) == bit, (name, int(p.id()))
        for w in words(dictionary.get(p)):
            table[w] = table.get(w, 0) | (1 << bit)
        print(f"{name}: {dictionary.get(p).size()} words", file=sys.stderr)

    names = provider.nameDictionary()
    symbol = jpype.JClass("scala.Symbol")
    for name, bit in NAME_BITS.items():
        s = names.apply(symbol.apply(name))
        for w in words(s):
            table[w] = table.get(w, 0) | (1 << bit)
        print(f"{name}: {s.size()} words", file=sys.stderr)

    freq = {}
    freqs = provider.koreanEntityFreq()
    it = freqs.entrySet().iterator()
    while it.hasNext():
        e = it.next()
        word = str(e.getKey())
        value = float(e.getValue().floatValue())
        # Okt kept 6 characters ("0.1234"); store the 4 digits, which give back the same float.
        digits = round(value * 10000)
        assert abs(digits / 10000 - value) < 1e-6, (word, value)
        freq[word] = digits
        table.setdefault(word, 0)

    os.makedirs(args.out, exist_ok=True)
    # Sorted by UTF-8 bytes: the order the fst builder needs.
    rows = sorted(table.items(), key=lambda kv: kv[0].encode("utf-8"))
    with open(os.path.join(args.out, "lexicon.tsv"), "w", encoding="utf-8") as out:
        for w, mask in rows:
            if not w or "\t" in w or "\n" in w:
                continue
            out.write(f"{w}\t{mask}\t{freq.get(w, 0)}\n")
    print(f"lexicon.tsv: {len(rows)} words, {len(freq)} with a frequency", file=sys.stderr)

    tokenizer = jpype.JClass("org.openkoreantext.processor.tokenizer.KoreanTokenizer$")
    field = tokenizer.class_.getDeclaredField("koreanPosTrie")
    field.setAccessible(True)
    trie = field.get(getattr(tokenizer, "MODULE$"))
    with open(os.path.join(args.out, "trie.txt"), "w", encoding="utf-8") as out:
        out.write(str(trie.toString()) + "\n")


if __name__ == "__main__":
    main()
