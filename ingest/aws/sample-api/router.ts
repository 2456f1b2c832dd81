/**
 * Answers one API request from the recorded sample responses — the single routing logic behind
 * both file mode (in-process, no network) and the fake AWS service (over HTTP). It follows the
 * manifest contract in sample-logs/README.md: entry selection by request subset, paging by the
 * token each page carries, batch lookups by id and Cost Explorer periods narrowed to the request.
 */
import type { ManifestEntry, ResponseBody, SampleApiStore } from './manifest.js';

export interface SampleRequest {
  /** SDK client name (lakeformation, glue, athena, cost-explorer, organizations, cloudtrail). */
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  readonly params: Record<string, unknown>;
}

export type SampleAnswer =
  | { readonly kind: 'ok'; readonly body: ResponseBody; readonly matched: boolean }
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message: string };

const PAGING_KEYS = new Set(['NextToken', 'NextPageToken', 'MaxResults', 'MaxItems', 'PageSize']);

/** Cost Explorer pages by NextPageToken; everything else the sample records by NextToken. */
function tokenKeyFor(service: string): 'NextToken' | 'NextPageToken' {
  return service === 'cost-explorer' ? 'NextPageToken' : 'NextToken';
}

export async function answerSampleRequest(store: SampleApiStore, request: SampleRequest): Promise<SampleAnswer> {
  const entry = findEntry(store.entries, request);
  if (!entry) return { kind: 'ok', body: {}, matched: false };
  if (request.operation === 'BatchGetQueryExecution') return answerBatchQueryExecutions(store, entry, request);
  const pages = (await servedPages(store, entry, request)).map((page) => narrowPermissions(page, entry, request));
  return pageFor(pages, request.params[tokenKeyFor(request.service)], tokenKeyFor(request.service));
}

/** Resource keys each ListPermissions ResourceType filter keeps (as the real API filters). */
const PERMISSION_RESOURCE_KEYS: Record<string, readonly string[]> = {
  CATALOG: ['Catalog'],
  DATABASE: ['Database'],
  TABLE: ['Table', 'TableWithColumns'],
  DATA_LOCATION: ['DataLocation'],
  LF_TAG: ['LFTag'],
  LF_TAG_POLICY: ['LFTagPolicy'],
  LF_TAG_POLICY_DATABASE: ['LFTagPolicy'],
  LF_TAG_POLICY_TABLE: ['LFTagPolicy'],
};

/** A typed ListPermissions request answered from an untyped recording keeps only that type's grants. */
function narrowPermissions(page: ResponseBody, entry: ManifestEntry, request: SampleRequest): ResponseBody {
  const resourceType = request.params.ResourceType;
  if (request.operation !== 'ListPermissions' || typeof resourceType !== 'string' || entry.request.ResourceType) return page;
  const keys = PERMISSION_RESOURCE_KEYS[resourceType] ?? [];
  const policyType = resourceType.startsWith('LF_TAG_POLICY_') ? resourceType.slice('LF_TAG_POLICY_'.length) : undefined;
  const grants =
    (page.PrincipalResourcePermissions as { Resource?: Record<string, { ResourceType?: string }> }[] | undefined) ?? [];
  return {
    ...page,
    PrincipalResourcePermissions: grants.filter((grant) =>
      keys.some(
        (key) => grant.Resource?.[key] !== undefined && (!policyType || grant.Resource[key]?.ResourceType === policyType),
      ),
    ),
  };
}

function findEntry(entries: readonly ManifestEntry[], request: SampleRequest): ManifestEntry | undefined {
  let best: ManifestEntry | undefined;
  for (const entry of entries) {
    if (
      entry.service !== request.service ||
      entry.operation !== request.operation ||
      entry.account !== request.account ||
      entry.region !== request.region
    ) {
      continue;
    }
    if (!selects(entry, request)) continue;
    if (!best || Object.keys(entry.request).length > Object.keys(best.request).length) best = entry;
  }
  return best;
}

function selects(entry: ManifestEntry, request: SampleRequest): boolean {
  return Object.entries(entry.request ?? {}).every(([key, value]) => {
    if (PAGING_KEYS.has(key)) return true;
    // Cost Explorer entries cover the whole cost period; a narrower period is cut from them.
    if (request.service === 'cost-explorer' && key === 'TimePeriod') return true;
    return deepEqual(value, request.params[key]);
  });
}

/** Deep equality where lists of plain values compare as sets (Metrics order carries no meaning). */
export function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) return false;
    if (left.every((item) => typeof item !== 'object') && right.every((item) => typeof item !== 'object')) {
      const sortedLeft = [...left].map(String).sort();
      const sortedRight = [...right].map(String).sort();
      return sortedLeft.every((item, index) => item === sortedRight[index]);
    }
    return left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isRecord(left) && isRecord(right)) {
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => deepEqual(left[key], right[key]));
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entry's pages as this request sees them (Cost Explorer: only results inside its period). */
async function servedPages(store: SampleApiStore, entry: ManifestEntry, request: SampleRequest): Promise<ResponseBody[]> {
  const pages = await Promise.all(entry.pages.map((path) => store.readPage(path)));
  const period = request.params.TimePeriod as { Start?: string; End?: string } | undefined;
  if (request.service !== 'cost-explorer' || !period?.Start || !period.End) return pages;
  const narrowed = pages
    .map((page) => ({
      ...page,
      ResultsByTime: ((page.ResultsByTime as { TimePeriod?: { Start?: string } }[] | undefined) ?? []).filter((result) => {
        const start = result.TimePeriod?.Start ?? '';
        return start >= (period.Start as string) && start < (period.End as string);
      }),
    }))
    .filter((page) => page.ResultsByTime.length > 0);
  return narrowed.length > 0 ? narrowed : [{ ...pages[0], ResultsByTime: [] }];
}

/**
 * Page 1 without a token; otherwise the page after the one whose token was sent. The last page
 * served never carries a token, even when the recording had more pages that this request skips.
 */
function pageFor(pages: readonly ResponseBody[], token: unknown, tokenKey: string): SampleAnswer {
  let index = 0;
  if (token !== undefined && token !== null && token !== '') {
    const previous = pages.findIndex((page) => page[tokenKey] === token);
    if (previous < 0 || previous + 1 >= pages.length) {
      return { kind: 'error', status: 400, code: 'InvalidInputException', message: `invalid ${tokenKey}: ${String(token)}` };
    }
    index = previous + 1;
  }
  const page = { ...(pages[index] as ResponseBody) };
  if (index === pages.length - 1) delete page[tokenKey];
  return { kind: 'ok', body: page, matched: true };
}

/** The sample records every query of an account in one page; a batch request picks its ids from it. */
async function answerBatchQueryExecutions(
  store: SampleApiStore,
  entry: ManifestEntry,
  request: SampleRequest,
): Promise<SampleAnswer> {
  const asked = (request.params.QueryExecutionIds as string[] | undefined) ?? [];
  if (asked.length > 50) {
    return { kind: 'error', status: 400, code: 'InvalidRequestException', message: 'at most 50 QueryExecutionIds' };
  }
  const byId = new Map<string, unknown>();
  for (const path of entry.pages) {
    const page = await store.readPage(path);
    for (const execution of (page.QueryExecutions as { QueryExecutionId?: string }[] | undefined) ?? []) {
      if (execution.QueryExecutionId) byId.set(execution.QueryExecutionId, execution);
    }
  }
  const found = asked.filter((id) => byId.has(id));
  const missing = asked.filter((id) => !byId.has(id));
  return {
    kind: 'ok',
    matched: true,
    body: {
      QueryExecutions: found.map((id) => byId.get(id)),
      UnprocessedQueryExecutionIds: missing.map((id) => ({
        QueryExecutionId: id,
        ErrorCode: 'INVALID_INPUT',
        ErrorMessage: 'QueryExecution not found',
      })),
    },
  };
}
