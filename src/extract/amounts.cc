// SPDX-License-Identifier: GPL-3.0-or-later
//
// Amounts together: total, subtotal, tax and rounding chosen as a set that adds up, with what
// was paid deciding on receipts; and the currency (candidates.h, docs/extraction.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "extract/candidates.h"
#include "extract/extract_context.h"
#include "extract/layout_view.h"
#include "extract/normalize.h"

namespace sheaf::extract::internal {
namespace {

bool Near(double a, double b) { return std::abs(a - b) < 0.011; }

}  // namespace

// The labelled total printed above a row of what was paid already ("Paid", "Bereits bezahlt",
// "Acompte versé") that leaves `balance`: gross - paid == balance. Null if there is none.
static const Candidate* GrossBeforePaid(const Context& ctx, const std::vector<Candidate>& totals,
                                 const Candidate& balance) {
  if (balance.row < 0) return nullptr;
  const Candidate* gross = nullptr;
  for (const Candidate& g : totals) {
    if (g.row < 0 || g.row >= balance.row || g.page != balance.page || g.amount <= balance.amount) continue;
    for (int r = g.row + 1; r < balance.row; ++r) {
      const FlatRow& fr = ctx.rows()[static_cast<std::size_t>(r)];
      if (!HasWord(Tokens(fr.row->text), {"paid", "bezahlt", "anzahlung", "abschlagszahlung", "vorauszahlung",
                                          "acompte", "réglé", "regle", "dibayar", "pendahuluan", "betaald",
                                          "payments", "prepaid", "prepayment", "deposit"})) {
        continue;
      }
      const Cell& last = fr.row->cells.back();
      std::vector<MoneyHit> hits = MoneyIn(last, 0, last.words.size());
      if (hits.empty() || !hits.back().decimals) continue;
      const double paid = std::abs(std::strtod(hits.back().money.amount.c_str(), nullptr));
      if (paid > 0 && Near(g.amount - paid, balance.amount) && (!gross || g.score > gross->score)) gross = &g;
    }
  }
  return gross;
}

// Picks total, subtotal and tax together: a triple where subtotal + tax == total wins.
void ChooseAmounts(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                   std::map<std::string, Field>& out, std::set<std::string>* verified) {
  // The rounding adjustment is decided here, and only where it explains the total: "Rounding
  // 0.00", or a rounding line that prints the rounded total itself, is no adjustment. Its
  // labels' own candidates are dropped.
  cands.erase("rounding");
  std::vector<Candidate>& totals = cands["total"];
  std::vector<Candidate>& subs = cands["subtotal"];
  std::vector<Candidate>& taxes = cands["tax"];
  std::vector<Candidate> shapes = ShapeCandidates(ctx, FieldType::kMoney);
  double max_amount = 0;
  for (const Candidate& c : shapes) max_amount = std::max(max_amount, c.amount);
  std::map<std::string, int> repeats;
  for (const Candidate& c : shapes) ++repeats[c.value];

  // What was paid: "CASH 50.00" and "CHANGE 19.00" say the total was 31.00. Only amounts with
  // cents: "Cash Inv No. 7916" and "CHANGE 76065" (a misread "76.065") are not payments.
  std::vector<double> paid, change;
  bool change_row = false;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const FlatRow& fr = ctx.rows()[r];
    std::vector<std::string> toks = Tokens(fr.row->text);
    if (toks.empty()) continue;
    bool is_change = HasWord(toks, {"change", "kembalian", "rückgeld", "wechselgeld", "rendu"});
    bool is_paid = !is_change && HasWord(toks, {"cash", "tunai", "tendered", "tender", "paid", "payment", "visa",
                                                  "mastercard", "master", "card", "credit", "debit", "edc",
                                                  "amex", "bar", "gegeben", "espèces"});
    if (!is_paid && !is_change) continue;
    change_row = change_row || is_change;
    const Cell& last = fr.row->cells.back();
    std::vector<MoneyHit> hits = MoneyIn(last, 0, last.words.size(), /*blank_point=*/true);
    if (hits.empty()) continue;
    // "Payment -20.00": the sign is the till's bookkeeping.
    double v = std::abs(std::strtod(hits.back().money.amount.c_str(), nullptr));
    if (!hits.back().decimals && v != 0) continue;
    (is_change ? change : paid).push_back(v);
  }
  // Cash rounding (to 0.05 in Malaysia, Switzerland, ...): when the receipt has a rounding
  // line, the total is the rounded amount. The line holds the adjustment ("Rounding Adj -0.02")
  // or the rounded total itself ("Rounding 14.40"); anything else on it ("Rounding 0.60") is a
  // misread that says nothing.
  bool rounding = false;
  struct Adjustment {
    double amount;  // its size; the sign is often lost
    int page;
    Box box;  // its row
  };
  std::vector<Adjustment> adjustments;
  std::vector<Candidate> rounded_lines;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const FlatRow& fr = ctx.rows()[r];
    std::vector<std::string> toks = Tokens(fr.row->text);
    if (!HasWord(toks, {"rounding", "rounded", "round", "rundung", "arrondi"})) continue;
    // Only a rounding that changed something ("Rounding Adj -0.02", not "Rounding 0.00").
    const Cell& last = fr.row->cells.back();
    std::vector<MoneyHit> hits = MoneyIn(last, 0, last.words.size());
    if (hits.empty()) continue;
    double v = std::strtod(hits.back().money.amount.c_str(), nullptr);
    if (v == 0 || !hits.back().decimals) continue;
    if (std::abs(v) < 0.05) {
      adjustments.push_back({std::abs(v), fr.row->page, fr.row->box});
      rounding = true;
    } else if (v > 0) {
      Candidate c;
      c.value = hits.back().money.amount;
      c.amount = v;
      c.raw = JoinWords(last, hits.back().first, hits.back().word + 1, &c.bbox);
      c.page = fr.row->page;
      c.row = static_cast<int>(r);
      c.label = "rounded total";
      rounded_lines.push_back(c);
    }
  }
  auto multiple_of_5_cents = [](double amount) { return std::lround(std::abs(amount) * 100) % 5 == 0; };
  auto settles = [&](double amount) {
    for (double p : paid) {
      if (Near(p, amount)) return true;
      for (double c : change) {
        if (c > 0 && Near(p - c, amount)) return true;
      }
    }
    return false;
  };
  // A derived total: where its amount is printed, if it is, and how often.
  auto derived = [&](double amount, const std::string& label) {
    Candidate d;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", amount);
    d.value = buf;
    d.raw = d.value;
    d.amount = amount;
    d.page = 1;
    d.label = label;
    for (const Candidate& shape : shapes) {
      if (shape.value == d.value) {
        d.bbox = shape.bbox;
        d.page = shape.page;
        d.row = shape.row;
        break;
      }
    }
    return d;
  };
  // The amount paid less the change is the total even when the total's own line was misread
  // ("TOTAL 11,00" over "CASH 71.00"): such a total joins the candidates, surer when an amount
  // printed elsewhere agrees.
  if (!paid.empty() && !change.empty()) {
    for (double p : paid) {
      for (double c : change) {
        double t = p - c;
        if (t <= 0) continue;
        Candidate d = derived(t, "paid - change");
        // Printed on another line than the payment's, three printed amounts agree on it.
        int printed = repeats.count(d.value) ? repeats[d.value] : 0;
        d.score = printed >= (c == 0 ? 2 : 1) ? 0.85 : printed > 0 ? 0.75 : 0.55;
        totals.push_back(d);
      }
    }
  } else if (!change_row) {
    // No change given: a card payment, or exact cash. What was paid is a total, surer when the
    // same amount is printed on another line.
    std::set<std::string> seen;
    for (double p : paid) {
      if (p <= 0) continue;
      Candidate d = derived(p, "paid");
      if (!seen.insert(d.value).second) continue;
      d.score = repeats[d.value] >= 2 ? 0.6 : 0.45;
      totals.push_back(d);
    }
  }
  // Rounded totals: a labelled total plus the rounding adjustment ("Total Sales 28.31",
  // "Rounding Adjustment -0.01" make 28.30; the sign is often lost, the rounded amount is a
  // multiple of 5 cents), and a rounding line that prints an amount next to a labelled total.
  {
    std::vector<Candidate> extra;
    std::set<std::string> seen;
    for (const Candidate& t : totals) {
      if (t.label_bbox.empty() || t.whole || t.amount <= 0 || multiple_of_5_cents(t.amount)) continue;
      for (const Adjustment& adj : adjustments) {
        const double a = adj.amount;
        for (double r : {t.amount - a, t.amount + a}) {
          if (r <= 0 || !multiple_of_5_cents(r)) continue;
          Candidate d = derived(r, "total + rounding");
          if (!seen.insert(d.value).second) continue;
          // Two printed values and the rounding rule agree on it: as sure as its total's label.
          d.score = t.score + 0.05;
          d.before = t.before;
          d.between = t.between;
          extra.push_back(d);
        }
      }
    }
    for (Candidate& c : rounded_lines) {
      if (!multiple_of_5_cents(c.amount)) continue;
      for (const Candidate& t : totals) {
        if (t.label_bbox.empty() || t.whole || multiple_of_5_cents(t.amount) || std::abs(t.amount - c.amount) >= 0.05) {
          continue;
        }
        rounding = true;
        if (!seen.insert(c.value).second) break;
        c.score = t.score + 0.05;
        extra.push_back(c);
        break;
      }
    }
    totals.insert(totals.end(), extra.begin(), extra.end());
  }
  // Labelled totals: prefer what was paid, final totals over partial ones, the largest amount and
  // amounts printed again.
  for (Candidate& t : totals) {
    double s = t.score;
    if (Near(t.amount, max_amount)) s += 0.08;
    if (repeats[t.value] >= 2) s += 0.06;
    if (settles(t.amount)) s += 0.15;
    if (rounding) s += multiple_of_5_cents(t.amount) ? 0.1 : -0.1;
    // The words around the label qualify it: "Total Sales (Excluding GST)", "Item Total",
    // "TAX TOTAL", "Total Qty", "Total Amt Payable", "Final Total".
    std::vector<std::string> lt = Tokens(t.label + " " + t.between);
    std::vector<std::string> pre = Tokens(t.before);
    if (HasWord(lt, {"rounded", "rounding", "grand", "nett", "net", "incl", "inclusive", "including", "payable",
                     "due", "brutto", "ttc", "gross", "after"}) ||
        HasWord(pre, {"final", "grand", "nett"})) {
      s += 0.04;
    }
    if (HasWord(lt, {"qty", "quantity", "items", "item", "count", "excl", "exclusive", "excluding", "exclude",
                     "before", "ex", "discount", "saving", "savings"}) ||
        HasWord(pre, {"tax", "gst", "vat", "sst", "item", "items", "qty", "quantity", "service", "discount"})) {
      s -= 0.25;
    }
    if (t.amounts_after_label >= 2) s -= 0.2;
    // Totals are printed with cents; a whole number on a total line is usually a count.
    if (t.whole) s -= 0.15;
    if (t.amount <= 0) s -= 0.3;
    t.score = s;
  }
  // Joint consistency.
  const Candidate* bt = nullptr;
  const Candidate* bs = nullptr;
  const Candidate* bx = nullptr;
  double best = -1;
  for (const Candidate& t : totals) {
    for (const Candidate& s : subs) {
      for (const Candidate& x : taxes) {
        if (!Near(s.amount + x.amount, t.amount) || s.amount == 0 || t.amount == 0) continue;
        double sc = t.score + s.score + x.score;
        if (sc > best) {
          best = sc;
          bt = &t;
          bs = &s;
          bx = &x;
        }
      }
    }
  }
  // What was paid outranks the arithmetic: a GST summary ("Total 127.37 0.00") adds up too.
  if (bt && !settles(bt->amount) &&
      std::any_of(totals.begin(), totals.end(), [&](const Candidate& t) { return settles(t.amount); })) {
    bt = nullptr;
  }
  if (bt) {
    // With a cash rounding line, net + tax is the gross before rounding; what is payable is the
    // rounded amount printed as a total ("Total (Inclusive of GST): 65.72", "Rounding Adj
    // -0.02", "TOTAL: 65.70"). The adjustment is reported so that the sum still checks out.
    const Candidate* payable = bt;
    if (!adjustments.empty() && !multiple_of_5_cents(bt->amount)) {
      for (const Candidate& t : totals) {
        if (t.label == "total + rounding" && t.row >= 0 && std::abs(t.amount - bt->amount) < 0.05 &&
            (payable == bt || t.score > payable->score)) {
          payable = &t;
        }
      }
    }
    Field ft = ToField(*payable), fs = ToField(*bs), fx = ToField(*bx);
    if (payable != bt) {
      Field fr;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", payable->amount - bt->amount);
      fr.value = fr.raw = buf;
      for (const Adjustment& adj : adjustments) {
        if (Near(adj.amount, std::abs(payable->amount - bt->amount))) {
          fr.page = adj.page;
          fr.bbox = adj.box;
          break;
        }
      }
      fr.confidence = std::min(0.99, std::max(ft.confidence, 0.88) + 0.07);
      out["rounding"] = fr;
      verified->insert("rounding");
    }
    ft.confidence = std::min(0.99, std::max(ft.confidence, 0.9) + 0.07);
    fs.confidence = std::min(0.99, std::max(fs.confidence, 0.88) + 0.07);
    fx.confidence = std::min(0.99, std::max(fx.confidence, 0.88) + 0.07);
    out["total"] = ft;
    out["subtotal"] = fs;
    out["tax"] = fx;
    verified->insert({"total", "subtotal", "tax"});
    return;
  }
  // Several tax rates: the taxes of a breakdown (one per row) add up with the net to the total.
  for (const Candidate& t : totals) {
    for (const Candidate& sub : subs) {
      std::map<int, const Candidate*> per_row;
      // The breakdown sits between the net and the gross rows, or close to them.
      int lo = std::min(sub.row, t.row), hi = std::max(sub.row, t.row);
      if (hi - lo < 2) {
        lo -= 6;
        hi += 6;
      }
      for (const Candidate& x : taxes) {
        if (x.row == sub.row || x.row == t.row || x.row < lo || x.row > hi) continue;
        auto& slot = per_row[x.row];
        if (!slot || x.score > slot->score) slot = &x;
      }
      if (per_row.size() < 2) continue;
      double sum = 0;
      Box box;
      for (const auto& [row, x] : per_row) {
        sum += x->amount;
        box = box.Union(x->bbox);
      }
      if (!Near(sub.amount + sum, t.amount) || sub.amount == 0) continue;
      Field ft = ToField(t), fs = ToField(sub);
      ft.confidence = std::min(0.99, std::max(ft.confidence, 0.9) + 0.07);
      fs.confidence = std::min(0.99, std::max(fs.confidence, 0.88) + 0.07);
      Field fx = ToField(*per_row.begin()->second);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", sum);
      fx.value = buf;
      fx.raw.clear();
      for (const auto& [row, x] : per_row) fx.raw += (fx.raw.empty() ? "" : " + ") + x->raw;
      fx.bbox = box;
      fx.confidence = 0.9;
      out["total"] = ft;
      out["subtotal"] = fs;
      out["tax"] = fx;
      verified->insert({"total", "subtotal", "tax"});
      return;
    }
  }
  if (const Candidate* t = Best(totals)) {
    // A prepayment or partly paid invoice prints the gross, what was paid already and the
    // balance due ("Total 93,830.70", "Paid -46,915.35", "Amount Due 46,915.35"): the total is
    // the gross, found as a labelled total above a paid row that takes the balance from it.
    if (const Candidate* gross = GrossBeforePaid(ctx, totals, *t)) t = gross;
    Field f = ToField(*t);
    f.confidence = std::min(f.confidence, 0.93);
    out["total"] = f;
    if (settles(t->amount)) verified->insert("total");
  } else if (!shapes.empty()) {
    // No total label: the largest amount with decimals, printed more than once if possible.
    const Candidate* pick = nullptr;
    for (const Candidate& c : shapes) {
      if (c.whole) continue;
      if (!pick || c.amount > pick->amount) pick = &c;
    }
    if (pick) {
      Field f = ToField(*pick);
      f.confidence = std::min(f.confidence, repeats[pick->value] >= 2 ? 0.6 : 0.4);
      out["total"] = f;
    }
  }
  for (const char* name : {"subtotal", "tax"}) {
    if (const Candidate* c = Best(cands[name])) {
      Field f = ToField(*c);
      f.confidence = std::min(f.confidence, 0.85);
      out[name] = f;
    }
  }
}

void ChooseCurrency(const Context& ctx, std::map<std::string, std::vector<Candidate>>& cands,
                    std::map<std::string, Field>& out) {
  if (const Candidate* c = Best(cands["currency"])) {
    out["currency"] = ToField(*c);
    return;
  }
  // The currency named most often on the document.
  std::map<std::string, int> counts;
  std::map<std::string, Candidate> first;
  int total = 0;
  for (std::size_t r = 0; r < ctx.rows().size(); ++r) {
    const Row& row = *ctx.rows()[r].row;
    for (const Cell& cell : row.cells) {
      for (const Word& w : cell.words) {
        std::optional<std::string> cur = NormalizeCurrency(w.text);
        if (!cur) continue;
        ++counts[*cur];
        ++total;
        if (!first.count(*cur)) {
          Candidate c;
          c.value = *cur;
          c.raw = w.text;
          c.bbox = w.bbox;
          c.page = row.page;
          first[*cur] = c;
        }
      }
    }
  }
  if (counts.empty()) return;
  auto top = std::max_element(counts.begin(), counts.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
  Candidate c = first[top->first];
  double share = static_cast<double>(top->second) / total;
  c.score = std::min(0.97, 0.5 + 0.1 * top->second) * share;
  out["currency"] = ToField(c);
}

}  // namespace sheaf::extract::internal
