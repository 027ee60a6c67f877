import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DashError } from './errors';

/** A file a dashboard form uploaded (the chargeback defense's document), read whole. */
export class UploadedFile {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
}

/**
 * Lets the dashboard's forms upload files without a script or a dependency: a
 * `multipart/form-data` body (already limited by the route's bodyLimit) is parsed by the WHATWG
 * FormData parser Node ships, into the same flat object a urlencoded form gives — text fields as
 * strings, files as UploadedFile. A body that is not valid multipart is a bad request (400).
 */
export function acceptMultipartForms(dash: FastifyInstance): void {
  dash.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    } catch {
      throw new DashError('badRequest', 400);
    }
    const fields: Record<string, string | UploadedFile> = {};
    for (const [name, value] of form.entries()) {
      fields[name] = typeof value === 'string' ? value : new UploadedFile(value.name, value.type, Buffer.from(await value.arrayBuffer()));
    }
    return fields;
  });
}
