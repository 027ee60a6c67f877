import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../kernel/errors';
import { randomAlphanumeric } from '../lib/random';
import type { Clock } from '../lib/clock';
import type { IdSource } from '../lib/ids';
import type { ChargebackDocument } from '../model/chargeback';
import type { Merchant } from '../model/merchant';
import type { DocumentInfo } from '../store/chargebacks.repo';
import { merchantClock } from './seeding';

/** KOMOJU: "The `document.document_base64` payload must be 15 MB or less" — of file, 15 MiB here. */
export const MAX_DOCUMENT_BYTES = 15 * 1024 * 1024;
/** The base64 of MAX_DOCUMENT_BYTES, with room for a `data:` prefix and line breaks. */
export const MAX_DOCUMENT_BASE64 = Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 64 * 1024;
/** How long a document's signed URL works. */
export const DOCUMENT_URL_TTL_SECONDS = 3600;

/** KOMOJU's DefendChargebackDocument. */
export const DefendDocument = Type.Object({
  document_base64: Type.String({ minLength: 1, maxLength: MAX_DOCUMENT_BASE64 }),
  filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  content_type: Type.Optional(Type.String({ maxLength: 255 })),
});
export type DefendDocumentInput = Static<typeof DefendDocument>;

/**
 * The supported types, told by their first bytes (KOMOJU: "the type is inferred from the file's
 * bytes, not the filename"): PDF, JPEG, PNG, GIF.
 */
const SIGNATURES: { type: string; extension: string; magic: number[][] }[] = [
  { type: 'application/pdf', extension: 'pdf', magic: [[0x25, 0x50, 0x44, 0x46, 0x2d]] },
  { type: 'image/jpeg', extension: 'jpg', magic: [[0xff, 0xd8, 0xff]] },
  { type: 'image/png', extension: 'png', magic: [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]] },
  {
    type: 'image/gif',
    extension: 'gif',
    magic: [
      [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
      [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
    ],
  },
];

const PARAM = 'document.document_base64';

/**
 * Decodes and checks a defense's document, before anything is written: strict base64 (a
 * `data:…;base64,` prefix and line breaks are allowed), 1 byte to 15 MiB, a PDF, JPEG, PNG or
 * GIF by its bytes. Anything else is 422 `invalid_parameter` naming `document.document_base64`.
 */
export function readDocument(input: DefendDocumentInput, chargebackId: string, merchant: Pick<Merchant, 'id' | 'seed'>, ids: IdSource, now: Date): ChargebackDocument {
  const text = input.document_base64.replace(/^data:[^,]{0,200};base64,/, '').replace(/[\r\n\t ]/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new ApiError('invalid_parameter', { param: PARAM, message: 'The document is not valid base64.' });
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new ApiError('invalid_parameter', { param: PARAM, message: 'The document is empty.' });
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new ApiError('invalid_parameter', { param: PARAM, message: 'The document must be 15 MB or less.' });
  const kind = SIGNATURES.find((s) => s.magic.some((magic) => magic.every((byte, i) => bytes[i] === byte)));
  if (!kind) throw new ApiError('invalid_parameter', { param: PARAM, message: 'Supported document types are PDF, JPG/JPEG, PNG and GIF.' });
  const id = ids.id();
  return {
    id,
    merchant_id: merchant.id,
    chargeback_id: chargebackId,
    file_name: fileName(input.filename, kind.extension),
    content_type: kind.type,
    file_size: bytes.length,
    content: bytes.toString('base64'),
    signing_key: signingKey(merchant.seed, id),
    uploaded_at: now,
  };
}

/**
 * The key that guards a document's download. Random, except for a seeded merchant: its URLs are in
 * its answers and webhook bodies, which must repeat from run to run, so its key is the HMAC of the
 * document's (seeded) id keyed with the seed — whoever knows the seed can sign its documents' URLs,
 * as whoever knows it can tell its ids; a seeded merchant is test data.
 */
function signingKey(seed: number | null, documentId: string): string {
  if (seed === null) return randomAlphanumeric(32);
  return createHmac('sha256', String(seed)).update(`chargeback_document:${documentId}`).digest('hex');
}

/**
 * The clock a merchant's document URLs expire on: the system's for an unseeded merchant (a test
 * clock moved ahead must not stretch a URL's hour), the merchant's test clock for a seeded one,
 * whose time moves only when it is advanced, so its URLs repeat from run to run.
 */
export function urlClock(system: Clock, merchant: Pick<Merchant, 'seed' | 'clock_offset_ms'>): Clock {
  return merchant.seed === null ? system : merchantClock(system, merchant);
}

/** The name as given, without any directory part; `document.<ext>` when none is given. */
function fileName(given: string | undefined, extension: string): string {
  const base = (given ?? '').split(/[\\/]/).pop()!.trim();
  return base === '' ? `document.${extension}` : base;
}

/** A document as the API lists it (ChargebackDefenseDocument), with a URL that works for an hour. */
export interface DocumentView {
  file_name: string;
  content_type: string;
  file_size: number;
  uploaded_at: Date | string;
  url: string;
}

/**
 * A temporary signed download URL: `expires` (Unix seconds on urlClock) and the hex HMAC-SHA256 of
 * `<document id>:<expires>:<seed or "system">` keyed with the document's own key, so no
 * server-wide secret is needed and one document's URL opens nothing else. The seed in the message
 * ties the URL to the clock it expires on: unseeded or seeded anew, the merchant's old URLs stop.
 */
export function documentView(document: DocumentInfo, publicUrl: string, seed: number | null, urlNow: Date): DocumentView {
  const expires = Math.floor(urlNow.getTime() / 1000) + DOCUMENT_URL_TTL_SECONDS;
  // Outside /api/v1: no key, the signature is the credential; opened by a browser as a file.
  const path = `/chargeback_documents/${document.chargeback_id}/${document.id}`;
  return {
    file_name: document.file_name,
    content_type: document.content_type,
    file_size: document.file_size,
    uploaded_at: document.uploaded_at,
    url: `${publicUrl.replace(/\/$/, '')}${path}?expires=${expires}&signature=${sign(document, expires, seed)}`,
  };
}

/**
 * Whether `signature` is the document's for `expires` and the merchant's current `seed`, and
 * `expires` is still ahead of `urlNow` (urlClock's time).
 */
export function signatureHolds(document: DocumentInfo, expires: number, signature: string, seed: number | null, urlNow: Date): boolean {
  if (!Number.isSafeInteger(expires) || expires * 1000 <= urlNow.getTime()) return false;
  const expected = Buffer.from(sign(document, expires, seed), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sign(document: Pick<DocumentInfo, 'id' | 'signing_key'>, expires: number, seed: number | null): string {
  return createHmac('sha256', document.signing_key).update(`${document.id}:${expires}:${seed ?? 'system'}`).digest('hex');
}
