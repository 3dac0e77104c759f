import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outName, parseAllowList, reviewFindings, toCsv, toFinding, type Finding } from '../../../.config/electronegativity.ts';

const finding = (check: string, file: string, sample = 'const window = new BrowserWindow({'): Finding => ({
  check,
  severity: 'HIGH',
  confidence: 'FIRM',
  file,
  location: '1:0',
  sample,
  description: 'Review the use of the contextIsolation option',
});

describe('reviewFindings', () => {
  const allow = [
    { check: 'CONTEXT_ISOLATION_JS_CHECK', file: 'main/index.js', sample: 'new BrowserWindow(', justification: 'webPreferences from secureWebPreferences()' },
    { check: 'CSP_GLOBAL_CHECK', file: 'renderer/index.html', justification: 'strict policy, app:// serves only the build' },
    { check: 'SANDBOX_JS_CHECK', file: 'main/old.js', justification: 'a file that no longer exists' },
  ];

  it('fails findings the list does not cover: another check, another file, another sample', () => {
    const findings = [
      finding('CONTEXT_ISOLATION_JS_CHECK', 'main/index.js'),
      finding('CONTEXT_ISOLATION_JS_CHECK', 'main/other.js'),
      finding('CONTEXT_ISOLATION_JS_CHECK', 'main/index.js', 'new BrowserView({'),
      finding('NODE_INTEGRATION_JS_CHECK', 'main/index.js'),
      finding('CSP_GLOBAL_CHECK', 'renderer/index.html', 'anything'),
    ];
    const review = reviewFindings(findings, allow);
    expect(review.allowed).toEqual([findings[0], findings[4]]);
    expect(review.unlisted).toEqual([findings[1], findings[2], findings[3]]);
    expect(review.unused).toEqual([allow[2]]);
  });

  it('passes when every finding is reviewed', () => {
    expect(reviewFindings([finding('CONTEXT_ISOLATION_JS_CHECK', 'main/index.js')], allow).unlisted).toEqual([]);
  });
});

describe('parseAllowList', () => {
  it('reads the committed list: every entry justified', async () => {
    const entries = parseAllowList(await readFile(path.resolve(import.meta.dirname, '../../../.config/electronegativity-allow.json'), 'utf8'));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.justification.length).toBeGreaterThan(40);
  });

  it.each([
    ['not an array', '{}', /not a JSON array/],
    ['no file', '[{"check":"X","justification":"because it is fine here, really"}]', /needs "check" and "file"/],
    ['no justification', '[{"check":"X","file":"main/index.js"}]', /needs a justification/],
    ['a token justification', '[{"check":"X","file":"main/index.js","justification":"ok"}]', /needs a justification/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseAllowList(text)).toThrow(message);
  });
});

describe('toFinding, outName and toCsv', () => {
  it('names files as in out/, the preload scanned as .cjs.js included', () => {
    expect(outName('preload/index.cjs.js')).toBe('preload/index.cjs');
    expect(outName('./main/index.js')).toBe('main/index.js');
    expect(toFinding({ id: 'X', severity: { name: 'LOW' }, confidence: { name: 'FIRM' }, file: 'N/A', location: { line: 0, column: 0 }, sample: null, description: 'd' }))
      .toEqual({ check: 'X', severity: 'LOW', confidence: 'FIRM', file: 'N/A', location: '0:0', sample: '', description: 'd' });
  });

  it('quotes every field, doubling quotes', () => {
    expect(toCsv([finding('X', 'main/index.js', 'a "b", c')])).toBe(
      'issue,severity,confidence,filename,location,sample,description,url\n' +
        '"X","HIGH","FIRM","main/index.js","1:0","a ""b"", c","Review the use of the contextIsolation option","https://github.com/doyensec/electronegativity/wiki/X"\n',
    );
  });
});
