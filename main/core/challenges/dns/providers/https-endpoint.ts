/**
 * The optional "API endpoint" field of the cloud providers (Cloudflare, Huawei Cloud DNS, Route 53;
 * Alibaba Cloud DNS and DNSPod take a bare one, see {@link checkBareHttpsEndpoint}): a base URL
 * replacing the vendor's public endpoint, for a private endpoint, another partition, or a test
 * server. Credentials travel to it, so only https is accepted.
 */

/**
 * Why `value` is not a usable endpoint, or `undefined` when it is: an absolute https: URL without a
 * user name, password, query or fragment (a path is kept as the API's base). Pure; used by the
 * credential fields and again when a provider is created.
 */
export function checkHttpsEndpoint(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL (e.g. https://dns.example.com)';
  }
  if (url.protocol !== 'https:') return 'it must start with https://';
  if (url.username !== '' || url.password !== '') return 'it must not contain a user name or password';
  if (url.search !== '' || url.hash !== '') return 'it must not contain a query or fragment';
  return undefined;
}

/**
 * Why `value` is not a usable bare endpoint, or `undefined` when it is: an absolute https: URL with
 * nothing after the host, for the APIs that sign the path `/` (Alibaba Cloud RPC, Tencent Cloud
 * API 3.0). `example` is the vendor's endpoint, quoted in the reason. Pure; English reasons.
 */
export function checkBareHttpsEndpoint(value: string, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:') return 'it must start with https://';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return `it must be the bare endpoint, with no path or query (e.g. ${example})`;
  return undefined;
}

/** `value` without trailing slashes, so that API paths (`/v2/zones`) can be appended. Pure. */
export function endpointBase(value: string): string {
  return value.replace(/\/+$/, '');
}
