/**
 * Builds the migrated database snapshot that a new embedded database starts from
 * (src/store/driver/pglite-snapshot.ts): `node --import tsx scripts/build-snapshot.ts [FILE]`,
 * by default dist/pgdata.tar.gz and dist/pgdata.tar.gz.json. Part of the package build; rerun it
 * after adding a migration (a start still applies migrations newer than the snapshot).
 */
import { buildSnapshot } from '../src/store/driver/pglite-snapshot-build';
import { defaultSnapshotFile, writeSnapshot } from '../src/store/driver/pglite-snapshot';

const file = process.argv[2] ?? defaultSnapshotFile();
const { tarball, migrations } = await buildSnapshot();
writeSnapshot(file, tarball, migrations);
process.stdout.write(`${file}: ${(tarball.length / 1024).toFixed(0)} KiB, ${migrations.length} migrations (${migrations.at(-1)})\n`);
