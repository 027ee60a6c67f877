import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import { PNG } from 'pngjs';

/**
 * Reads a barcode image back as a till's scanner would: the PNG (a Buffer, or a
 * `data:image/png;base64,` URL) decoded by pngjs, its bars read by ZXing. Resolves to the image's
 * size and the text of the one Code 128 / GS1-128 symbol in it; throws when there is none.
 */
export function decodeBarcode(image: Buffer | string): { width: number; height: number; text: string } {
  const bytes = typeof image === 'string' ? Buffer.from(image.replace(/^data:image\/png;base64,/, ''), 'base64') : image;
  const png = PNG.sync.read(bytes);
  const luminance = new Uint8ClampedArray(png.width * png.height);
  for (let i = 0; i < luminance.length; i++) {
    const [r, g, b] = [png.data[i * 4], png.data[i * 4 + 1], png.data[i * 4 + 2]];
    luminance[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]]]);
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, png.width, png.height)));
  const result = new MultiFormatReader().decode(bitmap, hints);
  return { width: png.width, height: png.height, text: result.getText() };
}
