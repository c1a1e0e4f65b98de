# SPDX-License-Identifier: GPL-3.0-or-later
"""`sheaf eval --group-by sender` on a made-up dataset folder: senders are kept in one fold and
every sender weighs as one document (docs/extraction.md, "Grouped by sender")."""

import io
import json

from sheaf_e2e import FONT, cli

INVOICE = """{issuer}
Musterstrasse 1, 10115 Berlin

INVOICE

Invoice No.: {number}
Invoice Date: 05.03.2024

Net amount: 100.00 EUR
VAT 19%: 19.00 EUR
Total: 119.00 EUR
"""


def invoice_png(issuer, number):
    from PIL import Image, ImageDraw, ImageFont
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 36)
    for i, line in enumerate(INVOICE.format(issuer=issuer, number=number).splitlines()):
        d.text((100, 100 + i * 60), line, fill=0, font=f)
    b = io.BytesIO()
    img.save(b, "PNG")
    return b.getvalue()


def make_dataset(root):
    """An invoice2data-shaped folder: two invoices from Acme, one from Beta whose labelled total
    (999.00) is not what its page prints, so that only Beta's total is wrong."""
    folder = root / "invoice2data"
    (folder / "compare").mkdir(parents=True)
    docs = [("acme1", "Acme GmbH", "A-1001", 119.0), ("acme2", "Acme GmbH", "A-1002", 119.0),
            ("beta1", "Beta Ltd", "B-77", 999.0)]
    with open(folder / "manifest.jsonl", "w") as manifest:
        for name, issuer, number, total in docs:
            (folder / "compare" / f"{name}.png").write_bytes(invoice_png(issuer, number))
            expected = [{"issuer": issuer, "invoice_number": number, "date": "2024-03-05",
                         "amount": total, "currency": "EUR"}]
            (folder / "compare" / f"{name}.json").write_text(json.dumps(expected))
            manifest.write(json.dumps({"expected": f"compare/{name}.json",
                                       "inputs": [f"compare/{name}.png"]}) + "\n")
    return folder


def test_grouped_eval_weighs_every_sender_as_one_document(tmp_path):
    folder = make_dataset(tmp_path)
    out = tmp_path / "report.json"
    p = cli("eval", "--dataset", str(folder), "--type", "invoice", "--group-by", "sender",
            "--folds", "2", "--jobs", "1", "--data-dir", str(tmp_path / "data"), "--out", str(out))
    assert "grouped by sender: 3 documents from 2 senders in 2 sender-disjoint folds" in p.stdout
    report = json.loads(out.read_text())
    grouped = report["grouped"]
    assert grouped["senders"] == 2
    # Acme's two invoices share a fold; Beta's is the other.
    assert sorted(grouped["fold_documents"]) == [1, 2]
    # The page is read right; only Beta's labelled total is off. Per document 2 of 3 totals are
    # right (F1 0.667), per sender 1 of 2 (0.5).
    assert report["fields"]["fields"]["invoice_number"]["tp"] == 3
    assert abs(report["fields"]["fields"]["total"]["f1"] - 2 / 3) < 1e-9
    assert abs(grouped["fields"]["total"]["grouped_f1"] - 0.5) < 1e-9
    assert grouped["fields"]["total"]["senders"] == 2
    assert grouped["fields"]["invoice_number"]["grouped_f1"] == 1.0


def test_grouped_eval_refuses_an_unknown_grouping_or_a_single_fold(tmp_path):
    folder = make_dataset(tmp_path)
    for args in (["--group-by", "template"], ["--group-by", "sender", "--folds", "1"]):
        p = cli("eval", "--dataset", str(folder), "--type", "invoice", *args,
                "--data-dir", str(tmp_path / "data"), check=False)
        assert p.returncode != 0
        assert "--group-by" in p.stderr or "--folds" in p.stderr


def test_grouped_eval_reports_the_ranker_trained_per_fold(tmp_path):
    folder = make_dataset(tmp_path)
    out = tmp_path / "report.json"
    p = cli("eval", "--dataset", str(folder), "--type", "invoice", "--group-by", "sender",
            "--folds", "2", "--jobs", "1", "--data-dir", str(tmp_path / "data"), "--out", str(out))
    assert "with the extractor's ranker, trained per fold on the other folds' senders" in p.stdout
    report = json.loads(out.read_text())
    ranked = report["grouped_ranked"]
    assert sorted(ranked["fold_documents"]) == [1, 2]
    # The ranker re-chooses names only: amounts and numbers score as the rules' do.
    for field in ("total", "invoice_number"):
        assert ranked["fields"][field]["grouped_f1"] == report["grouped"]["fields"][field]["grouped_f1"]


def test_train_extractor_writes_a_model_that_process_loads(tmp_path):
    import gzip
    folder = make_dataset(tmp_path)
    model = tmp_path / "extractor.json.gz"
    data = str(tmp_path / "data")
    p = cli("train-extractor", "--dataset", str(folder), "--jobs", "1", "--data-dir", data,
            "--out", str(model))
    assert "written to" in p.stdout
    assert json.loads(gzip.decompress(model.read_bytes()))["format"] == "sheaf-extractor-ranker/1"
    page = tmp_path / "inv.png"
    page.write_bytes(invoice_png("Gamma SARL", "G-5"))
    ok = cli("process", str(page), "--type", "invoice", "--jsonl", "--data-dir", data,
             "--extractor-model", str(model))
    assert json.loads(ok.stdout.splitlines()[0])["fields"]["invoice_number"]["value"] == "G-5"

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    p = cli("process", str(page), "--type", "invoice", "--data-dir", data, "--extractor-model", str(bad),
            check=False)
    assert p.returncode != 0
    assert str(bad) in p.stderr and "not an extractor ranker model" in p.stderr

    p = cli("train-extractor", "--dataset", str(folder), "--fields", "total", "--data-dir", data,
            "--out", str(tmp_path / "x.json"), check=False)
    assert p.returncode != 0
    assert "no candidates for \"total\"" in p.stderr


def test_grouped_eval_trains_on_train_with_folders_or_scores_a_fixed_model(tmp_path):
    folder = make_dataset(tmp_path)
    extra = make_dataset(tmp_path / "extra")  # other documents, standing in for a generated corpus
    data = str(tmp_path / "data")
    common = ["eval", "--dataset", str(folder), "--type", "invoice", "--group-by", "sender",
              "--folds", "2", "--jobs", "1", "--data-dir", data]
    p = cli(*common, "--train-with", str(extra))
    assert "ranker: 3 documents of --train-with in every fold's training" in p.stderr
    assert "trained per fold on the other folds' senders and on --train-with" in p.stdout

    model = tmp_path / "extractor.json.gz"
    cli("train-extractor", "--dataset", str(extra), "--jobs", "1", "--data-dir", data, "--out", str(model))
    out = tmp_path / "report.json"
    p = cli(*common, "--ranker-model", str(model), "--out", str(out))
    assert f"with the extractor's ranker {model} (the same for every fold)" in p.stdout
    ranked = json.loads(out.read_text())["grouped_ranked"]
    assert sorted(ranked["fold_documents"]) == [1, 2]

    p = cli(*common, "--train-with", str(tmp_path / "nowhere"), check=False)
    assert p.returncode != 0 and "--train-with" in p.stderr and "nowhere" in p.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    p = cli(*common, "--ranker-model", str(bad), check=False)
    assert p.returncode != 0 and str(bad) in p.stderr and "not an extractor ranker model" in p.stderr
