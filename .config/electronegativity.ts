/**
 * `npm run security`: scans the built app (`out/`) with Doyensec's electronegativity for Electron
 * security misconfigurations, writes the CSV report to `test-results/electronegativity.csv`, and
 * fails on any finding that `.config/electronegativity-allow.json` does not list. Each entry there
 * is a reviewed finding with its justification; an entry nothing matches any more is reported so
 * the list stays honest.
 *
 * Two things make the scan see all of `out/` (electronegativity 1.10 would skip files silently):
 * - its AST walker does not know ES2020+ syntax (`#private` fields, `?.`, `??`) and drops a whole
 *   file on the first such node, so each script is lowered to ES2019 with TypeScript first;
 * - it scans `.js`, not `.cjs`, so the sandboxed preload (`index.cjs`) is scanned as `index.cjs.js`.
 * Findings name the files as in `out/`. Any file it still cannot scan fails the run.
 *
 * `-e 45.5.0` (the electronVersionOverride option): without it electronegativity fetches Electron's
 * release list, which this network does not allow, and scans nothing.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** The repository root; this file lives in `.config/`. */
const root = path.resolve(import.meta.dirname, '..');

/** The Electron version the checks assume (package.json's electron). */
export const electronVersion = '45.5.0';

/** One row of electronegativity's CSV report. */
export interface Finding {
  /** The check's id, e.g. `CONTEXT_ISOLATION_JS_CHECK`. */
  readonly check: string;
  readonly severity: string;
  readonly confidence: string;
  /** The file relative to `out/` (`main/index.js`), or `N/A` for a global check. */
  readonly file: string;
  readonly location: string;
  /** The code or markup the check matched. */
  readonly sample: string;
  readonly description: string;
}

/** A reviewed finding: which check on which file (and optionally which code), and why it is acceptable. */
export interface AllowEntry {
  readonly check: string;
  readonly file: string;
  /** A substring of the finding's sample; without it every finding of `check` in `file` is allowed. */
  readonly sample?: string;
  /** Why this is not a vulnerability in CertDesk: what protects it, and which test shows it. */
  readonly justification: string;
}

/** The file as in `out/` for a file of the scan copy (`preload/index.cjs.js` → `preload/index.cjs`). */
export function outName(scanned: string): string {
  return scanned.replaceAll('\\', '/').replace(/^\.?\//, '').replace(/\.cjs\.js$/, '.cjs');
}

/** An issue as electronegativity's runner returns it. */
export interface RunnerIssue {
  readonly id: string;
  readonly severity: { readonly name: string };
  readonly confidence: { readonly name: string };
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly sample?: string | null;
  readonly description: string;
}

/** The {@link Finding} of a runner issue, its file named as in `out/`. Pure. */
export function toFinding(issue: RunnerIssue): Finding {
  return {
    check: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file === 'N/A' ? issue.file : outName(issue.file),
    location: `${issue.location.line}:${issue.location.column}`,
    sample: issue.sample ?? '',
    description: issue.description,
  };
}

/**
 * The findings as CSV with electronegativity's columns (issue, severity, confidence, filename,
 * location, sample, description, url), every field quoted (RFC 4180). Written here rather than by
 * electronegativity 1.10, whose writer appends the rows and writes the header with two concurrent
 * asynchronous writes, so the header can truncate the first rows. Pure.
 */
export function toCsv(findings: ReadonlyArray<Finding>): string {
  const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;
  const rows = findings.map((f) =>
    [f.check, f.severity, f.confidence, f.file, f.location, f.sample, f.description, `https://github.com/doyensec/electronegativity/wiki/${f.check}`].map(quote).join(','),
  );
  return `${['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url'].join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}

/** Whether `entry` covers `finding`. */
function covers(entry: AllowEntry, finding: Finding): boolean {
  return entry.check === finding.check && entry.file === finding.file && (entry.sample === undefined || finding.sample.includes(entry.sample));
}

/**
 * Splits findings into those the allow-list covers and those it does not, and lists the entries
 * that cover nothing (stale). Pure.
 */
export function reviewFindings(findings: ReadonlyArray<Finding>, allow: ReadonlyArray<AllowEntry>): { readonly unlisted: Finding[]; readonly allowed: Finding[]; readonly unused: AllowEntry[] } {
  return {
    unlisted: findings.filter((f) => !allow.some((entry) => covers(entry, f))),
    allowed: findings.filter((f) => allow.some((entry) => covers(entry, f))),
    unused: allow.filter((entry) => !findings.some((f) => covers(entry, f))),
  };
}

/** Reads and checks the allow-list: every entry needs a check, a file and a real justification. */
export function parseAllowList(text: string): AllowEntry[] {
  const value = JSON.parse(text) as unknown;
  if (!Array.isArray(value)) throw new Error('Unable to read the allow-list, it is not a JSON array');
  return value.map((entry: unknown, index) => {
    const e = entry as Partial<Record<keyof AllowEntry, unknown>>;
    if (typeof e.check !== 'string' || typeof e.file !== 'string' || (e.sample !== undefined && typeof e.sample !== 'string')) {
      throw new Error(`Unable to read the allow-list, entry ${index + 1} needs "check" and "file" strings`);
    }
    if (typeof e.justification !== 'string' || e.justification.trim().length < 20) {
      throw new Error(`Unable to read the allow-list, entry ${index + 1} (${e.check} in ${e.file}) needs a justification`);
    }
    return { check: e.check, file: e.file, ...(e.sample === undefined ? {} : { sample: e.sample }), justification: e.justification };
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Copies `out/` for scanning: scripts lowered to ES2019 (`.cjs` as `.cjs.js`), HTML and JSON as they are. */
async function prepareScan(outDir: string, scanDir: string): Promise<void> {
  await rm(scanDir, { recursive: true, force: true });
  for (const file of await filesUnder(outDir)) {
    const source = path.join(outDir, file);
    if (/\.(c|m)?js$/.test(file)) {
      const lowered = ts.transpileModule(await readFile(source, 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2019, module: ts.ModuleKind.ESNext, allowJs: true },
        fileName: file,
      }).outputText;
      const target = path.join(scanDir, file.endsWith('.cjs') ? `${file}.js` : file.replace(/\.mjs$/, '.js'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, lowered);
    } else if (/\.(html|json)$/.test(file)) {
      const target = path.join(scanDir, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await readFile(source));
    }
  }
}

/** What electronegativity's runner returns when not run as its CLI. */
interface RunnerResult {
  readonly errors: ReadonlyArray<{ readonly file: string; readonly message: string; readonly tolerable: boolean }>;
  readonly issues: ReadonlyArray<RunnerIssue>;
}

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<RunnerResult>;

async function main(): Promise<number> {
  const outDir = path.join(root, 'out');
  const reportDir = path.join(root, 'test-results');
  const scanDir = path.join(reportDir, 'electronegativity-scan');
  const csv = path.join(reportDir, 'electronegativity.csv');
  await prepareScan(outDir, scanDir);

  // Its messages are translated with i18n by LANG, and come out empty for a LANG it does not know.
  process.env.LANG = 'en-US';
  const require = createRequire(import.meta.url);
  const run = require('@doyensec/electronegativity/dist/runner.js') as Runner;
  const result = await run(
    { input: scanDir, isSarif: false, isRelative: true, customScan: [], excludeFromScan: [], electronVersionOverride: electronVersion, parserPlugins: [] },
    false,
  );
  const failedFiles = result.errors.filter((e) => !e.tolerable);
  for (const error of failedFiles) console.error(`electronegativity could not scan ${outName(path.relative(scanDir, error.file))}: ${error.message}`);

  const findings = result.issues.map(toFinding);
  await writeFile(csv, toCsv(findings));
  const allow = parseAllowList(await readFile(path.join(root, '.config/electronegativity-allow.json'), 'utf8'));
  const { unlisted, allowed, unused } = reviewFindings(findings, allow);
  console.log(`electronegativity ${electronVersion}: ${findings.length} findings in out/, ${allowed.length} reviewed (.config/electronegativity-allow.json), ${unlisted.length} not reviewed. Report: ${path.relative(root, csv)}`);
  for (const f of unlisted) console.error(`NOT REVIEWED ${f.check} (${f.severity}, ${f.confidence}) ${f.file}:${f.location}: ${f.description}\n    ${f.sample.slice(0, 200)}`);
  for (const entry of unused) console.warn(`stale allow-list entry: ${entry.check} in ${entry.file}${entry.sample === undefined ? '' : ` ("${entry.sample}")`} matches no finding`);
  return unlisted.length > 0 || failedFiles.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await main();
}
