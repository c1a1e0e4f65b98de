// SPDX-License-Identifier: GPL-3.0-or-later
#include "queue/backoff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sheaf {

std::chrono::milliseconds RetryCeiling(int attempt, const BackoffOptions& options) {
  const double cap = static_cast<double>(std::max<std::int64_t>(options.max.count(), 0));
  const double initial = static_cast<double>(std::max<std::int64_t>(options.initial.count(), 0));
  const double multiplier = std::max(options.multiplier, 1.0);
  // In floating point, so that a large attempt saturates at infinity instead of wrapping.
  const double grown = initial * std::pow(multiplier, std::max(attempt, 1) - 1);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(grown, cap)));
}

std::chrono::milliseconds RetryDelay(int attempt, const BackoffOptions& options, Rng& rng) {
  const std::int64_t ceiling = RetryCeiling(attempt, options).count();
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace sheaf
