// SPDX-License-Identifier: GPL-3.0-or-later
// Table memory on two generated invoices of one made-up sender (drawn here, nothing copied):
// the first's line items, as a reviewer corrected them, teach the columns, header and footer;
// the second's items (other descriptions and numbers, the table a little to the right, a longer
// description) are then read by them.
#include "learn/table_memory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "learn/learner_store_test.h"
#include "learn/learner.h"

namespace sheaf::learn {
namespace {

struct Cell {
  int x;
  std::string text;  // words separated by spaces: each 18 px a character, 12 px apart
};
struct PrintedRow {
  int y;
  std::vector<Cell> cells;
};

Document Printed(const std::vector<PrintedRow>& rows) {
  Document d;
  Page p;
  p.number = 1;
  p.width = 1000;
  p.height = 1400;
  Block b;
  for (const PrintedRow& r : rows) {
    for (const Cell& c : r.cells) {
      Line line;
      int x = c.x;
      std::string word;
      for (char ch : c.text + " ") {
        if (ch != ' ') {
          word += ch;
          continue;
        }
        if (word.empty()) continue;
        const int w = 18 * static_cast<int>(word.size());
        line.words.push_back(Word{word, Box{x, r.y, x + w, r.y + 24}, 0.9});
        line.bbox = line.bbox.Union(line.words.back().bbox);
        x += w + 12;
        word.clear();
      }
      b.lines.push_back(line);
      b.bbox = b.bbox.Union(line.bbox);
    }
  }
  p.blocks.push_back(b);
  d.pages.push_back(p);
  Field seller;
  seller.value = "Kestrel Joinery Supplies";
  d.fields["seller_name"] = seller;
  return d;
}

struct Item {
  std::string description, quantity, unit_price, amount;
};

// An invoice of the sender: its name, a header "Article Qty Price Amount", the items, then
// "Net amount" and "Total due" with numbers in the amount column. `shift` moves the table.
Document Invoice(const std::vector<Item>& items, int shift) {
  std::vector<PrintedRow> rows = {{60, {{60, "Kestrel Joinery Supplies"}}},
                                  {160, {{60, "Invoice"}, {700, "2026-11-02"}}},
                                  {400,
                                   {{60 + shift, "Article"},
                                    {560 + shift, "Qty"},
                                    {680 + shift, "Price"},
                                    {840 + shift, "Amount"}}}};
  int y = 440;
  double net = 0;
  for (const Item& i : items) {
    rows.push_back({y,
                    {{60 + shift, i.description},
                     {570 + shift, i.quantity},
                     {680 + shift, i.unit_price},
                     {840 + shift, i.amount}}});
    net += std::stod(i.amount);
    y += 40;
  }
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.2f", net);
  rows.push_back({y + 20, {{560 + shift, "Net amount"}, {840 + shift, sum}}});
  rows.push_back({y + 60, {{560 + shift, "Total due"}, {840 + shift, sum}}});
  return Printed(rows);
}

const std::vector<Item> kFirst = {{"Oak dowels", "4", "1.25", "5.00"},
                                  {"Wood glue", "1", "6.40", "6.40"}};
const std::vector<Item> kSecond = {{"Brass hinges pair", "2", "3.10", "6.20"},
                                   {"Sanding sheets fine grit", "10", "0.45", "4.50"},
                                   {"Beech plank", "1", "18.00", "18.00"}};

std::vector<CorrectedRow> Rows(const std::vector<Item>& items) {
  std::vector<CorrectedRow> out;
  for (const Item& i : items) {
    out.push_back({{"description", i.description},
                   {"quantity", i.quantity},
                   {"unit_price", i.unit_price},
                   {"amount", i.amount}});
  }
  return out;
}

// A line-item cell as extraction writes it.
Field Extracted(const std::string& value) {
  Field f;
  f.value = value;
  f.raw = value;
  f.confidence = 0.5;
  return f;
}

std::vector<std::vector<std::string>> Read(const Document& d) {
  std::vector<std::vector<std::string>> out;
  for (const LineItem& li : d.line_items) {
    std::vector<std::string> row;
    for (const char* c : {"description", "quantity", "unit_price", "amount"}) {
      row.push_back(li.count(c) ? li.at(c).value : "-");
    }
    out.push_back(row);
  }
  return out;
}

TEST(LearnTable, TheCorrectedRowsTeachColumnsHeaderAndFooter) {
  std::optional<TableLayout> t = LearnTable(Invoice(kFirst, 0), Rows(kFirst));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->page, 1);
  EXPECT_EQ(t->header, "article qty price amount");
  EXPECT_EQ(t->footer, "net amount");
  ASSERT_EQ(t->columns.size(), 4u);
  EXPECT_EQ(t->columns[0].name, "description");
  EXPECT_EQ(t->columns[0].kind, "text");
  EXPECT_EQ(t->columns[0].label, "article");
  EXPECT_EQ(t->columns[1].name, "quantity");
  EXPECT_EQ(t->columns[1].kind, "number");
  EXPECT_EQ(t->columns[3].name, "amount");
  EXPECT_EQ(t->columns[3].label, "amount");
  EXPECT_NEAR(t->columns[3].x0, 0.84, 1e-9);

  std::optional<TableLayout> back = TableFromJson(TableToJson(*t));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(TableToJson(*back), TableToJson(*t));
  EXPECT_FALSE(TableFromJson(R"({"label": "total"})").has_value()) << "a field's memory";
  EXPECT_FALSE(TableFromJson("not json").has_value());
}

TEST(LearnTable, RowsThePageDoesNotPrintTeachNothing) {
  std::vector<CorrectedRow> made_up = Rows({{"Chisel set", "1", "39.00", "39.00"},
                                            {"Mallet", "1", "12.00", "12.00"}});
  EXPECT_FALSE(LearnTable(Invoice(kFirst, 0), made_up).has_value());
  EXPECT_FALSE(LearnTable(Invoice(kFirst, 0), {}).has_value());
}

TEST(ApplyTable, TheSendersNextInvoiceIsReadByTheLearnedColumns) {
  const TableLayout t = *LearnTable(Invoice(kFirst, 0), Rows(kFirst));
  Document next = Invoice(kSecond, 24);
  // What extraction made of it: one wrong line.
  next.line_items = {{{"description", Extracted("Brass hinges pair 2")}}};
  ASSERT_EQ(ApplyTable(t, &next), 3);
  EXPECT_EQ(Read(next), (std::vector<std::vector<std::string>>{
                            {"Brass hinges pair", "2", "3.10", "6.20"},
                            {"Sanding sheets fine grit", "10", "0.45", "4.50"},
                            {"Beech plank", "1", "18.00", "18.00"}}));
  const Field& amount = next.line_items[0].at("amount");
  EXPECT_EQ(amount.source, "sender-memory");
  EXPECT_DOUBLE_EQ(amount.confidence, 0.9);
  EXPECT_EQ(amount.page, 1);
  EXPECT_EQ(amount.bbox.x0, 840 + 24);
}

TEST(ApplyTable, ADocumentWithoutTheHeaderKeepsItsLineItems) {
  const TableLayout t = *LearnTable(Invoice(kFirst, 0), Rows(kFirst));
  Document other = Printed({{400, {{60, "Description"}, {840, "Total"}}},
                            {440, {{60, "Oak dowels"}, {840, "5.00"}}}});
  other.line_items = {{{"amount", Extracted("5.00")}}};
  EXPECT_EQ(ApplyTable(t, &other), 0);
  ASSERT_EQ(other.line_items.size(), 1u);
  EXPECT_EQ(other.line_items[0].at("amount").source, "layout");
}

// A till receipt of the same made-up shop: each item's description on one row, its quantity,
// unit price and amount on the row below; then "Subtotal".
Document Receipt(const std::vector<Item>& items) {
  std::vector<PrintedRow> rows = {{60, {{300, "Kestrel Joinery Supplies"}}},
                                  {200, {{60, "Item"}, {560, "Qty"}, {840, "RM"}}}};
  int y = 240;
  for (const Item& i : items) {
    rows.push_back({y, {{60, i.description}}});
    rows.push_back({y + 30, {{440, i.quantity + " x"}, {600, i.unit_price}, {840, i.amount}}});
    y += 70;
  }
  rows.push_back({y, {{60, "Subtotal"}, {840, "99.99"}}});
  return Printed(rows);
}

TEST(ApplyTable, ItemsPrintedOverTwoRowsAreLearnedAndReadSo) {
  std::optional<TableLayout> t = LearnTable(Receipt(kFirst), Rows(kFirst));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->item_lines, 2);
  EXPECT_EQ(t->header, "item qty rm");
  EXPECT_EQ(t->footer, "subtotal");
  ASSERT_EQ(t->columns.size(), 4u);
  for (const TableColumn& c : t->columns) {
    EXPECT_EQ(c.line, c.name == "description" ? 0 : 1) << c.name;
  }
  std::optional<TableLayout> back = TableFromJson(TableToJson(*t));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(TableToJson(*back), TableToJson(*t));

  Document next = Receipt(kSecond);
  ASSERT_EQ(ApplyTable(*t, &next), 3);
  EXPECT_EQ(Read(next), (std::vector<std::vector<std::string>>{
                            {"Brass hinges pair", "2", "3.10", "6.20"},
                            {"Sanding sheets fine grit", "10", "0.45", "4.50"},
                            {"Beech plank", "1", "18.00", "18.00"}}));
}

class TableLearnerTest : public LearnerStoreTest {};

TEST_F(TableLearnerTest, CorrectedLineItemsTeachTheSenderAndNoOtherTenant) {
  const Tenant a = *store_->CreateTenant("a", "test");
  const Tenant b = *store_->CreateTenant("b", "test");
  const SenderLearner learner(store_.get());
  auto learned = learner.LearnLineItems(a.id, "d1", Invoice(kFirst, 0), Rows(kFirst), "test");
  ASSERT_TRUE(learned.ok()) << learned.status().ToString();
  EXPECT_TRUE(*learned);

  Document next = Invoice(kSecond, 24);
  auto r = learner.Recall(a.id, &next);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fields, std::vector<std::string>{"line_items"});
  ASSERT_EQ(next.line_items.size(), 3u);
  EXPECT_EQ(next.line_items[2].at("description").value, "Beech plank");
  EXPECT_EQ(next.line_items[2].at("amount").source, "sender-memory");

  Document of_b = Invoice(kSecond, 24);
  auto rb = learner.Recall(b.id, &of_b);
  ASSERT_TRUE(rb.ok());
  EXPECT_TRUE(rb->fields.empty());
  EXPECT_TRUE(of_b.line_items.empty());
  // Rows the page does not print teach nothing and store nothing.
  auto none = learner.LearnLineItems(b.id, "d2", Invoice(kFirst, 0),
                                     Rows({{"Mallet", "1", "12.00", "12.00"}}), "test");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace sheaf::learn
