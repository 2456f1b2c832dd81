/**
 * The digest-signing public keys from the CloudTrail ListPublicKeys API, when the trail has no
 * `public-keys.json` beside it. Keys differ per region: every configured region is asked. A region
 * that fails leaves its digests unverified (reported), it does not stop the ingest.
 */
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import type { AwsAccess } from '../aws/clients.js';

export async function listPublicKeysFor(access: AwsAccess, account: string, regions: readonly string[]): Promise<unknown> {
  const PublicKeyList: { Value: string; Fingerprint: string }[] = [];
  for (const region of regions) {
    const client = new CloudTrailClient(access.clientConfig(account, region));
    try {
      let token: string | undefined;
      do {
        const page = await client.send(new ListPublicKeysCommand({ ...(token ? { NextToken: token } : {}) }));
        for (const key of page.PublicKeyList ?? []) {
          if (key.Value && key.Fingerprint) {
            PublicKeyList.push({ Value: Buffer.from(key.Value).toString('base64'), Fingerprint: key.Fingerprint });
          }
        }
        token = page.NextToken;
      } while (token);
    } catch {
      // No keys from this region: its digests are reported as unverified with the reason.
    } finally {
      client.destroy();
    }
  }
  return { PublicKeyList };
}
