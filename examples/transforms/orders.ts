import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A transform for a legacy `orders` table on its way into the warehouse:
 *   - rename:          `status` → `order_status`
 *   - type coercion:   `amount_cents` (text digits) → `amount` numeric(12,2), exactly (BigInt, no float)
 *   - derived column:  `is_large` — amount of 1000.00 or more
 *   - PII hashing:     `customer_email` → `customer_hash`, SHA-256 of the normalised address; the
 *                      address itself never reaches the destination
 * Rows whose email is not an email or whose amount is not a whole number of cents fail the
 * schema and go to syncfleet.quarantine with zod's message; test rows are dropped.
 *
 * Values arrive as the source printed them (text, `null` for NULL), hence the coercions.
 */
export const schema = z.object({
  id: z.string().regex(/^\d+$/, 'expected an integer id'),
  customer_email: z.string().trim().toLowerCase().pipe(z.email()),
  amount_cents: z.coerce.bigint().nonnegative(),
  status: z.enum(['new', 'paid', 'shipped', 'cancelled', 'test']),
  updated_at: z.string(),
});

export type RawOrder = z.output<typeof schema>;

export interface WarehouseOrder {
  readonly id: string;
  readonly customer_hash: string;
  readonly amount: string;
  readonly order_status: string;
  readonly is_large: boolean;
  readonly updated_at: string;
}

export function map(raw: RawOrder): WarehouseOrder | null {
  if (raw.status === 'test') return null;
  const cents = raw.amount_cents;
  return {
    id: raw.id,
    customer_hash: createHash('sha256').update(raw.customer_email).digest('hex'),
    amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`,
    order_status: raw.status,
    is_large: cents >= 100_000n,
    updated_at: raw.updated_at,
  };
}
