# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-document ground truth: the JSON written beside each generated document.

    {"file": "000123.pdf", "label": "invoice", "type": "invoice", "kind": "credit-note",
     "sender": "Muster Technik GmbH", "fields": {"invoice_number": "RE-2016/311", ...},
     "extra": {"language": "de", "country": "DE", "balance_due": "...", ...}}

- label: the document-type label (invoice, receipt, form, letter, other).
- type: the schema that applies (schemas/<type>.yaml); equal to the label.
- fields: schema field name -> the value exactly as it is printed on the page, only for fields
  the page prints (receipt: merchant_name, merchant_address, date, total, tax, currency; invoice:
  invoice_number, invoice_date, due_date, seller_name, seller_address, seller_vat_id,
  buyer_name, buyer_address, currency, subtotal, tax, total, iban). currency is the ISO code
  of the amounts, whether or not a symbol is printed. Forms, letters and others have none.
- sender: who issued it (seller or shop), for sender-disjoint evaluation.
- extra: printed facts that are no schema field, and the language and country drawn.
The text of a scan is what was drawn; OCR may read it differently, as on a real scan.
"""

SCHEMA_FIELDS = {
    "receipt": ["merchant_name", "merchant_address", "date", "total", "subtotal", "tax", "rounding", "currency"],
    "invoice": ["invoice_number", "invoice_date", "due_date", "seller_name", "seller_address", "seller_vat_id",
                "buyer_name", "buyer_address", "currency", "subtotal", "tax", "total", "iban"],
}
REQUIRED_FIELDS = {
    "receipt": ["merchant_name", "total", "currency"],
    "invoice": ["invoice_number", "invoice_date", "seller_name", "buyer_name", "total", "currency"],
}


def truth_of(layout, label, file_name):
    """The ground-truth record of one built document (a Layout whose builder filled `fields`)."""
    fields = {k: v for k, v in layout.fields.items() if v}
    sender = fields.get("seller_name") or fields.get("merchant_name") or ""
    return {"file": file_name, "label": label, "type": label, "kind": layout.kind, "sender": sender,
            "fields": fields, "extra": dict(layout.extra)}


def check_truth(record):
    """Problems with a ground-truth record, as a list of messages (empty when it is valid)."""
    problems = []
    label = record.get("label")
    fields = record.get("fields", {})
    allowed = SCHEMA_FIELDS.get(label, [])
    for k, v in fields.items():
        if k not in allowed:
            problems.append("%s: field %r is not in schemas/%s.yaml" % (record.get("file"), k, label))
        if not isinstance(v, str) or not v.strip():
            problems.append("%s: field %r has no printed value" % (record.get("file"), k))
    for k in REQUIRED_FIELDS.get(label, []):
        if k not in fields:
            problems.append("%s: required field %r missing" % (record.get("file"), k))
    return problems
