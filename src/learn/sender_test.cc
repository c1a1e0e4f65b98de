// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/sender.h"

#include <gtest/gtest.h>

namespace sheaf::learn {
namespace {

Field F(const std::string& value) {
  Field f;
  f.value = value;
  return f;
}

// A page whose top rows print `header` (one word per 120 px, rows 40 px apart).
Page Letterhead(const std::vector<std::vector<std::string>>& rows, int width = 1000) {
  Page p;
  p.number = 1;
  p.width = width;
  p.height = 1400;
  Block b;
  int y = 20;
  for (const auto& words : rows) {
    Line line;
    int x = 20;
    for (const std::string& w : words) {
      line.words.push_back(Word{w, Box{x, y, x + 100, y + 24}, 0.95});
      line.bbox = line.bbox.Union(line.words.back().bbox);
      x += 120;
    }
    b.lines.push_back(line);
    b.bbox = b.bbox.Union(line.bbox);
    y += 40;
  }
  p.blocks.push_back(b);
  return p;
}

TEST(IdentifySender, PrefersVatThenIbanThenNameThenLayout) {
  Document d;
  d.pages.push_back(Letterhead({{"Northwind", "Traders", "Limited"}, {"Harbour", "Road"}}));
  d.fields["seller_name"] = F("Northwind Traders Ltd.");
  d.fields["iban"] = F("DE89 3704 0044 0532 0130 00");
  d.fields["seller_vat_id"] = F("DE 123 456 789");
  EXPECT_EQ(IdentifySender(d).key, "vat:DE123456789");
  EXPECT_EQ(IdentifySender(d).kind, "vat");
  d.fields.erase("seller_vat_id");
  EXPECT_EQ(IdentifySender(d).key, "iban:DE89370400440532013000");
  d.fields.erase("iban");
  EXPECT_EQ(IdentifySender(d).key, "name:northwind traders");
  d.fields.erase("seller_name");
  const SenderIdentity layout = IdentifySender(d);
  EXPECT_EQ(layout.kind, "layout");
  EXPECT_EQ(layout.key.size(), std::string("layout:").size() + 16);
}

TEST(IdentifySender, AnInvalidIbanOrVatFallsThroughToTheNextIdentity) {
  Document d;
  d.fields["iban"] = F("DE00 0000 0000 0000 0000 01");  // wrong check digits
  d.fields["merchant_name"] = F("SANYU STATIONERY SHOP");
  EXPECT_EQ(IdentifySender(d).key, "name:sanyu stationery shop");
}

TEST(IdentifySender, LayoutFingerprintsTellLetterheadsApartAndIgnoreTheBody) {
  Document a, b, c;
  const std::vector<std::vector<std::string>> head = {{"Northwind", "Traders"},
                                                      {"Harbour", "Road", "Leeds", "England"}};
  a.pages.push_back(Letterhead(head));
  // The same letterhead above another addressee and body.
  std::vector<std::vector<std::string>> longer = head;
  longer.push_back({"Contoso", "Buyers"});
  for (int i = 0; i < 20; ++i) longer.push_back({"item" + std::to_string(i)});
  b.pages.push_back(Letterhead(longer));
  c.pages.push_back(Letterhead({{"Contoso", "Supplies"}, {"Market", "Street", "York", "England"}}));
  EXPECT_EQ(IdentifySender(a).key, IdentifySender(b).key);
  EXPECT_NE(IdentifySender(a).key, IdentifySender(c).key);
}

TEST(IdentifySender, ADocumentWithoutFieldsOrWordsHasNoSender) {
  Document d;
  EXPECT_EQ(IdentifySender(d).kind, "");
  EXPECT_EQ(IdentifySender(d).key, "");
  d.pages.push_back(Letterhead({{"12", "34"}}));
  EXPECT_EQ(IdentifySender(d).key, "");
}

TEST(NormalizeSenderName, DropsLegalFormsCaseAndPunctuation) {
  EXPECT_EQ(NormalizeSenderName("ACME Trading GmbH."), "acme trading");
  EXPECT_EQ(NormalizeSenderName("Kedai Runcit Sdn. Bhd."), "kedai runcit");
  EXPECT_EQ(NormalizeSenderName("  Smith & Sons, Ltd "), "smith sons");
  EXPECT_EQ(NormalizeSenderName("GmbH"), "");
}

TEST(SameSender, NamesOcrReadDifferentlyAreOneSenderOtherKindsOnlyWhenEqual) {
  EXPECT_TRUE(SameSender("name:sanyo stationery shop", "name:sanyu stationery shop"));
  EXPECT_TRUE(SameSender("name:gardenia bakeries kl", "name:gakdeni a bakeries kl"));
  EXPECT_TRUE(SameSender("name:mr diy", "name:mr diy m"));
  EXPECT_FALSE(SameSender("name:mr diy", "name:mr dix m"));        // two edits in five
  EXPECT_FALSE(SameSender("name:aeon", "name:aeom"));              // too short to tell
  EXPECT_FALSE(SameSender("name:popular book", "name:popular bakery"));
  EXPECT_TRUE(SameSender("vat:DE1", "vat:DE1"));
  EXPECT_FALSE(SameSender("vat:DE123456789", "vat:DE123456780"));  // ids are exact
  EXPECT_FALSE(SameSender("layout:ab12", "name:ab12"));
}

}  // namespace
}  // namespace sheaf::learn
