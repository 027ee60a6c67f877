/**
 * A scannable barcode as a PNG image of a fixed size, drawn here by bwip-js (no network, no
 * native code). KOMOJU's Barcode resource documents its image as "width: 750px, height: 150px",
 * so the bars are drawn as wide as fit in 750 pixels with a quiet zone either side, and centred
 * on a white canvas of exactly that size (pngjs).
 *
 *   const png = await barcodePng('91999990000000000090865708838000261231000011002');
 *   // a 750×150 PNG whose GS1-128 symbol decodes to those digits
 */
export const BARCODE_WIDTH = 750;
export const BARCODE_HEIGHT = 150;

/** Bars are at least 10 modules clear of the edges (GS1-128's quiet zone is 10 modules). */
const QUIET_MODULES = 10;
/** Bar height in pixels; the rest of the 150 is the margin above and below. */
const BAR_PIXELS = 130;

/**
 * The PNG of `digits` (an even count, starting with a GS1 application identifier) as a GS1-128
 * symbol, `BARCODE_WIDTH`×`BARCODE_HEIGHT` pixels. The digits are not drawn: pages print them as text.
 */
export async function barcodePng(digits: string): Promise<Buffer> {
  if (!/^\d+$/.test(digits)) throw new Error('barcodePng takes digits only');
  // Loaded on the first barcode: bwip-js is 1.6 MB of JavaScript that a start would otherwise parse and hold.
  const [{ default: bwipjs }, { PNG }] = await Promise.all([import('bwip-js/node'), import('pngjs')]);
  const text = `(${digits.slice(0, 2)})${digits.slice(2)}`;
  const drawn = async (scale: number) =>
    PNG.sync.read(
      await bwipjs.toBuffer({
        bcid: 'gs1-128',
        text,
        scaleX: scale,
        scaleY: 1,
        height: BAR_PIXELS / 2.835, // bwip-js heights are millimetres at 72 dpi: 1 mm = 2.835 px
        backgroundcolor: 'FFFFFF',
      }),
    );
  // The widest whole-pixel module that leaves the quiet zones inside 750 pixels.
  const modules = (await drawn(1)).width;
  const scale = Math.max(1, Math.floor(BARCODE_WIDTH / (modules + 2 * QUIET_MODULES)));
  const symbol = await drawn(scale);
  if (symbol.width > BARCODE_WIDTH || symbol.height > BARCODE_HEIGHT) throw new Error(`barcode of ${digits.length} digits does not fit ${BARCODE_WIDTH}×${BARCODE_HEIGHT}`);
  const canvas = new PNG({ width: BARCODE_WIDTH, height: BARCODE_HEIGHT, colorType: 2 });
  canvas.data.fill(0xff);
  const left = Math.floor((BARCODE_WIDTH - symbol.width) / 2);
  const top = Math.floor((BARCODE_HEIGHT - symbol.height) / 2);
  PNG.bitblt(symbol, canvas, 0, 0, symbol.width, symbol.height, left, top);
  return PNG.sync.write(canvas, { colorType: 2 });
}
