/**
 * Signs webhook requests the way Slack and GitHub do, so a receiver can tell a notification from
 * meshwatch from a forged one and refuse a replayed one:
 *
 *   X-Meshwatch-Timestamp: <unix seconds when the request was made>
 *   X-Meshwatch-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * The timestamp is inside the signed text, so a receiver that rejects old timestamps (5 minutes is
 * usual) also rejects a captured request sent again later. `v1=` names the scheme, leaving room
 * for another without breaking receivers. The README's Security section has a verification example.
 */
import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-meshwatch-timestamp';
export const SIGNATURE_HEADER = 'x-meshwatch-signature';

export function signatureHeaders(secret: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${digest}` };
}
