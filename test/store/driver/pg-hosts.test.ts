import { describe, expect, it } from 'vitest';
import { parseHostList } from '../../../src/store/driver/pg-hosts';

describe('a DATABASE_URL listing several PostgreSQL servers', () => {
  it('is one URL per server, in order, each keeping the user, database and other parameters', () => {
    expect(parseHostList('postgres://kessai:s%40cret@db1:5432,db2:5433/pay?sslmode=disable&target_session_attrs=read-write')).toEqual({
      urls: ['postgres://kessai:s%40cret@db1:5432/pay?sslmode=disable', 'postgres://kessai:s%40cret@db2:5433/pay?sslmode=disable'],
      attrs: 'read-write',
    });
  });

  it("takes libpq's host= and port= parameters too, one port for all or one each", () => {
    expect(parseHostList('postgresql://u@/pay?host=a,b&port=6432')?.urls).toEqual(['postgresql://u@a:6432/pay', 'postgresql://u@b:6432/pay']);
    expect(parseHostList('postgres://u@/pay?host=a,b&port=1,2')?.urls).toEqual(['postgres://u@a:1/pay', 'postgres://u@b:2/pay']);
    expect(parseHostList('postgres://[::1]:5432,b/pay')?.urls).toEqual(['postgres://[::1]:5432/pay', 'postgres://b/pay']);
  });

  it('wants a writable server unless told any; primary is read-write; other kinds are refused', () => {
    expect(parseHostList('postgres://a,b/pay')?.attrs).toBe('read-write');
    expect(parseHostList('postgres://a,b/pay?target_session_attrs=any')?.attrs).toBe('any');
    expect(parseHostList('postgres://a,b/pay?target_session_attrs=primary')?.attrs).toBe('read-write');
    expect(() => parseHostList('postgres://a,b/pay?target_session_attrs=standby')).toThrow(/target_session_attrs/);
  });

  it('leaves a URL naming one server as it is (null)', () => {
    expect(parseHostList('postgres://postgres@127.0.0.1:5432/test')).toBeNull();
    expect(parseHostList('postgres://u@/pay?host=/var/run/postgresql')).toBeNull();
  });
});
