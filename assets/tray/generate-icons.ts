/**
 * Draws CertDesk's tray icons and writes them as PNG files next to this script:
 * `node assets/tray/generate-icons.ts`. Pure Node (zlib), no downloads; the committed PNGs are its
 * output, and test/electron/tray-icons.test.ts checks that they still are.
 *
 * One icon per tray state (`ok`, `expiring`, `failing`, `empty`), each at 16×16 and 32×32 (`@2x`,
 * which Electron picks on HiDPI screens):
 * - `<state>.png`: colour icons for Windows and Linux — a disc in the state's colour with a white
 *   glyph (check, exclamation mark, cross), and a grey ring for `empty`;
 * - `<state>Template.png`: macOS template images — black and alpha only, the glyph cut out of the
 *   disc, so the menu bar tints them for light and dark mode.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

/** A tray state with an icon. */
export type IconState = 'ok' | 'expiring' | 'failing' | 'empty';

/** Every state, in the order the files are written. */
export const iconStates: ReadonlyArray<IconState> = ['ok', 'expiring', 'failing', 'empty'];

/** The pixel sizes written: 16 (1×) and 32 (`@2x`). */
export const iconSizes: ReadonlyArray<16 | 32> = [16, 32];

type Rgb = readonly [number, number, number];

/** Colours chosen to read on light and dark taskbars (WCAG contrast ≥ 3:1 against both greys). */
const fills: Readonly<Record<IconState, Rgb>> = {
  ok: [0x2e, 0x9e, 0x4f],
  expiring: [0xe0, 0x9b, 0x00],
  failing: [0xd9, 0x3a, 0x3a],
  empty: [0x8a, 0x8a, 0x8a],
};

/** A point in icon units: 0..1 across the icon. */
type Point = readonly [number, number];

/** The disc's radius in icon units: leaves half a pixel of air at 16 px so the edge anti-aliases cleanly. */
const discRadius = 0.46;

/** Glyph strokes as segments with a stroke width, and dots (centre, radius), in icon units. */
const glyphs: Readonly<Record<IconState, { readonly segments: ReadonlyArray<readonly [Point, Point]>; readonly width: number; readonly dots: ReadonlyArray<readonly [Point, number]> }>> = {
  ok: { segments: [[[0.27, 0.52], [0.43, 0.68]], [[0.43, 0.68], [0.73, 0.35]]], width: 0.13, dots: [] },
  expiring: { segments: [[[0.5, 0.24], [0.5, 0.56]]], width: 0.14, dots: [[[0.5, 0.74], 0.085]] },
  failing: { segments: [[[0.33, 0.33], [0.67, 0.67]], [[0.67, 0.33], [0.33, 0.67]]], width: 0.13, dots: [] },
  empty: { segments: [], width: 0, dots: [] },
};

/** The empty state's ring: its middle radius and its width, in icon units. */
const ring = { radius: 0.38, width: 0.13 };

/** Samples per pixel edge (4×4 = 16 per pixel): enough for smooth edges at 16 px. */
const supersample = 4;

function distanceToSegment(p: Point, [a, b]: readonly [Point, Point]): number {
  const [px, py] = p;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
}

function inGlyph(state: IconState, p: Point): boolean {
  const glyph = glyphs[state];
  return glyph.segments.some((segment) => distanceToSegment(p, segment) <= glyph.width / 2) || glyph.dots.some(([c, r]) => Math.hypot(p[0] - c[0], p[1] - c[1]) <= r);
}

/**
 * The icon of `state` at `size` pixels as RGBA bytes, row by row (no PNG filter bytes). Colour icons
 * are premultiplied while sampling and stored straight; template icons are black with alpha.
 */
export function renderIcon(state: IconState, size: number, template: boolean): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const fill = fills[state];
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let alpha = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < supersample; sy += 1) {
        for (let sx = 0; sx < supersample; sx += 1) {
          const p: Point = [(x + (sx + 0.5) / supersample) / size, (y + (sy + 0.5) / supersample) / size];
          const d = Math.hypot(p[0] - 0.5, p[1] - 0.5);
          const covered = state === 'empty' ? Math.abs(d - ring.radius) <= ring.width / 2 : d <= discRadius;
          if (!covered) continue;
          const glyph = inGlyph(state, p);
          if (template) {
            if (!glyph) alpha += 1;
            continue;
          }
          alpha += 1;
          const colour = glyph ? ([255, 255, 255] as const) : fill;
          r += colour[0];
          g += colour[1];
          b += colour[2];
        }
      }
      const offset = (y * size + x) * 4;
      const samples = supersample * supersample;
      pixels[offset + 3] = Math.round((alpha / samples) * 255);
      if (!template && alpha > 0) {
        pixels[offset] = Math.round(r / alpha);
        pixels[offset + 1] = Math.round(g / alpha);
        pixels[offset + 2] = Math.round(b / alpha);
      }
    }
  }
  return pixels;
}

/** The PNG scanlines of RGBA `pixels`: each row prefixed with filter type 0 (none). */
export function scanlines(pixels: Buffer, size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) rows.push(Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4));
  return Buffer.concat(rows);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes square RGBA `pixels` as a PNG (8-bit RGBA, no interlace). */
export function encodePng(pixels: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines(pixels, size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The file name of an icon: `ok.png`, `ok@2x.png`, `okTemplate.png`, `okTemplate@2x.png`. */
export function iconFileName(state: IconState, size: 16 | 32, template: boolean): string {
  return `${state}${template ? 'Template' : ''}${size === 32 ? '@2x' : ''}.png`;
}

/** Writes every icon into `dir`. */
export async function writeIcons(dir: string): Promise<void> {
  for (const state of iconStates) {
    for (const size of iconSizes) {
      for (const template of [false, true]) {
        await writeFile(path.join(dir, iconFileName(state, size, template)), encodePng(renderIcon(state, size, template), size));
      }
    }
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await writeIcons(import.meta.dirname);
}
