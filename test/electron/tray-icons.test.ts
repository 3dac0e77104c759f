import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iconFileName, iconSizes, iconStates, renderIcon, scanlines } from '../../assets/tray/generate-icons.ts';

const trayDir = path.resolve(import.meta.dirname, '../../assets/tray');

/** The IHDR fields and the inflated IDAT data of a PNG file. */
function readPng(png: Buffer): { width: number; height: number; depth: number; colourType: number; data: Buffer } {
  expect(png.subarray(0, 8)).toStrictEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (header === undefined) throw new Error('no IHDR');
  return { width: header.readUInt32BE(0), height: header.readUInt32BE(4), depth: header[8] ?? 0, colourType: header[9] ?? 0, data: inflateSync(Buffer.concat(idat)) };
}

describe('tray icons', () => {
  const expected = iconStates.flatMap((state) => iconSizes.flatMap((size) => [false, true].map((template) => ({ state, size, template, file: iconFileName(state, size, template) }))));

  it('are exactly the generated files: 4 states × 16/32 px × colour/template', async () => {
    const files = (await readdir(trayDir)).filter((f) => f.endsWith('.png')).sort();
    expect(files).toEqual(expected.map((e) => e.file).sort());
    expect(files).toContain('okTemplate@2x.png');
  });

  it.each(expected)('$file is what generate-icons.ts draws ($size px RGBA)', async ({ state, size, template, file }) => {
    const png = readPng(await readFile(path.join(trayDir, file)));
    expect({ width: png.width, height: png.height, depth: png.depth, colourType: png.colourType }).toEqual({ width: size, height: size, depth: 8, colourType: 6 });
    expect(png.data.equals(scanlines(renderIcon(state, size, template), size))).toBe(true);
  });

  it('makes template images black with alpha only, as macOS requires', () => {
    for (const state of iconStates) {
      const pixels = renderIcon(state, 32, true);
      for (let i = 0; i < pixels.length; i += 4) expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([0, 0, 0]);
      expect(pixels.some((_, i) => i % 4 === 3 && pixels[i] === 255)).toBe(true);
    }
  });
});
