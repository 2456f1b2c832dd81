/** Tiny XML helpers for the query and REST-XML protocols the fake speaks. */

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The query protocol's error body (STS, SNS, CloudWatch query). */
export function queryErrorXml(code: string, message: string, requestId: string, type = 'Sender'): string {
  return `<ErrorResponse><Error><Type>${type}</Type>${element('Code', code)}${element('Message', message)}</Error>${element(
    'RequestId',
    requestId,
  )}</ErrorResponse>`;
}

/** S3's REST-XML error body. */
export function s3ErrorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([name, value]) => element(name, value))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element('Code', code)}${element('Message', message)}${fields}${element(
    'RequestId',
    requestId,
  )}</Error>`;
}
