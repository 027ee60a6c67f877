import type { Db } from './db';
import type { LogoContentType } from './schema-brand';

/** What a page needs to show a logo: its address and its size, without the bytes. */
export interface LogoRef {
  digest: string;
  width: number;
  height: number;
}

export interface LogoFile {
  content_type: LogoContentType;
  bytes: Uint8Array;
}

export interface NewLogo extends LogoRef, LogoFile {}

export async function findLogoRef(db: Db, merchantId: string): Promise<LogoRef | undefined> {
  return db.selectFrom('merchant_logos').select(['digest', 'width', 'height']).where('merchant_id', '=', merchantId).executeTakeFirst();
}

/** A logo by its address alone: the page that shows it is public, and so is the image. */
export async function findLogoFile(db: Db, digest: string): Promise<LogoFile | undefined> {
  return db.selectFrom('merchant_logos').select(['content_type', 'bytes']).where('digest', '=', digest).limit(1).executeTakeFirst();
}

export async function putLogo(db: Db, merchantId: string, logo: NewLogo, now: Date): Promise<void> {
  const row = { ...logo, bytes: Buffer.from(logo.bytes), updated_at: now };
  await db
    .insertInto('merchant_logos')
    .values({ merchant_id: merchantId, ...row })
    .onConflict((conflict) => conflict.column('merchant_id').doUpdateSet(row))
    .execute();
}

export async function deleteLogo(db: Db, merchantId: string): Promise<void> {
  await db.deleteFrom('merchant_logos').where('merchant_id', '=', merchantId).execute();
}
