import { describe, expect, it } from 'vitest';
import { signAwsRequest } from '../../../../../../../main/core/challenges/dns/signing/aws-sigv4.ts';

/**
 * AWS's "Signature Version 4 test suite" (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html;
 * the suite's files are mirrored at docs.rs/crate/scratchstack-aws-signature/latest/source/src/aws-sig-v4-test-suite/):
 * every case signs for this key, region, service and time.
 */
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
};

/** The suite's `post-sts-token/readme.txt` example session token. */
const STS_TOKEN = 'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

const CREDENTIAL = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

describe('signAwsRequest', () => {
  it('matches the suite\'s get-vanilla case (get-vanilla.authz)', async () => {
    const headers = await signAwsRequest({ method: 'GET', url: new URL('https://example.amazonaws.com/') }, SUITE);
    expect(headers).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization: `${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    });
  });

  it('matches get-vanilla-query-order-key-case: the query is signed sorted', async () => {
    const headers = await signAwsRequest({ method: 'GET', url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1') }, SUITE);
    expect(headers.authorization).toBe(`${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`);
  });

  it('matches post-sts-header-before: the session token is sent and signed', async () => {
    const headers = await signAwsRequest(
      { method: 'POST', url: new URL('https://example.amazonaws.com/') },
      { ...SUITE, credentials: { ...SUITE.credentials, sessionToken: STS_TOKEN } },
    );
    expect(headers['x-amz-security-token']).toBe(STS_TOKEN);
    expect(headers.authorization).toBe(`${CREDENTIAL}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`);
  });

  it('signs the given headers and the body, and never puts the secret key in a header', async () => {
    const request = { method: 'POST', url: new URL('https://127.0.0.1:8443/2013-04-01/hostedzone/Z1/rrset/'), headers: { 'Content-Type': 'text/xml' }, body: '<a/>' };
    const headers = await signAwsRequest(request, SUITE);
    expect(headers['Content-Type']).toBe('text/xml');
    expect(headers.authorization).toMatch(/SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(JSON.stringify(headers)).not.toContain(SUITE.credentials.secretAccessKey);
    const otherBody = await signAwsRequest({ ...request, body: '<b/>' }, SUITE);
    expect(otherBody.authorization).not.toBe(headers.authorization);
    const otherPort = await signAwsRequest({ ...request, url: new URL('https://127.0.0.1:8444/2013-04-01/hostedzone/Z1/rrset/') }, SUITE);
    expect(otherPort.authorization).not.toBe(headers.authorization);
  });
});
