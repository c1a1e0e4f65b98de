#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which real words would the trade-word repair of names change? (docs/extraction.md,
"Trade words misread by one letter").

Reads kNameTradeWords and kRealWordsNearTradeWords from src/extract/parties.cc, applies the
same rule as RepairTradeWords to every word of Tesseract's English, Malay, German and French dictionaries (word
lists made with combine_tessdata -u and dawg2wordlist, from the installed traineddata) and
prints the words it would change: each should be a misspelling, never a real word or a name.

    python3 bench/trade_words_check.py [TESSDATA_DIR]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def word_list(name, source):
    body = re.search(name + r" = \{(.*?)\};", source, re.S).group(1)
    return set(re.findall(r'"([a-z]+)"', body))


def one_edit(a, b):
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


def repaired(word, targets, real):
    """The trade word `word` would be repaired to, or None (RepairTradeWords' rule)."""
    low = word.lower()
    if len(low) < 5 or not (low.isascii() and low.isalpha()):
        return None
    if low in targets or low in real or (low.endswith("s") and low[:-1] in targets):
        return None
    if any(t.endswith("s") and low == t[:-1] for t in targets):
        return None
    matches = [t for t in targets if one_edit(low, t)]
    return matches[0] if len(matches) == 1 else None


def main():
    source = open(os.path.join(ROOT, "src/extract/parties.cc"), encoding="utf-8").read()
    targets = word_list("kNameTradeWords", source)
    real = word_list("kRealWordsNearTradeWords", source)
    tessdata = sys.argv[1] if len(sys.argv) > 1 else (glob.glob("/usr/share/tesseract-ocr/*/tessdata") or ["."])[0]
    changed = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("eng", "msa", "deu", "fra"):
            prefix = os.path.join(tmp, lang + ".")
            subprocess.run(["combine_tessdata", "-u", os.path.join(tessdata, lang + ".traineddata"), prefix],
                           check=True, capture_output=True)
            out = os.path.join(tmp, lang + ".words")
            subprocess.run(["dawg2wordlist", prefix + "lstm-unicharset", prefix + "lstm-word-dawg", out],
                           check=True, capture_output=True)
            for w in open(out, encoding="utf-8", errors="replace"):
                w = w.strip()
                if any(c.isupper() for c in w[1:]):
                    continue  # acronyms and mixed case: not words a name prints in one case
                to = repaired(w, targets, real)
                if to:
                    changed.setdefault(to, set()).add(w.lower())
    total = sum(len(v) for v in changed.values())
    print(f"{len(targets)} trade words, {len(real)} real words kept; dictionary words changed: {total}")
    for to, words in sorted(changed.items()):
        print(f"  {to}: {', '.join(sorted(words))}")


if __name__ == "__main__":
    main()
