// SPDX-License-Identifier: GPL-3.0-or-later
#include "classify/classifier.h"

#include <gtest/gtest.h>
#include <cstdlib>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "classify/features.h"
#include "classify/logreg.h"
#include "fixtures.h"

namespace sheaf::classify {
namespace {

// A small synthetic corpus: invoice-, receipt-, letter- and form-like texts from templates with
// randomised names, numbers and line counts (fixed seeds, so every run sees the same texts).
class Corpus {
 public:
  explicit Corpus(uint32_t seed) : rng_(seed) {}

  void Add(const std::string& label, int count) {
    for (int i = 0; i < count; ++i) {
      DocumentText doc;
      if (label == "invoice") doc = Invoice();
      if (label == "receipt") doc = Receipt();
      if (label == "letter") doc = Letter();
      if (label == "form") doc = Form();
      docs.push_back(std::move(doc));
      labels.push_back(label);
    }
  }

  std::vector<DocumentText> docs;
  std::vector<std::string> labels;

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <size_t N>
  std::string Pick(const char* const (&options)[N]) {
    return options[static_cast<size_t>(Int(0, static_cast<int>(N) - 1))];
  }
  std::string Amount() {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%d.%02d", Int(1, 999), Int(0, 99));
    return buf;
  }
  std::string Name() {
    static const char* const kFirst[] = {"Anna",  "Ben",  "Clara", "David", "Elif",   "Farid",
                                         "Greta", "Hugo", "Ines",  "Jonas", "Katrin", "Luca"};
    static const char* const kLast[] = {"Meyer", "Schulz",   "Dubois",    "Rossi",  "Novak",
                                        "Berg",  "Kowalski", "Lindqvist", "Moreau", "Weber"};
    return Pick(kFirst) + " " + Pick(kLast);
  }
  std::string Company() {
    static const char* const kNames[] = {"Acme",  "Nordlicht", "Bluebird",  "Kestrel",
                                         "Orion", "Vega",      "Tannenhof", "Silverline"};
    static const char* const kKinds[] = {"GmbH", "Ltd", "SARL", "Consulting", "Services", "AG"};
    return Pick(kNames) + " " + Pick(kKinds);
  }
  std::string Date() {
    return std::to_string(Int(1, 28)) + "." + std::to_string(Int(1, 12)) + ".20" +
           std::to_string(Int(18, 26));
  }

  DocumentText Invoice() {
    static const char* const kTitles[] = {"INVOICE", "Invoice", "Tax Invoice", "Rechnung"};
    static const char* const kItems[] = {"Consulting hours", "Software licence",
                                         "Support plan",     "Hosting",
                                         "Design work",      "Training session"};
    std::string t = Company() + "\n" + Pick(kTitles) + "\nInvoice number INV-" +
                    std::to_string(Int(1000, 99999)) + "\nInvoice date " + Date() + "\nDue date " +
                    Date() + "\nBill to: " + Name() + "\n";
    const int items = Int(2, 6);
    for (int i = 0; i < items; ++i) {
      t += Pick(kItems) + " " + std::to_string(Int(1, 20)) + " x " + Amount() + " " + Amount() +
           "\n";
    }
    t += "Subtotal " + Amount() + "\nVAT 19% " + Amount() + "\nTotal due " + Amount() +
         " EUR\nPayment terms: 30 days net. IBAN DE" + std::to_string(Int(10, 99)) + " 5001 0517 " +
         std::to_string(Int(1000, 9999)) + "\n";
    return {t, Int(1, 2), 1.0};
  }

  DocumentText Receipt() {
    static const char* const kShops[] = {"SUPERMARKT", "CAFE CENTRAL", "BAKERY",
                                         "PHARMACY",   "FUEL STATION", "KIOSK"};
    static const char* const kItems[] = {"MILK",  "BREAD",     "COFFEE", "APPLES", "CHEESE",
                                         "WATER", "CROISSANT", "TEA",    "DIESEL", "SOAP"};
    std::string t = Pick(kShops) + "\nStore " + std::to_string(Int(1, 300)) + "\n" + Date() + " " +
                    std::to_string(Int(7, 21)) + ":" + std::to_string(Int(10, 59)) + "\n";
    const int items = Int(3, 9);
    for (int i = 0; i < items; ++i) t += Pick(kItems) + " " + Amount() + "\n";
    t += "TOTAL " + Amount() + "\nCASH " + Amount() + "\nCHANGE " + Amount() +
         "\nThank you for shopping with us\nReceipt no " + std::to_string(Int(1, 9999)) + "\n";
    return {t, 1, Int(0, 1) == 0 ? 0.0 : 1.0};
  }

  DocumentText Letter() {
    static const char* const kOpenings[] = {"Dear", "Dear Mr", "Dear Ms", "Hello"};
    static const char* const kBodies[] = {
        "thank you for your letter regarding the meeting last week.",
        "we are writing to inform you about changes to our opening hours.",
        "I would like to follow up on our conversation about the project.",
        "please find enclosed the documents you requested.",
        "we are pleased to confirm your appointment next month.",
        "I am writing to apologise for the delay in our response."};
    static const char* const kClosings[] = {"Yours sincerely", "Kind regards", "Best wishes",
                                            "Sincerely"};
    std::string t = Name() + "\n" + std::to_string(Int(1, 200)) + " Main Street\n" + Date() + "\n" +
                    Pick(kOpenings) + " " + Name() + ",\n";
    const int paragraphs = Int(2, 5);
    for (int i = 0; i < paragraphs; ++i) t += "We hope " + Pick(kBodies) + "\n";
    t += "If you have any questions, do not hesitate to contact us.\n" + Pick(kClosings) + "\n" +
         Name() + "\n";
    return {t, Int(1, 3), 1.0};
  }

  DocumentText Form() {
    static const char* const kTitles[] = {"Application form", "Registration form",
                                          "Change of address form", "Membership application"};
    static const char* const kFields[] = {"First name", "Surname",   "Date of birth",
                                          "Address",    "Postcode",  "Phone",
                                          "Email",      "Signature", "Place"};
    std::string t = Pick(kTitles) + "\nPlease complete in BLOCK CAPITALS\n";
    const int fields = Int(5, 10);
    for (int i = 0; i < fields; ++i) {
      t += Pick(kFields) + ": " + (Int(0, 1) == 0 ? "____________" : Name()) + "\n";
    }
    t += "[ ] Yes  [ ] No\nTick the box if you agree to the terms\nFor office use only\nForm " +
         std::to_string(Int(1, 99)) + "/" + std::to_string(Int(1, 12)) + "\n";
    return {t, Int(1, 4), 0.0};
  }

  std::mt19937 rng_;
};

Corpus MakeCorpus(uint32_t seed, int per_label) {
  Corpus corpus(seed);
  for (const char* label : {"invoice", "receipt", "letter", "form"}) corpus.Add(label, per_label);
  return corpus;
}

ClassifierOptions SmallOptions() {
  ClassifierOptions options;
  options.hash_bits = 16;
  return options;
}

const TextClassifier& TrainedOnce() {
  static const TextClassifier* const kClassifier = [] {
    const Corpus corpus = MakeCorpus(7, 20);
    Result<TextClassifier> c = TextClassifier::Train(corpus.docs, corpus.labels, SmallOptions());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return new TextClassifier(std::move(c).value());
  }();
  return *kClassifier;
}

std::string TempPath(const std::string& name) {
  static const std::string dir = sheaf::testing::TempDir();  // fresh, per test process
  return dir + "/classifier_test_" + name;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

double Norm(const SparseVector& v, int hash_bits) {
  double n2 = 0.0;
  for (size_t i = 0; i < v.indices.size(); ++i) {
    if (v.indices[i] < (1 << hash_bits)) n2 += v.values[i] * v.values[i];
  }
  return std::sqrt(n2);
}

// --- features ---

TEST(Featurize, AmountsWithDifferentDigitsGiveTheSameFeatures) {
  const SparseVector a = Featurize({"Total 12.50", 1, 1.0}, 12);
  const SparseVector b = Featurize({"total 99.95", 1, 1.0}, 12);
  const SparseVector c = Featurize({"total 99.95 EUR", 1, 1.0}, 12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Featurize, SplitsOnNoBreakSpaceButKeepsAccentedWordsWhole) {
  EXPECT_EQ(Tokenize("Rechnung\u00a0Nr. 4711"),
            (std::vector<std::string>{"rechnung", "nr", "0000"}));
  EXPECT_EQ(Tokenize("STRASSE Straße ÉTÉ\u20ac5"),
            (std::vector<std::string>{"strasse", "straße", "été", "0"}));
}

TEST(Featurize, InvalidUtf8IsASeparatorNotACrash) {
  EXPECT_EQ(Tokenize(std::string("ab\xff"
                                 "cd\xe2\x82")),
            (std::vector<std::string>{"ab", "cd"}));
}

TEST(Featurize, TextBlockIsUnitLengthAndIndicesAreSortedAndInRange) {
  const int bits = 10;
  const SparseVector v = Featurize({"Invoice number 123\nTotal 12.50\n", 3, 0.5}, bits);
  EXPECT_NEAR(Norm(v, bits), 1.0, 1e-12);
  ASSERT_EQ(v.indices.size(), v.values.size());
  for (size_t i = 0; i < v.indices.size(); ++i) {
    EXPECT_GE(v.indices[i], 0);
    EXPECT_LT(v.indices[i], FeatureDimension(bits));
    if (i > 0) {
      EXPECT_LT(v.indices[i - 1], v.indices[i]);
    }
  }
}

TEST(Featurize, LayoutFeaturesDescribePagesAndAmountLines) {
  const int bits = 8;
  const int base = 1 << bits;
  const SparseVector v = Featurize({"Milk 1.20\nBread 2,50 EUR\nThanks\n", 3, 0.5}, bits);
  std::vector<double> dense(kNumLayoutFeatures, 0.0);
  for (size_t i = 0; i < v.indices.size(); ++i) {
    if (v.indices[i] >= base) dense[static_cast<size_t>(v.indices[i] - base)] = v.values[i];
  }
  const auto value = [&](std::string_view name) {
    for (int i = 0; i < kNumLayoutFeatures; ++i) {
      if (LayoutFeatureName(i) == name) return dense[static_cast<size_t>(i)];
    }
    ADD_FAILURE() << "no layout feature " << name;
    return -1.0;
  };
  EXPECT_EQ(value("pages_1"), 0.0);
  EXPECT_EQ(value("pages_2_to_4"), 1.0);
  EXPECT_DOUBLE_EQ(value("text_layer_fraction"), 0.5);
  EXPECT_DOUBLE_EQ(value("amount_line_fraction"), 2.0 / 3.0);
  EXPECT_EQ(value("lines_under_10"), 1.0);
  EXPECT_EQ(value("empty_text"), 0.0);
}

TEST(Featurize, EmptyTextHasOnlyLayoutFeatures) {
  const SparseVector v = Featurize({"", 1, 0.0}, 8);
  for (const int index : v.indices) EXPECT_GE(index, 1 << 8);
  EXPECT_FALSE(v.indices.empty());
}

// --- logistic regression and calibration ---

TEST(Softmax, ExtremeLogitsGiveFiniteProbabilitiesSummingToOne) {
  const std::vector<double> p = Softmax({1e308, -1e308, 0.0}, 0.5);
  ASSERT_EQ(p.size(), 3u);
  for (const double x : p) EXPECT_TRUE(std::isfinite(x));
  EXPECT_DOUBLE_EQ(p[0], 1.0);
  EXPECT_DOUBLE_EQ(p[0] + p[1] + p[2], 1.0);
}

TEST(FitTemperature, OverconfidentMistakesRaiseTheTemperature) {
  // Right on 6 of 10 with a margin of 10: far too sure, so T > 1.
  std::vector<std::vector<double>> logits;
  std::vector<int> labels;
  for (int i = 0; i < 10; ++i) {
    logits.push_back({10.0, 0.0});
    labels.push_back(i < 6 ? 0 : 1);
  }
  EXPECT_GT(FitTemperature(logits, labels), 2.0);
}

TEST(FitTemperature, TimidCorrectAnswersLowerTheTemperature) {
  // Right on 950 of 1000 with a margin of only 0.5: too unsure, so T < 1.
  std::vector<std::vector<double>> logits;
  std::vector<int> labels;
  for (int i = 0; i < 1000; ++i) {
    logits.push_back({0.5, 0.0});
    labels.push_back(i < 950 ? 0 : 1);
  }
  const double t = FitTemperature(logits, labels);
  EXPECT_LT(t, 0.5);
  // With this many examples the prior barely matters: p(correct) is close to 950/1000.
  EXPECT_NEAR(Softmax({0.5, 0.0}, t)[0], 0.95, 0.002);
}

TEST(FitTemperature, AllCorrectAnswersDoNotDriveTheTemperatureToItsBound) {
  // Without the prior the NLL keeps falling as T -> 0 and every answer would look certain.
  std::vector<std::vector<double>> logits(10, std::vector<double>{4.0, 0.0, -1.0});
  std::vector<int> labels(10, 0);
  const double t = FitTemperature(logits, labels);
  EXPECT_GT(t, 0.2);
  EXPECT_LT(t, 1.0);
}

TEST(FitTemperature, NoExamplesGiveTemperatureOne) { EXPECT_EQ(FitTemperature({}, {}), 1.0); }

// --- the classifier ---

TEST(TextClassifier, LabelsAtLeastNinetyPercentOfUnseenDocumentsCorrectly) {
  const TextClassifier& c = TrainedOnce();
  const Corpus unseen = MakeCorpus(12345, 25);
  int correct = 0;
  for (size_t i = 0; i < unseen.docs.size(); ++i) {
    if (c.Predict(unseen.docs[i]).label == unseen.labels[i]) ++correct;
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(unseen.docs.size());
  EXPECT_GE(accuracy, 0.9) << correct << " of " << unseen.docs.size();
}

TEST(TextClassifier, LabelsAreSortedDistinctUserStrings) {
  EXPECT_EQ(TrainedOnce().labels(),
            (std::vector<std::string>{"form", "invoice", "letter", "receipt"}));
}

TEST(TextClassifier, ConfidencesAreProbabilitiesOfTheChosenLabel) {
  const TextClassifier& c = TrainedOnce();
  const Corpus unseen = MakeCorpus(99, 5);
  for (const DocumentText& doc : unseen.docs) {
    const Prediction p = c.Predict(doc);
    ASSERT_EQ(p.probabilities.size(), c.labels().size());
    double sum = 0.0;
    size_t best = 0;
    for (size_t k = 0; k < p.probabilities.size(); ++k) {
      EXPECT_GE(p.probabilities[k], 0.0);
      EXPECT_LE(p.probabilities[k], 1.0);
      sum += p.probabilities[k];
      if (p.probabilities[k] > p.probabilities[best]) best = k;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_EQ(p.label, c.labels()[best]);
    EXPECT_EQ(p.confidence, p.probabilities[best]);
  }
}

TEST(TextClassifier, TemperatureIsFittedOnTheHoldout) {
  const double t = TrainedOnce().temperature();
  EXPECT_GE(t, kMinTemperature);
  EXPECT_LE(t, kMaxTemperature);
  EXPECT_NE(t, 1.0);  // 1 would mean no holdout was used
}

TEST(TextClassifier, SaveThenLoadGivesIdenticalPredictionsAndVersion) {
  const TextClassifier& c = TrainedOnce();
  const std::string path = TempPath("roundtrip.json");
  ASSERT_TRUE(c.Save(path).ok());
  Result<TextClassifier> loaded = TextClassifier::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Version(), c.Version());
  EXPECT_EQ(loaded->labels(), c.labels());
  EXPECT_EQ(loaded->hash_bits(), c.hash_bits());
  const Corpus unseen = MakeCorpus(4242, 5);
  for (const DocumentText& doc : unseen.docs) {
    const Prediction a = c.Predict(doc);
    const Prediction b = loaded->Predict(doc);
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.probabilities, b.probabilities);  // bit-identical
  }
}

TEST(TextClassifier, LoadOfATruncatedFileFailsWithInvalidArgumentNamingTheFile) {
  const std::string good = TempPath("good.json");
  ASSERT_TRUE(TrainedOnce().Save(good).ok());
  const std::string text = ReadFile(good);
  const std::string path = TempPath("truncated.json");
  WriteFile(path, text.substr(0, text.size() / 2));
  const Result<TextClassifier> r = TextClassifier::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind(path + ": ", 0), 0u) << r.status().message();
}

TEST(TextClassifier, BinaryFormGivesTheSameModelAsJson) {
  const TextClassifier& c = TrainedOnce();
  const std::string bytes = c.ToBinary();
  EXPECT_TRUE(TextClassifier::IsBinary(bytes));
  EXPECT_FALSE(TextClassifier::IsBinary(c.ToJson()));
  Result<TextClassifier> from_binary = TextClassifier::FromBytes(bytes, "m.bin");
  Result<TextClassifier> from_json = TextClassifier::FromBytes(c.ToJson(), "m.json");
  ASSERT_TRUE(from_binary.ok()) << from_binary.status().message();
  ASSERT_TRUE(from_json.ok()) << from_json.status().message();
  EXPECT_EQ(from_binary->Version(), c.Version());
  EXPECT_EQ(from_binary->labels(), c.labels());
  EXPECT_EQ(from_binary->hash_bits(), c.hash_bits());
  EXPECT_EQ(from_binary->temperature(), c.temperature());
  // Each form converts to the other without a change: the JSON written from the binary form is
  // the JSON of the original, and back again.
  EXPECT_EQ(from_binary->ToJson(), c.ToJson());
  EXPECT_EQ(from_json->ToBinary(), bytes);
  for (const DocumentText& doc : MakeCorpus(4243, 5).docs) {
    EXPECT_EQ(from_binary->Predict(doc).probabilities, c.Predict(doc).probabilities);
  }
}

TEST(TextClassifier, EveryTruncationOfTheBinaryFormIsAnErrorNamingTheFile) {
  const std::string bytes = TrainedOnce().ToBinary();
  // Every cut in the header and labels, then a spread of cuts through the weights.
  std::vector<std::size_t> cuts;
  for (std::size_t n = 0; n < 200 && n < bytes.size(); ++n) cuts.push_back(n);
  for (std::size_t n = 200; n < bytes.size(); n += bytes.size() / 97 + 1) cuts.push_back(n);
  cuts.push_back(bytes.size() - 1);
  for (std::size_t n : cuts) {
    Result<TextClassifier> r = TextClassifier::FromBinary(bytes.substr(0, n), "cut.bin");
    ASSERT_FALSE(r.ok()) << "cut at " << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind("cut.bin: ", 0), 0u) << r.status().message();
  }
  Result<TextClassifier> longer = TextClassifier::FromBinary(bytes + "x", "long.bin");
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.status().message().find("unexpected bytes"), std::string::npos);
}

TEST(TextClassifier, ADamagedWeightInTheBinaryFormIsCaughtByTheVersion) {
  std::string bytes = TrainedOnce().ToBinary();
  // The last weight's lowest mantissa byte sits just before the 16-byte version.
  bytes[bytes.size() - 16 - 8] ^= 0x01;
  Result<TextClassifier> r = TextClassifier::FromBinary(bytes, "damaged.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not match"), std::string::npos) << r.status().message();
}

TEST(TextClassifier, ATrustedStoredVersionIsTheModelsOwnAndMustBeHexDigits) {
  const TextClassifier& c = TrainedOnce();
  const std::string bytes = c.ToBinary();
  Result<TextClassifier> trusted =
      TextClassifier::FromBytes(bytes, "m.bin", TextClassifier::StoredVersion::kTrust);
  ASSERT_TRUE(trusted.ok()) << trusted.status().message();
  EXPECT_EQ(trusted->Version(), c.Version());
  EXPECT_EQ(trusted->ToBinary(), bytes);
  for (const DocumentText& doc : MakeCorpus(4243, 5).docs) {
    EXPECT_EQ(trusted->Predict(doc).probabilities, c.Predict(doc).probabilities);
  }
  // The version goes into cache keys: trusted or not, only 16 lower-case hex digits pass.
  std::string odd = bytes;
  odd.replace(odd.size() - 16, 16, "../../etc/passwd");
  Result<TextClassifier> r = TextClassifier::FromBinary(odd, "odd.bin", TextClassifier::StoredVersion::kTrust);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not 16 hex digits"), std::string::npos) << r.status().message();
  // Verified (the default), the same bytes fail on the mismatch.
  EXPECT_FALSE(TextClassifier::FromBinary(odd, "odd.bin").ok());
}

TEST(TextClassifier, AHugeCountInTheBinaryFormIsRejectedWithoutAllocatingIt) {
  std::string bytes = TrainedOnce().ToBinary();
  // The label count (after magic, format_version and hash_bits) claims 4 billion labels.
  for (int i = 0; i < 4; ++i) bytes[16 + i] = static_cast<char>(0xFF);
  Result<TextClassifier> r = TextClassifier::FromBinary(bytes, "huge.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("labels"), std::string::npos) << r.status().message();
}

TEST(TextClassifier, LoadRejectsWellFormedJsonThatIsNotAValidModel) {
  const std::string good = TempPath("good2.json");
  ASSERT_TRUE(TrainedOnce().Save(good).ok());
  const nlohmann::json model = nlohmann::json::parse(ReadFile(good));
  struct Case {
    std::string name;
    nlohmann::json doc;
    std::string expected;  // part of the message
  };
  std::vector<Case> cases;
  cases.push_back({"array", nlohmann::json::array(), "expected a JSON object"});
  nlohmann::json v = model;
  v["format_version"] = 2;
  cases.push_back({"version", v, "unsupported format_version 2"});
  v = model;
  v["hash_bits"] = 17;
  cases.push_back({"bits", v, "num_features"});
  v = model;
  v["bias"].push_back(0.5);
  cases.push_back({"bias", v, "\"bias\""});
  v = model;
  v["weights"].push_back(nlohmann::json::array({1 << 30, {1, 2, 3, 4}}));
  cases.push_back({"row", v, "not below num_features"});
  v = model;
  v["weights"][0][1][0] = 123.0;  // tampered weight
  cases.push_back({"tampered", v, "does not match"});
  v = model;
  v["labels"][0] = "zzz";
  cases.push_back({"labels", v, "sorted and distinct"});
  v = model;
  v["temperature"] = "warm";
  cases.push_back({"temperature", v, "temperature"});
  for (const Case& c : cases) {
    const std::string path = TempPath("bad_" + c.name + ".json");
    WriteFile(path, c.doc.dump());
    const Result<TextClassifier> r = TextClassifier::Load(path);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << c.name;
    EXPECT_EQ(r.status().message().rfind(path + ": ", 0), 0u) << r.status().message();
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << c.name << ": " << r.status().message();
  }
}

TEST(TextClassifier, LoadOfAMissingFileFailsWithIoError) {
  const std::string path = TempPath("does_not_exist.json");
  std::remove(path.c_str());
  const Result<TextClassifier> r = TextClassifier::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
}

TEST(TextClassifier, SaveIntoAMissingDirectoryFailsWithIoError) {
  const Status s = TrainedOnce().Save(TempPath("no/such/dir/model.json"));
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
}

TEST(TextClassifier, TrainingWithOneLabelFailsCleanly) {
  Corpus corpus(1);
  corpus.Add("invoice", 5);
  const Result<TextClassifier> r = TextClassifier::Train(corpus.docs, corpus.labels);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("at least two labels"), std::string::npos);
}

TEST(TextClassifier, TrainingWithNoDocumentsFailsCleanly) {
  const Result<TextClassifier> r = TextClassifier::Train({}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(TextClassifier, TrainingWithMoreLabelsThanDocumentsFailsCleanly) {
  const Result<TextClassifier> r = TextClassifier::Train({{"a", 1, 0.0}}, {"invoice", "receipt"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(TextClassifier, TrainingWithOutOfRangeHashBitsFailsCleanly) {
  ClassifierOptions options;
  options.hash_bits = 40;
  const Result<TextClassifier> r =
      TextClassifier::Train({{"a", 1, 0.0}, {"b", 1, 0.0}}, {"x", "y"}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(TextClassifier, TwoTrainingsOnTheSameDataHaveTheSameVersion) {
  const Corpus corpus = MakeCorpus(7, 20);
  const Result<TextClassifier> again =
      TextClassifier::Train(corpus.docs, corpus.labels, SmallOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Version(), TrainedOnce().Version());
  EXPECT_EQ(again->Version().size(), 16u);
}

TEST(TextClassifier, ADifferentSeedGivesADifferentVersion) {
  const Corpus corpus = MakeCorpus(7, 20);
  ClassifierOptions options = SmallOptions();
  options.train.seed += 1;
  const Result<TextClassifier> other = TextClassifier::Train(corpus.docs, corpus.labels, options);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->Version(), TrainedOnce().Version());
}

}  // namespace
TEST(TextClassifier, FeaturesOfASingleDocumentAreNotKeptAndWeightsAreRounded) {
  std::vector<DocumentText> docs;
  std::vector<std::string> labels;
  for (int i = 0; i < 10; ++i) {
    // Each document has one word of its own ("uniqueNqq") besides the shared vocabulary.
    docs.push_back({"total cash change receipt unique" + std::string(1, static_cast<char>('a' + i)) + "qq", 1, 0});
    labels.push_back("receipt");
    docs.push_back({"dear sir sincerely letter unique" + std::string(1, static_cast<char>('k' + i)) + "qq", 1, 0});
    labels.push_back("letter");
  }
  ClassifierOptions keep_all;
  keep_all.min_document_frequency = 1;
  keep_all.significant_digits = 0;
  Result<TextClassifier> all = TextClassifier::Train(docs, labels, keep_all);
  Result<TextClassifier> pruned = TextClassifier::Train(docs, labels);  // defaults: 2 and 7
  ASSERT_TRUE(all.ok() && pruned.ok());
  auto rows = [](const TextClassifier& m) {
    return nlohmann::json::parse(m.ToJson())["weights"].size();
  };
  EXPECT_LT(rows(*pruned), rows(*all));
  // Every weight written has at most 7 significant digits and reads back to the same model.
  nlohmann::json j = nlohmann::json::parse(pruned->ToJson());
  for (const auto& row : j["weights"]) {
    for (const auto& w : row[1]) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.7g", w.get<double>());
      EXPECT_EQ(std::strtod(buf, nullptr), w.get<double>());
    }
  }
  Result<TextClassifier> back = TextClassifier::FromJson(pruned->ToJson(), "m.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->Version(), pruned->Version());
  DocumentText probe{"total cash receipt uniqueaqq", 1, 0};
  EXPECT_EQ(back->Predict(probe).probabilities, pruned->Predict(probe).probabilities);
}

// --- fine-tuning on a tenant's reviewed documents ---

namespace {

// A type the base model has never seen: service agreements, with varying parties and terms.
std::vector<DocumentText> Agreements(int count, int first) {
  static const char* const kParties[] = {"Nordwind Logistik", "Baltic Freight", "Orla Systems",
                                         "Vesper Textiles", "Kestrel Foods", "Ammonit Bau"};
  std::vector<DocumentText> out;
  for (int i = first; i < first + count; ++i) {
    std::string t = "SERVICE AGREEMENT\nThis agreement is made between " +
                    std::string(kParties[i % 6]) + " (the Provider) and " +
                    kParties[(i + 1) % 6] + " (the Client).\nClause " + std::to_string(i % 9 + 1) +
                    ": Term. The term of this agreement is " + std::to_string(i % 5 + 1) +
                    " years.\nClause: Termination. Either party may terminate with notice.\n"
                    "Clause: Governing law and jurisdiction.\nSigned by the parties hereto";
    out.push_back({t, 2, 1.0});
  }
  return out;
}

Result<TextClassifier> FineTunedOnAgreements() {
  const Corpus reviewed = MakeCorpus(777, 2);  // two of each base type, as reviewed
  std::vector<DocumentText> docs = reviewed.docs;
  std::vector<std::string> labels = reviewed.labels;
  for (DocumentText& d : Agreements(4, 0)) {
    docs.push_back(std::move(d));
    labels.push_back("agreement");
  }
  return TextClassifier::FineTune(TrainedOnce(), docs, labels);
}

}  // namespace

TEST(TextClassifierFineTune, LearnsANewTypeFromAFewDocumentsAndKeepsTheBaseTypes) {
  const TextClassifier& base = TrainedOnce();
  const std::vector<DocumentText> unseen_agreements = Agreements(3, 10);
  Result<TextClassifier> tuned = FineTunedOnAgreements();
  ASSERT_TRUE(tuned.ok()) << tuned.status().message();
  EXPECT_EQ(tuned->labels(),
            (std::vector<std::string>{"agreement", "form", "invoice", "letter", "receipt"}));
  EXPECT_NE(tuned->temperature(), base.temperature());  // fitted again, on a holdout
  ClassifierOptions no_holdout;
  no_holdout.holdout_fraction = 0.0;
  const Corpus reviewed = MakeCorpus(777, 2);
  Result<TextClassifier> kept = TextClassifier::FineTune(base, reviewed.docs, reviewed.labels, no_holdout);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->temperature(), base.temperature());
  for (const DocumentText& d : unseen_agreements) {
    EXPECT_EQ(tuned->Predict(d).label, "agreement") << d.text;
  }
  // What the base model knew stays: unseen documents of its types are still labelled as well.
  const Corpus unseen = MakeCorpus(12345, 25);
  int base_correct = 0, tuned_correct = 0;
  for (size_t i = 0; i < unseen.docs.size(); ++i) {
    base_correct += base.Predict(unseen.docs[i]).label == unseen.labels[i];
    tuned_correct += tuned->Predict(unseen.docs[i]).label == unseen.labels[i];
  }
  EXPECT_GE(tuned_correct, base_correct - 2) << "of " << unseen.docs.size();
}

TEST(TextClassifierFineTune, ARetypedDocumentTeachesItsCorrectedType) {
  // A tenant for whom letters with one heading are forms: after fine-tuning on a few such
  // letters labelled "form", a similar letter is a form, and a plain letter still a letter.
  const TextClassifier& base = TrainedOnce();
  Corpus letters = MakeCorpus(4242, 0);
  letters.Add("letter", 7);
  const auto headed = [&](size_t i) {
    DocumentText d = letters.docs[i];
    d.text = "CLAIM NOTICE REF QX-7 CLAIMANT COPY\n" + d.text;
    return d;
  };
  std::vector<DocumentText> docs;
  std::vector<std::string> labels;
  for (size_t i = 0; i < 5; ++i) {
    docs.push_back(headed(i));
    labels.push_back("form");
  }
  const Corpus others = MakeCorpus(4343, 1);
  for (size_t i = 0; i < others.docs.size(); ++i) {
    docs.push_back(others.docs[i]);
    labels.push_back(others.labels[i]);
  }
  const DocumentText probe = headed(5);
  ASSERT_EQ(base.Predict(probe).label, "letter");
  Result<TextClassifier> tuned = TextClassifier::FineTune(base, docs, labels);
  ASSERT_TRUE(tuned.ok()) << tuned.status().message();
  EXPECT_EQ(tuned->labels(), base.labels());
  EXPECT_EQ(tuned->Predict(probe).label, "form");
  EXPECT_EQ(tuned->Predict(letters.docs[6]).label, "letter");
}

TEST(TextClassifierFineTune, IsDeterministicAndRoundTripsThroughTheBinaryForm) {
  Result<TextClassifier> a = FineTunedOnAgreements();
  Result<TextClassifier> b = FineTunedOnAgreements();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->Version(), b->Version());
  EXPECT_NE(a->Version(), TrainedOnce().Version());
  Result<TextClassifier> back = TextClassifier::FromBinary(a->ToBinary(), "tenant.bin");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->Version(), a->Version());
}

TEST(TextClassifierFineTune, BadInputFailsCleanly) {
  const TextClassifier& base = TrainedOnce();
  EXPECT_EQ(TextClassifier::FineTune(base, {}, {}).status().code(), ErrorCode::kInvalidArgument);
  const std::vector<DocumentText> one = Agreements(1, 0);
  EXPECT_EQ(TextClassifier::FineTune(base, one, {}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(TextClassifier::FineTune(base, one, {""}).status().code(), ErrorCode::kInvalidArgument);
  ClassifierOptions zero_epochs;
  zero_epochs.train.epochs = 0;
  EXPECT_EQ(TextClassifier::FineTune(base, one, {"agreement"}, zero_epochs).status().code(),
            ErrorCode::kInvalidArgument);
  ClassifierOptions too_much_held_out;
  too_much_held_out.holdout_fraction = 0.6;
  EXPECT_EQ(TextClassifier::FineTune(base, one, {"agreement"}, too_much_held_out).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace sheaf::classify
