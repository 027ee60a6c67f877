import { PGlite } from '@electric-sql/pglite';
const rss = () => Math.round(process.memoryUsage().rss/1048576);
console.log('start', rss(), process.memoryUsage());
const db = await PGlite.create(process.argv[2] ?? 'memory://');
await db.query('select 1');
console.log('after', rss(), JSON.stringify(process.memoryUsage()));
console.log('wasm heap MB', db.mod?.HEAP8?.length/1048576);
const r = await db.query("select name, setting, unit from pg_settings where name in ('shared_buffers','work_mem','wal_buffers','maintenance_work_mem','temp_buffers')");
console.log(r.rows);
