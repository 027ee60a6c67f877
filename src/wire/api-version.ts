import { ApiError } from '../kernel/errors';

/**
 * `X-KOMOJU-API-VERSION` values KOMOJU has published. Without the header the API answers in the
 * shapes of the source documents (`default`); serialisers receive the version so version-specific
 * shapes have one place to live. In date order: the last is the newest.
 */
export const API_VERSIONS = ['2024-07-15', '2025-01-28'] as const;
export type ApiVersion = 'default' | (typeof API_VERSIONS)[number];

/**
 * Whether `version` predates `date`. No header counts as the oldest version: the shapes of the
 * source documents, which predate every published version (as for konbini `brands`).
 *
 *   versionBefore('2024-07-15', '2025-01-28'); // true
 */
export function versionBefore(version: ApiVersion, date: (typeof API_VERSIONS)[number]): boolean {
  return version === 'default' || version < date;
}

export function parseApiVersion(header: string | string[] | undefined): ApiVersion {
  if (header === undefined || header === '') return 'default';
  const value = Array.isArray(header) ? header[0] : header;
  if ((API_VERSIONS as readonly string[]).includes(value)) return value as ApiVersion;
  throw new ApiError('bad_request', {
    param: 'X-KOMOJU-API-VERSION',
    message: `Unknown API version ${value}; known versions: ${API_VERSIONS.join(', ')}`,
  });
}

