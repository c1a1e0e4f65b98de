// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/json_depth.h"

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace sheaf {

namespace {

// nlohmann's SAX events, counting depth and building nothing; returning false stops the parse.
class DepthCounter final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DepthCounter(int max_depth) : max_(max_depth) {}
  bool too_deep() const { return too_deep_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Enter() {
    if (++depth_ > max_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  int max_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

Status CheckJsonDepth(std::string_view text, int max_depth) {
  DepthCounter counter(max_depth);
  (void)nlohmann::json::sax_parse(text.begin(), text.end(), &counter,
                                  nlohmann::json::input_format_t::json, /*strict=*/false);
  if (counter.too_deep()) {
    return Status(ErrorCode::kInvalidArgument,
                  "the JSON is nested deeper than " + std::to_string(max_depth) + " levels");
  }
  return Status::Ok();
}

}  // namespace sheaf
