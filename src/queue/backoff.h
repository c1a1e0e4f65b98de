// SPDX-License-Identifier: GPL-3.0-or-later
//
// Retry backoff: exponential, capped, with full jitter (BackoffOptions in sheaf/broker.h).
// Pure functions of their arguments; the generator is the caller's, so a seeded generator
// gives a reproducible sequence. Thread-compatible: one Rng per thread.
#ifndef SHEAF_QUEUE_BACKOFF_H_
#define SHEAF_QUEUE_BACKOFF_H_

#include <chrono>
#include <random>

#include "sheaf/broker.h"

namespace sheaf {

using Rng = std::mt19937_64;

// Returns min(options.max, options.initial * options.multiplier^(attempt-1)): the largest delay
// after failed attempt `attempt` (1-based; values below 1 count as 1). Never negative, never
// overflows however large `attempt` is.
std::chrono::milliseconds RetryCeiling(int attempt, const BackoffOptions& options);

// Returns a delay drawn uniformly from [0, RetryCeiling(attempt, options)] in whole
// milliseconds ("full jitter"), using `rng`.
std::chrono::milliseconds RetryDelay(int attempt, const BackoffOptions& options, Rng& rng);

}  // namespace sheaf

#endif  // SHEAF_QUEUE_BACKOFF_H_
