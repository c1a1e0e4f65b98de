// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/einvoice.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "extract/normalize.h"

namespace sheaf::extract {
namespace {

using Fields = std::map<std::string, std::string>;

// ---------------------------------------------------------------------------------------------
// Samples, written for these tests: one invoice per syntax.

constexpr std::string_view kCii = R"(<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID> INV-2024/0017 </ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240229</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedTradeProduct><ram:Name>Paper, A4
        white</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:GrossPriceProductTradePrice><ram:ChargeAmount>5.0000</ram:ChargeAmount></ram:GrossPriceProductTradePrice>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>4.2500</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">20.0000</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>85.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedTradeProduct><ram:Name><![CDATA[Toner <black>]]></ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>0.1234</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1.50</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>112.5</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Muster
          Lieferant   GmbH</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>80333</ram:PostcodeCode>
          <ram:LineOne>Lieferantenstraße 20</ram:LineOne>
          <ram:LineTwo>Hinterhaus</ram:LineTwo>
          <ram:CityName>München</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">de 136.695.976</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>Kunden AG</ram:Name>
        <ram:PostalTradeAddress>
          <ram:CityName>Frankfurt</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE999999999</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode>
      <ram:InvoiceCurrencyCode>usd</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>59</ram:TypeCode>
        <ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE21860000000086001055</ram:IBANID></ram:PayerPartyDebtorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>de89 3704 0044 0532 0130 00</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradePaymentTerms><ram:Description>Sofort</ram:Description></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20240315</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>197.50</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>197.5000</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">34.56</ram:TaxTotalAmount>
        <ram:TaxTotalAmount currencyID="USD">37.53</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>235.03</ram:GrandTotalAmount>
        <ram:DuePayableAmount>235.03</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
)";

constexpr std::string_view kZugferd1 = R"(<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:HeaderExchangedDocument>
    <ram:ID>RK-1</ram:ID>
    <ram:Name>GUTSCHRIFT</ram:Name>
    <ram:TypeCode>381</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20131231</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Alt GmbH</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>DE08700901001234567890</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20140115</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:TaxBasisTotalAmount currencyID="EUR">-7.67</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">-1.12</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">-8.79</ram:GrandTotalAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedSupplyChainTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">-7.6700</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedSupplyChainTradeAgreement>
      <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">1.0000</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
      <ram:SpecifiedSupplyChainTradeSettlement>
        <ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">-7.67</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
      </ram:SpecifiedSupplyChainTradeSettlement>
      <ram:SpecifiedTradeProduct><ram:Name>Rückvergütung</ram:Name></ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
)";

constexpr std::string_view kUblInvoice = R"(<?xml version="1.0" encoding="UTF-8"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ID>XR-0042</cbc:ID>
  <cbc:IssueDate>2024-03-01</cbc:IssueDate>
  <cbc:DueDate>2024-03-31+01:00</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cac:PartyName><cbc:Name>Muster Trading Name</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Hauptstraße 1</cbc:StreetName>
        <cbc:CityName>Berlin</cbc:CityName>
        <cbc:PostalZone>10115</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>12/345/67890</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>DE123456789</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Muster Handel GmbH</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cac:PartyName><cbc:Name>Stadtverwaltung</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Rathausplatz 2</cbc:StreetName>
        <cac:AddressLine><cbc:Line>Zimmer 4</cbc:Line></cac:AddressLine>
        <cbc:CityName>Potsdam</cbc:CityName>
        <cbc:PostalZone>14467</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>DE02 1203 0000 0000 2020 51</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">119.0</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">119.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">2.5</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Beratung</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">40.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</ubl:Invoice>
)";

// No prefixes at all (default namespaces), and two tax totals, the second in the invoice
// currency.
constexpr std::string_view kUblCreditNote = R"(<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2">
  <ID>CN-7</ID>
  <IssueDate>2024-04-02</IssueDate>
  <CreditNoteTypeCode>381</CreditNoteTypeCode>
  <DocumentCurrencyCode>CHF</DocumentCurrencyCode>
  <AccountingSupplierParty><Party><PartyName><Name>Nur Handelsname AG</Name></PartyName></Party></AccountingSupplierParty>
  <PaymentMeans><PaymentDueDate>2024-04-30</PaymentDueDate></PaymentMeans>
  <TaxTotal><TaxAmount currencyID="EUR">7.80</TaxAmount></TaxTotal>
  <TaxTotal><TaxAmount currencyID="CHF">8.10</TaxAmount></TaxTotal>
  <LegalMonetaryTotal>
    <TaxExclusiveAmount currencyID="CHF">100.00</TaxExclusiveAmount>
    <TaxInclusiveAmount currencyID="CHF">108.10</TaxInclusiveAmount>
  </LegalMonetaryTotal>
  <CreditNoteLine>
    <CreditedQuantity>1</CreditedQuantity>
    <LineExtensionAmount currencyID="CHF">100.00</LineExtensionAmount>
    <Item><Name>Rückgabe</Name></Item>
  </CreditNoteLine>
</CreditNote>
)";

// A minimal CII invoice whose grand total is written as `total`.
std::string CiiWithTotal(std::string_view total) {
  return "<rsm:CrossIndustryInvoice xmlns:rsm=\"r\" "
         "xmlns:ram=\"a\"><rsm:SupplyChainTradeTransaction>"
         "<ram:ApplicableHeaderTradeSettlement><ram:"
         "SpecifiedTradeSettlementHeaderMonetarySummation>"
         "<ram:GrandTotalAmount>" +
         std::string(total) +
         "</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
         "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
         "</rsm:CrossIndustryInvoice>";
}

// ---------------------------------------------------------------------------------------------
// The three syntaxes

TEST(ParseEInvoiceXml, CiiInvoiceYieldsEveryFieldNormalised) {
  Result<EInvoice> invoice = ParseEInvoiceXml(kCii);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->syntax, "cii");
  EXPECT_EQ(invoice->type_code, "380");
  EXPECT_EQ(invoice->fields,
            (Fields{
                {"invoice_number", "INV-2024/0017"},
                {"invoice_date", "2024-02-29"},
                {"due_date", "2024-03-15"},
                {"seller_name", "Muster Lieferant GmbH"},
                {"seller_address", "80333, München, Lieferantenstraße 20, Hinterhaus, DE"},
                {"seller_vat_id", "DE136695976"},
                {"buyer_name", "Kunden AG"},
                {"buyer_address", "Frankfurt, DE"},
                {"currency", "USD"},
                {"subtotal", "197.50"},
                {"tax", "37.53"},  // the USD amount, not the EUR tax-currency one
                {"total", "235.03"},
                {"iban", "DE89370400440532013000"},  // the payee's, not the payer's
            }));
  ASSERT_EQ(invoice->line_items.size(), 2u);
  EXPECT_EQ(invoice->line_items[0], (Fields{{"description", "Paper, A4 white"},
                                            {"quantity", "20"},
                                            {"unit_price", "4.25"},
                                            {"amount", "85.00"}}));
  EXPECT_EQ(invoice->line_items[1], (Fields{{"description", "Toner <black>"},
                                            {"quantity", "1.5"},
                                            {"unit_price", "0.1234"},
                                            {"amount", "112.50"}}));
}

TEST(ParseEInvoiceXml, Zugferd1DocumentUsesItsOwnElementNames) {
  Result<EInvoice> invoice = ParseEInvoiceXml(kZugferd1);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->syntax, "cii-zugferd1");
  EXPECT_EQ(invoice->type_code, "381");
  EXPECT_EQ(invoice->fields, (Fields{
                                 {"invoice_number", "RK-1"},
                                 {"invoice_date", "2013-12-31"},
                                 {"due_date", "2014-01-15"},
                                 {"seller_name", "Alt GmbH"},
                                 {"seller_vat_id", "DE123456789"},
                                 {"currency", "EUR"},
                                 {"subtotal", "-7.67"},
                                 {"tax", "-1.12"},
                                 {"total", "-8.79"},
                                 {"iban", "DE08700901001234567890"},
                             }));
  ASSERT_EQ(invoice->line_items.size(), 1u);
  EXPECT_EQ(invoice->line_items[0], (Fields{{"description", "Rückvergütung"},
                                            {"quantity", "1"},
                                            {"unit_price", "-7.67"},
                                            {"amount", "-7.67"}}));
}

TEST(ParseEInvoiceXml, UblInvoiceYieldsEveryField) {
  Result<EInvoice> invoice = ParseEInvoiceXml(kUblInvoice);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->syntax, "ubl");
  EXPECT_EQ(invoice->type_code, "380");
  EXPECT_EQ(invoice->fields, (Fields{
                                 {"invoice_number", "XR-0042"},
                                 {"invoice_date", "2024-03-01"},
                                 {"due_date", "2024-03-31"},
                                 {"seller_name", "Muster Handel GmbH"},  // legal over trading name
                                 {"seller_address", "10115, Berlin, Hauptstraße 1, DE"},
                                 {"seller_vat_id", "DE123456789"},
                                 {"buyer_name", "Stadtverwaltung"},
                                 {"buyer_address", "14467, Potsdam, Rathausplatz 2, Zimmer 4, DE"},
                                 {"currency", "EUR"},
                                 {"subtotal", "100.00"},
                                 {"tax", "19.00"},
                                 {"total", "119.00"},
                                 {"iban", "DE02120300000000202051"},
                             }));
  ASSERT_EQ(invoice->line_items.size(), 1u);
  EXPECT_EQ(invoice->line_items[0], (Fields{{"description", "Beratung"},
                                            {"quantity", "2.5"},
                                            {"unit_price", "40.00"},
                                            {"amount", "100.00"}}));
}

TEST(ParseEInvoiceXml, UblCreditNoteWithoutPrefixesIsRead) {
  Result<EInvoice> invoice = ParseEInvoiceXml(kUblCreditNote);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->syntax, "ubl");
  EXPECT_EQ(invoice->type_code, "381");
  EXPECT_EQ(invoice->fields, (Fields{
                                 {"invoice_number", "CN-7"},
                                 {"invoice_date", "2024-04-02"},
                                 {"due_date", "2024-04-30"},
                                 {"seller_name", "Nur Handelsname AG"},
                                 {"currency", "CHF"},
                                 {"subtotal", "100.00"},
                                 {"tax", "8.10"},
                                 {"total", "108.10"},
                             }));
  ASSERT_EQ(invoice->line_items.size(), 1u);
  EXPECT_EQ(invoice->line_items[0],
            (Fields{{"description", "Rückgabe"}, {"quantity", "1"}, {"amount", "100.00"}}));
}

TEST(ParseEInvoiceXml, PrefixesDoNotMatterOnlyLocalNames) {
  std::string renamed(kCii);
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"rsm:", "x:"}, {"ram:", ""}, {"udt:", "y:"}}) {
    for (std::size_t at = renamed.find(from); at != std::string::npos;
         at = renamed.find(from, at)) {
      renamed.replace(at, from.size(), to);
    }
  }
  Result<EInvoice> original = ParseEInvoiceXml(kCii);
  Result<EInvoice> invoice = ParseEInvoiceXml(renamed);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->fields, original->fields);
  EXPECT_EQ(invoice->line_items, original->line_items);
}

TEST(ParseEInvoiceXml, Utf16InputWithByteOrderMarkIsRead) {
  std::string utf16 = "\xFF\xFE";  // UTF-16LE; the sample's non-ASCII text is left out here
  for (char c : CiiWithTotal("12.3")) {
    utf16 += c;
    utf16 += '\0';
  }
  Result<EInvoice> invoice = ParseEInvoiceXml(utf16);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->fields, (Fields{{"total", "12.30"}}));
}

// ---------------------------------------------------------------------------------------------
// Values

TEST(ParseEInvoiceXml, AmountsGetTwoDecimalsAndKeepSignificantOnes) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"197.6500", "197.65"}, {"-5", "-5.00"},
      {"+.5", "0.50"},        {"007.", "7.00"},
      {"-0.00", "0.00"},      {" 12.5\n", "12.50"},
      {"0.1234", "0.1234"},   {"1234567890123456789.1", "1234567890123456789.10"},
  };
  for (const auto& [raw, expected] : cases) {
    Result<EInvoice> invoice = ParseEInvoiceXml(CiiWithTotal(raw));
    ASSERT_TRUE(invoice.ok());
    EXPECT_EQ(invoice->fields["total"], expected) << raw;
  }
}

TEST(ParseEInvoiceXml, UnreadableValuesAreLeftOutNotGuessed) {
  for (std::string_view raw : {"12,50", "1.234.5", "", "-", ".", "12 EUR", "1e3", "--5"}) {
    Result<EInvoice> invoice = ParseEInvoiceXml(CiiWithTotal(raw));
    ASSERT_TRUE(invoice.ok());
    EXPECT_EQ(invoice->fields.count("total"), 0u) << raw;
  }
  auto date_of = [](std::string_view date_time_string) {
    std::string xml = "<CrossIndustryInvoice><ExchangedDocument><ID>1</ID><IssueDateTime>" +
                      std::string(date_time_string) +
                      "</IssueDateTime></ExchangedDocument></CrossIndustryInvoice>";
    Result<EInvoice> invoice = ParseEInvoiceXml(xml);
    EXPECT_TRUE(invoice.ok());
    auto it = invoice->fields.find("invoice_date");
    return it == invoice->fields.end() ? std::string("-") : it->second;
  };
  EXPECT_EQ(date_of("<DateTimeString format=\"102\">20180305</DateTimeString>"), "2018-03-05");
  EXPECT_EQ(date_of("<DateTimeString>20180305</DateTimeString>"), "2018-03-05");
  EXPECT_EQ(date_of("<DateTimeString format=\"102\">20190229</DateTimeString>"), "-");
  EXPECT_EQ(date_of("<DateTimeString format=\"102\">2018-03-05</DateTimeString>"), "-");
  EXPECT_EQ(date_of("<DateTimeString format=\"610\">201803</DateTimeString>"), "-");
  EXPECT_EQ(date_of("<DateTimeString format=\"102\">05.03.2018</DateTimeString>"), "-");
}

TEST(ParseEInvoiceXml, MissingPartsGiveNoFieldsButStillAnInvoice) {
  Result<EInvoice> invoice = ParseEInvoiceXml("<Invoice/>");
  ASSERT_TRUE(invoice.ok());
  EXPECT_EQ(invoice->syntax, "ubl");
  EXPECT_TRUE(invoice->fields.empty());
  EXPECT_TRUE(invoice->line_items.empty());
  EXPECT_TRUE(invoice->type_code.empty());
}

// ---------------------------------------------------------------------------------------------
// Errors and hostile input

TEST(ParseEInvoiceXml, MalformedXmlIsInvalidArgumentWithOffset) {
  Result<EInvoice> invoice =
      ParseEInvoiceXml("<rsm:CrossIndustryInvoice><a></b></rsm:CrossIndustryInvoice>");
  ASSERT_FALSE(invoice.ok());
  EXPECT_EQ(invoice.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invoice.status().message().rfind("malformed XML at byte ", 0), 0u)
      << invoice.status().message();
  EXPECT_NE(invoice.status().message().find("mismatch"), std::string::npos)
      << invoice.status().message();

  for (std::string_view bad :
       {std::string_view(), std::string_view(""), std::string_view("   "),
        std::string_view("%PDF-1.7 not xml"), kCii.substr(0, kCii.size() / 2)}) {
    Result<EInvoice> r = ParseEInvoiceXml(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("malformed XML at byte ", 0), 0u) << r.status().message();
  }
}

TEST(ParseEInvoiceXml, UnknownRootIsInvalidArgumentNamingIt) {
  Result<EInvoice> invoice = ParseEInvoiceXml("<?xml version=\"1.0\"?><h:html xmlns:h=\"x\"/>");
  ASSERT_FALSE(invoice.ok());
  EXPECT_EQ(invoice.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invoice.status().message(),
            "unknown root element <h:html>: not a CII, ZUGFeRD 1.0 or UBL invoice");
}

TEST(ParseEInvoiceXml, DeepNestingDoesNotExhaustTheStack) {
  constexpr int kDepth = 500000;
  std::string xml = "<CrossIndustryInvoice>";
  for (int i = 0; i < kDepth; ++i) xml += "<a>";
  for (int i = 0; i < kDepth; ++i) xml += "</a>";
  xml += "<ExchangedDocument><ID>deep</ID></ExchangedDocument></CrossIndustryInvoice>";
  Result<EInvoice> invoice = ParseEInvoiceXml(xml);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->fields["invoice_number"], "deep");
}

TEST(ParseEInvoiceXml, EntityDefinitionsAreNotExpanded) {
  std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">";
  for (char c = 'b'; c <= 'j'; ++c) {
    xml += std::string("<!ENTITY ") + c + " \"";
    for (int k = 0; k < 10; ++k) xml += std::string("&") + static_cast<char>(c - 1) + ";";
    xml += "\">";
  }
  xml +=
      "]><CrossIndustryInvoice><ExchangedDocument><ID>&j;</ID></ExchangedDocument>"
      "</CrossIndustryInvoice>";
  Result<EInvoice> invoice = ParseEInvoiceXml(xml);
  ASSERT_TRUE(invoice.ok()) << invoice.status().message();
  EXPECT_EQ(invoice->fields["invoice_number"], "&j;");
}

TEST(ParseEInvoiceXml, ArbitraryBytesNeverCrash) {
  std::string base(kCii);
  unsigned state = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = base;
    for (int k = 0; k < 8; ++k) {
      state = state * 1103515245u + 12345u;
      const std::size_t at = (state >> 8) % mutated.size();
      state = state * 1103515245u + 12345u;
      mutated[at] = static_cast<char>(state >> 16);
    }
    Result<EInvoice> invoice = ParseEInvoiceXml(mutated);
    if (!invoice.ok()) {
      EXPECT_EQ(invoice.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Choosing the attachment

TEST(LooksLikeEInvoiceAttachment, KnowsTheStandardNamesInAnyCase) {
  for (std::string_view name : {"factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml",
                                "xrechnung.xml", "FACTUR-X.XML"}) {
    EXPECT_TRUE(LooksLikeEInvoiceAttachment(name)) << name;
  }
  for (std::string_view name :
       {"", "invoice.xml", "factur-x.xml.bak", "my-factur-x.xml", "factur-x"}) {
    EXPECT_FALSE(LooksLikeEInvoiceAttachment(name)) << name;
  }
}

TEST(ChooseEInvoiceAttachment, PrefersAStandardNameThenAnyInvoiceThenABrokenStandardOne) {
  const std::string png = "\x89PNG\r\n\x1a\n....";
  const std::string other_xml = "<timesheet><hours>8</hours></timesheet>";
  std::vector<AttachmentView> a = {{"Aufmass.png", png},
                                   {"invoice.xml", kUblInvoice},
                                   {"factur-x.xml", kCii},
                                   {"hours.xml", other_xml}};
  EXPECT_EQ(ChooseEInvoiceAttachment(a), 2u);

  a[2].data = "<rsm:CrossIndustryInvoice><broken";
  EXPECT_EQ(ChooseEInvoiceAttachment(a), 1u);  // an invoice under another name wins

  a[1].name = "";  // a name the PDF reader could not decode
  EXPECT_EQ(ChooseEInvoiceAttachment(a), 1u);

  a[1].data = other_xml;
  EXPECT_EQ(ChooseEInvoiceAttachment(a), 2u);  // only the broken standard one is left

  a[2].name = "factur-x.txt";
  EXPECT_EQ(ChooseEInvoiceAttachment(a), std::nullopt);
  EXPECT_EQ(ChooseEInvoiceAttachment({}), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// The ZUGFeRD corpus (../shared/datasets/zugferd_corpus, see its README.md): every embedded
// XML against the manifest's values.

std::filesystem::path DatasetsDir() {
  const char* env = std::getenv("SHEAF_DATASETS");
  return std::filesystem::absolute(env != nullptr && *env != '\0' ? std::string(env)
                                                                    : std::string(SHEAF_SOURCE_DIR) + "/../shared/datasets");
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string CollapseBlanks(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string WithoutBlanksUpper(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

// The manifest's values in the parser's spelling, normalised independently of it.
Fields ExpectedFields(const nlohmann::json& m) {
  Fields expected;
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!m.contains(key) || !m[key].is_string() || m[key].get<std::string>().empty()) {
      return std::nullopt;
    }
    return m[key].get<std::string>();
  };
  if (auto v = text("invoice_number")) expected["invoice_number"] = CollapseBlanks(*v);
  if (auto v = text("issue_date")) {
    expected["invoice_date"] = v->substr(0, 4) + "-" + v->substr(4, 2) + "-" + v->substr(6, 2);
  }
  if (auto v = text("currency")) expected["currency"] = WithoutBlanksUpper(*v);
  if (auto v = text("grand_total")) expected["total"] = NormalizeMoney(*v).value_or(Money{}).amount;
  if (auto v = text("tax_total")) expected["tax"] = NormalizeMoney(*v).value_or(Money{}).amount;
  if (auto v = text("seller_name")) expected["seller_name"] = CollapseBlanks(*v);
  if (auto v = text("seller_vat_id")) expected["seller_vat_id"] = WithoutBlanksUpper(*v);
  if (auto v = text("iban")) expected["iban"] = WithoutBlanksUpper(*v);
  return expected;
}

TEST(EInvoiceCorpus, EveryEmbeddedXmlMatchesTheManifest) {
  const std::filesystem::path corpus = DatasetsDir() / "zugferd_corpus";
  if (!std::filesystem::exists(corpus / "manifest.jsonl")) {
    GTEST_SKIP() << "no corpus at " << corpus << " (set SHEAF_DATASETS)";
  }
  std::ifstream manifest(corpus / "manifest.jsonl");
  std::string line;
  int invoices = 0, all_matched = 0;
  while (std::getline(manifest, line)) {
    if (line.empty()) continue;
    const nlohmann::json m = nlohmann::json::parse(line);
    const std::string xml_path = m.at("embedded_xml").get<std::string>();
    if (xml_path.size() < 4 || xml_path.substr(xml_path.size() - 4) != ".xml") continue;
    ++invoices;
    SCOPED_TRACE(xml_path);
    Result<EInvoice> invoice = ParseEInvoiceXml(ReadAll(corpus / xml_path));
    ASSERT_TRUE(invoice.ok()) << invoice.status().message();
    EXPECT_EQ(invoice->syntax,
              m.at("xml_root") == "CrossIndustryDocument" ? "cii-zugferd1" : "cii");
    EXPECT_EQ(invoice->type_code, m.at("type_code").get<std::string>());
    bool matched = true;
    for (const auto& [name, value] : ExpectedFields(m)) {
      auto it = invoice->fields.find(name);
      const std::string got = it == invoice->fields.end() ? "<missing>" : it->second;
      EXPECT_EQ(got, value) << name;
      matched = matched && got == value;
    }
    // The manifest counts every line element; free-text lines (ZUGFeRD 1.0 uses some for notes)
    // carry none of the columns and are left out.
    const std::size_t lines = m.at("line_items").get<std::size_t>();
    if (invoice->syntax == "cii") {
      EXPECT_EQ(invoice->line_items.size(), lines);
    } else {
      EXPECT_LE(invoice->line_items.size(), lines);
    }
    // A null IBAN in the manifest is a direct debit: the account is the payer's, not reported.
    if (m.at("iban").is_null()) {
      EXPECT_EQ(invoice->fields.count("iban"), 0u);
    }
    all_matched += matched ? 1 : 0;
  }
  std::cout << "[ corpus   ] " << all_matched << " of " << invoices
            << " invoices matched the manifest in every field\n";
  EXPECT_GT(invoices, 0);
  EXPECT_EQ(all_matched, invoices);
}

}  // namespace
}  // namespace sheaf::extract
