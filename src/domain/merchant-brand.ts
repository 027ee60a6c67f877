import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import type { Db } from '../store/db';
import * as logosRepo from '../store/merchant-logos.repo';
import * as merchantsRepo from '../store/merchants.repo';
import type { LogoContentType } from '../store/schema-brand';

/**
 * What a merchant's customers see of it: its display name and logo (issue 19), set in the
 * dashboard's settings. The logo is at most LOGO_MAX_BYTES, so that a hosted page stays within
 * its 100 KB budget with one; only PNG, JPEG and WebP are taken, recognised from their bytes
 * (never from the name or type the browser sent). SVG is refused: it can carry scripts, and the
 * image is served from this origin.
 */
export const LOGO_MAX_BYTES = 40 * 1024;
const LOGO_MAX_SIDE = 4096;
export const NAME_MAX_LENGTH = 100;
/** The box a logo is drawn in on the customer's pages, in CSS pixels. */
const SHOWN_HEIGHT = 40;
const SHOWN_MAX_WIDTH = 200;

const CONTENT_TYPES: Record<string, LogoContentType> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** Why a logo or a name was refused; the dashboard says it in the user's language. */
export type BrandRefusal = 'name_blank' | 'name_too_long' | 'name_control' | 'logo_too_large' | 'logo_not_an_image' | 'logo_too_many_pixels';

export class BrandRefused extends Error {
  constructor(readonly reason: BrandRefusal) {
    super(`brand refused: ${reason}`);
  }
}

/** A logo as a page shows it: its address, and its size scaled into the logo's box. */
export interface ShownLogo {
  src: string;
  width: number;
  height: number;
}

export interface BrandChange {
  name?: string;
  /** New bytes; null removes the logo; absent keeps it. */
  logo?: Uint8Array | null;
}

/** Checks the whole change first, then writes it: a refused logo leaves the name unchanged too. */
export async function changeBrand(db: Db, merchantId: string, change: BrandChange, now: Date): Promise<void> {
  const name = change.name === undefined ? undefined : checkedName(change.name);
  const logo = change.logo ? checkedLogo(change.logo) : change.logo;
  await db.transaction().execute(async (trx) => {
    if (name !== undefined) await merchantsRepo.renameMerchant(trx, merchantId, name);
    if (logo === null) await logosRepo.deleteLogo(trx, merchantId);
    else if (logo !== undefined) await logosRepo.putLogo(trx, merchantId, logo, now);
  });
  // The name is in the key lookups this process caches (the API's merchant_name): forget them now,
  // as every write to merchants does, rather than wait for the notification.
  if (name !== undefined) await merchantsRepo.forgetCachedKeys();
}

/** The logo a page draws, or null; read only where a page is drawn, never on the forms' posts. */
export async function merchantLogo(db: Db, merchantId: string): Promise<ShownLogo | null> {
  const ref = await logosRepo.findLogoRef(db, merchantId);
  if (!ref) return null;
  const scale = Math.min(SHOWN_HEIGHT / ref.height, SHOWN_MAX_WIDTH / ref.width);
  return { src: `/logos/${ref.digest}`, width: Math.max(1, Math.round(ref.width * scale)), height: Math.max(1, Math.round(ref.height * scale)) };
}

/** The image at /logos/<digest>, or undefined. */
export async function logoFile(db: Db, digest: string): Promise<logosRepo.LogoFile | undefined> {
  const file = await logosRepo.findLogoFile(db, digest);
  return file && { content_type: file.content_type, bytes: Buffer.from(file.bytes) };
}

function checkedName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name === '') throw new BrandRefused('name_blank');
  // NUL cannot be stored in a text column, and the others have no business in a shop's name.
  if (/\p{Cc}/u.test(name)) throw new BrandRefused('name_control');
  if ([...name].length > NAME_MAX_LENGTH) throw new BrandRefused('name_too_long');
  return name;
}

function checkedLogo(bytes: Uint8Array): logosRepo.NewLogo {
  if (bytes.length > LOGO_MAX_BYTES) throw new BrandRefused('logo_too_large');
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    throw new BrandRefused('logo_not_an_image');
  }
  const contentType = size.type ? CONTENT_TYPES[size.type] : undefined;
  if (!contentType || !size.width || !size.height) throw new BrandRefused('logo_not_an_image');
  if (size.width > LOGO_MAX_SIDE || size.height > LOGO_MAX_SIDE) throw new BrandRefused('logo_too_many_pixels');
  const digest = createHash('sha256').update(bytes).digest('hex');
  // EXIF orientations 5 to 8 turn a JPEG a quarter: browsers draw it turned, so its drawn size is the other way round.
  const turned = (size.orientation ?? 1) >= 5;
  const [width, height] = turned ? [size.height, size.width] : [size.width, size.height];
  return { digest, content_type: contentType, width, height, bytes };
}
