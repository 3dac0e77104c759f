import { describe, expect, it } from 'vitest';
import type { CertificateSummaryDto } from '../../../../preload/contract.ts';
import {
  caFilterOptions,
  certificateFacts,
  createVisibleIdsSelector,
  defaultDashboardView,
  expiryPeriodOf,
  healthCounts,
  isFiltered,
  issuerName,
  matchesQuery,
  normalizeQuery,
  periodCounts,
  renewalTimeMs,
  unicodeDomain,
  visibleCertificateIds,
  type DashboardView,
  type ViewInput,
} from '../../../../renderer/store/dashboard-view.ts';
import type { OrderProgress } from '../../../../renderer/store/order-progress.ts';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const day = 24 * 60 * 60 * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A managed 90-day certificate with `daysLeft` to go (undefined: never obtained). */
function cert(id: string, domains: ReadonlyArray<string>, daysLeft: number | undefined, extra: Partial<CertificateSummaryDto> = {}): CertificateSummaryDto {
  return {
    id,
    domains,
    ca: 'letsencrypt',
    status: daysLeft === undefined ? 'none' : 'valid',
    ...(daysLeft === undefined ? {} : { notBefore: iso(now + (daysLeft - 90) * day), notAfter: iso(now + daysLeft * day), renewAt: iso(now + (daysLeft - 30) * day) }),
    ...extra,
  };
}

const fleet: ReadonlyArray<CertificateSummaryDto> = [
  cert('shop', ['shop.example.com', 'www.shop.example.com'], 40),
  cert('api', ['api.example.com'], 10),
  cert('muenchen', ['xn--mnchen-3ya.de', 'www.xn--mnchen-3ya.de'], 70, { ca: 'zerossl' }),
  cert('mail', ['mail.example.org'], 20, { status: 'failing', nextAttemptAt: iso(now + 3_600_000) }),
  cert('old', ['old.example.net'], -2, { status: 'expired' }),
  cert('stopped', ['legacy.example.net'], 30, { status: 'stopped' }),
  cert('new', ['new.example.com'], undefined),
  cert('web10', ['web10.example.com'], 40),
  cert('web2', ['web2.example.com'], 40),
  {
    id: 'monitor-intranet',
    domains: ['intranet.corp.example'],
    monitored: 'tls',
    endpoint: { host: 'intranet.corp.example', port: 8443, deployed: 'same' },
    status: 'valid',
    notBefore: iso(now - 300 * day),
    notAfter: iso(now + 65 * day),
    issuer: 'CN=Corp Root CA, O=Example Corp',
  },
];

const certificates = Object.fromEntries(fleet.map((summary) => [summary.id, summary]));
const certificateIds = fleet.map((summary) => summary.id);

function visible(view: Partial<DashboardView>, progress: Readonly<Record<string, OrderProgress>> = {}, at = now): ReadonlyArray<string> {
  return visibleCertificateIds({ certificates, certificateIds, progress, view: { ...defaultDashboardView, ...view }, nowMs: at });
}

describe('visibleCertificateIds: sort', () => {
  it.each<readonly [DashboardView['sort'], ReadonlyArray<string>]>([
    // Soonest expiry first; "new" has no expiry and goes last.
    ['expiry', ['old', 'api', 'mail', 'stopped', 'shop', 'web2', 'web10', 'monitor-intranet', 'muenchen', 'new']],
    // By the first name as read (münchen.de sorts as "m…"), numbers in numeric order (web2 before web10).
    ['name', ['api', 'monitor-intranet', 'stopped', 'mail', 'muenchen', 'new', 'old', 'shop', 'web2', 'web10']],
    // Needs attention, expired, retrying, expiring, (renewing), not obtained, valid; ties by expiry.
    ['status', ['stopped', 'old', 'mail', 'api', 'new', 'shop', 'web2', 'web10', 'monitor-intranet', 'muenchen']],
  ])('by %s', (sort, expected) => {
    expect(visible({ sort })).toEqual(expected);
  });

  it('puts certificates with an order running among "renewing" in the status sort', () => {
    expect(visible({ sort: 'status' }, { web2: { step: 'finalizing', since: iso(now) } }).indexOf('web2')).toBe(4);
  });

  it('breaks ties by name and then id, so equal certificates keep their places', () => {
    const twins = [cert('b-id', ['same.example.com'], 40), cert('a-id', ['same.example.com'], 40), cert('c-id', ['Same.Example.com'], 40)];
    const input: ViewInput = {
      certificates: Object.fromEntries(twins.map((summary) => [summary.id, summary])),
      certificateIds: twins.map((summary) => summary.id),
      progress: {},
      view: defaultDashboardView,
      nowMs: now,
    };
    for (const sort of ['expiry', 'name', 'status'] as const) {
      expect(visibleCertificateIds({ ...input, view: { ...defaultDashboardView, sort } })).toEqual(['a-id', 'b-id', 'c-id']);
      expect(visibleCertificateIds({ ...input, certificateIds: [...input.certificateIds].reverse(), view: { ...defaultDashboardView, sort } })).toEqual(['a-id', 'b-id', 'c-id']);
    }
  });

  it('skips ids without a summary', () => {
    expect(visibleCertificateIds({ certificates, certificateIds: ['ghost', 'api'], progress: {}, view: defaultDashboardView, nowMs: now })).toEqual(['api']);
  });
});

describe('visibleCertificateIds: search', () => {
  it.each<readonly [string, ReadonlyArray<string>]>([
    ['', ['old', 'api', 'mail', 'stopped', 'shop', 'web2', 'web10', 'monitor-intranet', 'muenchen', 'new']],
    ['shop', ['shop']],
    ['WWW.SHOP', ['shop']],
    ['www.', ['shop', 'muenchen']],
    // Both forms of an IDN: the Unicode text and the punycode.
    ['münchen', ['muenchen']],
    ['MÜNCHEN.DE', ['muenchen']],
    ['xn--mnchen', ['muenchen']],
    // A trailing root dot and surrounding spaces are ignored.
    ['  api.example.com.  ', ['api']],
    // Every word must match.
    ['example .net', ['old', 'stopped']],
    ['example.org', ['mail']],
    // The id and a monitored endpoint's host are searched too.
    ['monitor-intra', ['monitor-intranet']],
    ['corp.example', ['monitor-intranet']],
    ['nothing-like-this', []],
  ])('%j', (query, expected) => {
    expect(visible({ query })).toEqual(expected);
  });
});

describe('visibleCertificateIds: filters', () => {
  it.each<readonly [DashboardView['status'], ReadonlyArray<string>]>([
    ['all', ['old', 'api', 'mail', 'stopped', 'shop', 'web2', 'web10', 'monitor-intranet', 'muenchen', 'new']],
    ['health:failing', ['old', 'mail', 'stopped']],
    ['health:expiring', ['api']],
    ['health:ok', ['shop', 'web2', 'web10', 'monitor-intranet', 'muenchen']],
    ['health:pending', ['new']],
    ['state:renewing', []],
    ['state:retrying', ['mail']],
    ['state:attention', ['stopped']],
    ['state:expired', ['old']],
  ])('status %s', (status, expected) => {
    expect(visible({ status })).toEqual(expected);
  });

  it('filters "renewing" by the orders running now', () => {
    expect(visible({ status: 'state:renewing' }, { shop: { step: 'creating_order', since: iso(now) } })).toEqual(['shop']);
  });

  it('moves a certificate into "expiring" as time passes', () => {
    expect(visible({ status: 'health:expiring' }, {}, now + 27 * day)).toEqual(['api', 'shop', 'web2', 'web10']);
  });

  it.each<readonly [DashboardView['ca'], ReadonlyArray<string>]>([
    ['all', ['old', 'api', 'mail', 'stopped', 'shop', 'web2', 'web10', 'monitor-intranet', 'muenchen', 'new']],
    ['ca:zerossl', ['muenchen']],
    ['ca:letsencrypt', ['old', 'api', 'mail', 'stopped', 'shop', 'web2', 'web10', 'new']],
    ['monitored', ['monitor-intranet']],
    ['ca:no-such-account', []],
  ])('CA %s', (ca, expected) => {
    expect(visible({ ca })).toEqual(expected);
  });

  it('combines the search, both filters and the sort', () => {
    expect(visible({ query: 'example.com', status: 'health:ok', ca: 'ca:letsencrypt', sort: 'name' })).toEqual(['shop', 'web2', 'web10']);
  });
});

describe('createVisibleIdsSelector', () => {
  const base: ViewInput = { certificates, certificateIds, progress: {}, view: defaultDashboardView, nowMs: now };

  it('returns the same array while nothing it reads changed', () => {
    const select = createVisibleIdsSelector();
    const first = select(base);
    expect(select({ ...base, view: { ...defaultDashboardView } })).toBe(first);
    // The search text compares normalised: spaces and case do not redo the work.
    const searched = select({ ...base, view: { ...defaultDashboardView, query: 'shop' } });
    expect(select({ ...base, view: { ...defaultDashboardView, query: ' SHOP ' } })).toBe(searched);
  });

  it('ignores the time and the running orders while no status filter or sort needs them', () => {
    const select = createVisibleIdsSelector();
    const first = select(base);
    expect(select({ ...base, nowMs: now + 60_000, progress: { shop: { step: 'finalizing', since: iso(now) } } })).toBe(first);
  });

  it('works again when the certificates, the time (with a status filter) or the view change', () => {
    const select = createVisibleIdsSelector();
    const first = select(base);
    expect(select({ ...base, certificates: { ...certificates } })).not.toBe(first);
    const filtered = select({ ...base, view: { ...defaultDashboardView, status: 'health:expiring' } });
    expect(filtered).toEqual(['api']);
    expect(select({ ...base, view: { ...defaultDashboardView, status: 'health:expiring' }, nowMs: now + 27 * day })).toEqual(['api', 'shop', 'web2', 'web10']);
  });
});

describe('certificate facts', () => {
  it('reads an IDN’s first name in Unicode and counts the other names', () => {
    const facts = certificateFacts(certificates['muenchen'] as CertificateSummaryDto);
    expect(facts.name).toBe('münchen.de');
    expect(facts.otherNames).toBe(1);
    expect(facts.caKey).toBe('ca:zerossl');
  });

  it('is computed once per summary object', () => {
    const summary = certificates['shop'] as CertificateSummaryDto;
    expect(certificateFacts(summary)).toBe(certificateFacts(summary));
    expect(certificateFacts({ ...summary })).not.toBe(certificateFacts(summary));
  });

  it('names a certificate without domains by its id', () => {
    expect(certificateFacts({ id: 'bare', domains: [], status: 'none' }).name).toBe('bare');
  });

  it.each([
    ['xn--mnchen-3ya.de', 'münchen.de'],
    ['*.xn--mnchen-3ya.de', '*.münchen.de'],
    ['xn--fsqu00a.xn--0zwm56d', '例子.测试'],
    ['example.com', 'example.com'],
    ['xn--broken-.example', 'xn--broken-.example'],
  ])('unicodeDomain(%s) = %s', (domain, expected) => {
    expect(unicodeDomain(domain)).toBe(expected);
  });

  it.each<readonly [string | undefined, string | undefined]>([
    ["C=US, O=Let's Encrypt, CN=E6", "Let's Encrypt E6"],
    ["CN=R11,O=Let's Encrypt,C=US", "Let's Encrypt R11"],
    ['C=AT, O=ZeroSSL, CN=ZeroSSL ECC Domain Secure Site CA', 'ZeroSSL ECC Domain Secure Site CA'],
    ['CN=Pebble Intermediate CA 5a3b1c', 'Pebble Intermediate CA 5a3b1c'],
    ['O=Example Corp', 'Example Corp'],
    ['O=Example\\, Inc., CN=Example Issuing CA', 'Example, Inc. Example Issuing CA'],
    ['something unparsable', 'something unparsable'],
    ['', undefined],
    [undefined, undefined],
  ])('issuerName(%j) = %j', (dn, expected) => {
    expect(issuerName(dn)).toBe(expected);
  });

  it('normalises a query and matches every word', () => {
    expect(normalizeQuery('  Shop.Example.COM. ')).toBe('shop.example.com');
    expect(matchesQuery(certificates['shop'] as CertificateSummaryDto, 'shop www')).toBe(true);
    expect(matchesQuery(certificates['shop'] as CertificateSummaryDto, 'shop api')).toBe(false);
  });

  it('says when the view hides anything', () => {
    expect(isFiltered(defaultDashboardView)).toBe(false);
    expect(isFiltered({ ...defaultDashboardView, sort: 'name' })).toBe(false);
    expect(isFiltered({ ...defaultDashboardView, query: '  ' })).toBe(false);
    expect(isFiltered({ ...defaultDashboardView, query: 'x' })).toBe(true);
    expect(isFiltered({ ...defaultDashboardView, status: 'health:ok' })).toBe(true);
    expect(isFiltered({ ...defaultDashboardView, ca: 'monitored' })).toBe(true);
  });
});

describe('healthCounts', () => {
  it('counts as the tray does, with the renewing ones and the total', () => {
    expect(healthCounts(certificates, certificateIds, { shop: { step: 'finalizing', since: iso(now) } }, now)).toEqual({
      ok: 5,
      expiring: 1,
      failing: 3,
      pending: 1,
      renewing: 1,
      total: 10,
    });
  });

  it('counts nothing for nothing, and skips ids without a summary', () => {
    expect(healthCounts({}, ['ghost'], {}, now)).toEqual({ ok: 0, expiring: 0, failing: 0, pending: 0, renewing: 0, total: 0 });
  });
});

describe('caFilterOptions', () => {
  it('lists the accounts in use A–Z, then monitor-only', () => {
    expect(caFilterOptions(certificates, certificateIds)).toEqual(['ca:letsencrypt', 'ca:zerossl', 'monitored']);
  });

  it('offers no monitor-only choice without monitored certificates', () => {
    expect(caFilterOptions(certificates, ['shop', 'muenchen'])).toEqual(['ca:letsencrypt', 'ca:zerossl']);
  });
});

describe('periods', () => {
  it.each<readonly [number, string]>([
    [-1, 'expired'],
    [0, 'expired'],
    [0.5, 'week'],
    [6.9, 'week'],
    [7, 'twoWeeks'],
    [13.9, 'twoWeeks'],
    [14, 'month'],
    [29, 'month'],
    [30, 'twoMonths'],
    [60, 'threeMonths'],
    [89, 'threeMonths'],
    [90, 'later'],
    [400, 'later'],
  ])('%d days from now is in %s', (days, period) => {
    expect(expiryPeriodOf(now + days * day, now)).toBe(period);
  });

  it('counts expiries and renewals per period; a retry counts at its attempt time; monitored ones never renew', () => {
    expect(periodCounts(certificates, certificateIds, now)).toEqual([
      { period: 'expired', expiring: 1, renewals: 3 },
      { period: 'week', expiring: 0, renewals: 1 },
      { period: 'twoWeeks', expiring: 1, renewals: 3 },
      { period: 'month', expiring: 1, renewals: 0 },
      { period: 'twoMonths', expiring: 4, renewals: 1 },
      { period: 'threeMonths', expiring: 2, renewals: 0 },
      { period: 'later', expiring: 0, renewals: 0 },
    ]);
  });

  it('reads the renewal time of each kind of certificate', () => {
    expect(renewalTimeMs(certificates['shop'] as CertificateSummaryDto)).toBe(now + 10 * day);
    expect(renewalTimeMs(certificates['mail'] as CertificateSummaryDto)).toBe(now + 3_600_000);
    expect(renewalTimeMs(certificates['monitor-intranet'] as CertificateSummaryDto)).toBeNaN();
    expect(renewalTimeMs(certificates['new'] as CertificateSummaryDto)).toBeNaN();
  });
});
