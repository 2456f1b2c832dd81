/**
 * The data-contract file: one YAML per data product (`contracts/<domain>/<table>.yaml`). Unknown
 * keys are allowed (contracts carry more than meshwatch reads); the keys below are checked.
 */
import { z } from 'zod';

const hours = z.number({ error: 'must be a number of hours, e.g. 26' }).positive();

export const contractSchema = z.looseObject({
  product: z.string().regex(/^[a-z0-9_-]+\.[a-z0-9_-]+$/i, 'must be <domain>.<name>, e.g. sales.orders'),
  table: z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'must be <database>.<table>, e.g. sales_db.orders'),
  account_id: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id in quotes')),
  domain: z.string().min(1),
  owner: z.looseObject({ team: z.string().nullish(), contact: z.string().nullish() }).nullish(),
  sensitivity: z.string().nullish(),
  description: z.string().nullish(),
  freshness: z.looseObject({ sla: z.string().nullish(), warn_lag_hours: hours, max_lag_hours: hours }),
  cadence: z.enum(['daily', 'hourly'], { error: 'must be daily or hourly' }),
  partition_key: z.string().min(1),
});

export type Contract = z.infer<typeof contractSchema>;
