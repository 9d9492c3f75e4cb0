/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and
 * Jitter"): a uniformly random delay in [0, min(maxDelay, baseDelay·2^(attempt−1))]. Full
 * jitter spreads a fleet's retries so a recovering database is not hit in lockstep.
 */
export interface BackoffOptions {
  readonly baseDelay: number;
  readonly maxDelay: number;
}

export function fullJitterDelay(attemptsMade: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(options.maxDelay, options.baseDelay * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}
