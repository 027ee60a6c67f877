export const INT8_OID = 20;
export const NUMERIC_OID = 1700;

// Amounts are bigint columns; every value we store fits a double exactly (< 2^53), so they are
// read back as numbers rather than strings.
export const toNumber = (value: string) => Number(value);
