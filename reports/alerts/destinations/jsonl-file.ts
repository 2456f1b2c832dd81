/**
 * Appends each notification as one JSON line to a file (always available; a history other tools
 * can tail). Each line carries `idempotency_key`: after a crash between the append and the outbox
 * update, the line may appear twice with the same key, and readers keep one.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import { DeliveryError } from '../errors.js';
import { type Destination, publicPayload } from './destination.js';
import { routingFilter } from './routing.js';

type JsonlConfig = Extract<AlertDestinationConfig, { type: 'jsonl' }>;

export function jsonlFileDestination(config: JsonlConfig, path: string): Destination {
  return {
    name: config.name ?? 'jsonl',
    type: 'jsonl',
    accepts: routingFilter(config),
    async send(notification) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${JSON.stringify(publicPayload(notification))}\n`);
      } catch (cause) {
        throw new DeliveryError(`cannot append to ${path}`, false, { cause, context: { file: path } });
      }
    },
  };
}
