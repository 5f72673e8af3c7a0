"""Write data/models/index.json (the page's list of shipped sentiment models) from the model
cards that `rnn-playground train-sentiment` wrote beside each model."""
import json, os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "data/models"
titles = {
    "lecture9-simplernn": "9강 SimpleRNN (Embedding 128 → SimpleRNN 64)",
    "lecture11-gru": "11강 GRU (Embedding 100 → GRU 128)",
    "best": "최고 · Best: ensemble of two BiGRUs (morphemes with attention pooling, syllables) + linear",
    "best-bigru": "Bidirectional GRU",
    "linear": "기준선 · Baseline: TF-IDF + logistic regression",
}
order = ["best", "linear", "best-bigru", "lecture11-gru", "lecture9-simplernn"]
# Used by the gate inspector only (it opens its files itself); the review panel does not list it.
lab_only = {"lecture-lstm"}
models = []
for name in sorted(os.listdir(root), key=lambda n: order.index(n) if n in order else 99):
    card = os.path.join(root, name, "MODEL_CARD.md")
    if name in lab_only or not os.path.isfile(card):
        continue
    text = open(card, encoding="utf-8").read()
    section = text.split("## Test accuracy", 1)[1].split("##", 1)[0]
    accuracy = [
        [m.group(1).replace(".txt", ""), float(m.group(3))]
        # The last column: the model's own (an ensemble's card also gives its members').
        for m in re.finditer(r"^\| (\S+) \| (\d+) \| (?:.*\| )?\**([0-9.]+)\** \|$", section, re.M)
    ]
    # Re-measured with Okt's segmenter (the cards of models trained on the earlier one).
    recheck = text.split("## Re-checked with Okt's segmenter", 1)
    if len(recheck) == 2:
        now = dict(re.findall(r"(\S+) [0-9.]+ → ([0-9]+\.[0-9]+)", recheck[1].split("##", 1)[0]))
        accuracy = [[name, float(now.get(name, acc))] for name, acc in accuracy]
    # The shopping cross-validation, where the card has one (the linear baseline's).
    cv = re.search(r"## Shopping reviews, (\d+)-fold cross-validation.*?^\| all \| (\d+) \| (?:[^\n]*\| )?\*\*([0-9.]+)\*\*", text, re.M | re.S)
    if cv:
        accuracy.append([f"shopping {cv.group(1)}-fold CV", float(cv.group(3))])
    size = os.path.getsize(os.path.join(root, name, "model.safetensors"))
    models.append({"name": name, "title": titles.get(name, name), "accuracy": accuracy, "bytes": size})
json.dump(models, open(os.path.join(root, "index.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print(json.dumps(models, ensure_ascii=False))
