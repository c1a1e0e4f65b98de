# SPDX-License-Identifier: GPL-3.0-or-later
"""A generator of synthetic, redistributable business documents for training Sheaf's models.

One module per idea: fonts, layout and render (how a page is drawn and written as a text-layer
PDF or a noisy scan), world, prose and goods (the made-up people, companies, places, money,
dates, sentences and goods), one module per document family (receipts, invoices, forms,
letters, other), truth (the per-document ground truth) and cli (the command line).

Every document is made from word lists, templates and random numbers written for Sheaf; nothing
is taken from a real document or a data set. Document k of a label under seed S depends only on
(S, label, k) and the installed fonts: the same arguments give byte-identical files.

Run it as `python3 -m corpus` with tools/ on PYTHONPATH, or through scripts/gen-doctype-corpus.py.
"""
