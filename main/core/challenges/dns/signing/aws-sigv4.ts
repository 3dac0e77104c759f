import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * AWS Signature Version 4 for CertDesk's Route 53 calls, through AWS's own signer
 * (`@smithy/signature-v4`, what the AWS SDK for JavaScript v3 uses) so that the canonicalisation
 * rules are AWS's, not ours. This module only adapts it: a SHA-256 over node:crypto, a `URL` in,
 * plain headers out.
 */

/** An IAM access key, optionally with the session token of temporary (STS) credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Sent and signed as `X-Amz-Security-Token` when present. */
  readonly sessionToken?: string | undefined;
}

/** One request to sign. */
export interface AwsRequestToSign {
  readonly method: string;
  /** The full request URL; its host (port included unless default) is signed as `host`. */
  readonly url: URL;
  /** Headers to send and sign (any case), besides those the signer adds. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body as sent (UTF-8); `''` or absent for none. */
  readonly body?: string;
}

/** Where and when to sign. */
export interface AwsSigningScope {
  readonly credentials: AwsCredentials;
  /** The signing region (`us-east-1` for Route 53, a global service). */
  readonly region: string;
  /** The signing service name (`route53`). */
  readonly service: string;
  /** The signing time; default now. */
  readonly date?: Date | undefined;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * The SHA-256 / HMAC-SHA256 the signer asks for (its `HashConstructor` contract: with a secret it is
 * an HMAC, without a plain hash; `digest()` resolves the raw bytes), over node:crypto.
 */
class NodeSha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }

  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    const chunk = toBuffer(data);
    if (typeof chunk === 'string') this.hash.update(chunk, encoding ?? 'utf8');
    else this.hash.update(chunk);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/**
 * Signs `request` with SigV4 and resolves the headers to send: the given ones plus `X-Amz-Date`,
 * `Authorization` and, for temporary credentials, `X-Amz-Security-Token`. `host` is signed from the
 * URL but left out of the result: the HTTP client sends it from the same URL. No
 * `X-Amz-Content-Sha256` is added (only S3 and Glacier want it). Rejects only on a malformed scope
 * (the signer validates the credentials' shape); never includes the secret key in anything.
 */
export async function signAwsRequest(request: AwsRequestToSign, scope: AwsSigningScope): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: scope.credentials.sessionToken === undefined
      ? { accessKeyId: scope.credentials.accessKeyId, secretAccessKey: scope.credentials.secretAccessKey }
      : { accessKeyId: scope.credentials.accessKeyId, secretAccessKey: scope.credentials.secretAccessKey, sessionToken: scope.credentials.sessionToken },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const port = request.url.port === '' ? undefined : Number(request.url.port);
  const signed = await signer.sign({
    method: request.method.toUpperCase(),
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    ...(port === undefined ? {} : { port }),
    path: request.url.pathname,
    query,
    headers: { ...request.headers, host: request.url.host },
    body: request.body ?? '',
  }, { signingDate: scope.date ?? new Date() });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  return headers;
}
