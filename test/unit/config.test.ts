import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'a-secret-of-at-least-32-characters!!';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:8080 and a SQLite file in the data folder', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.database).toEqual({ kind: 'sqlite', file: path.join(path.resolve('data'), 'concord.sqlite') });
    expect(c.publicUrl).toBeUndefined();
    expect(c.secret).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
    expect(c.demo).toBe(true);
    expect(c.trustProxy).toBe(false);
    expect(c.corsOrigins).toEqual([]);
  });

  it('puts the SQLite file under CONCORD_DATA_DIR, resolved to an absolute path', () => {
    const c = loadConfig({ CONCORD_DATA_DIR: 'some/where' });
    expect(c.dataDir).toBe(path.resolve('some/where'));
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('some/where', 'concord.sqlite') });
  });

  it('switches to PostgreSQL when DATABASE_URL is set, with the optional schema', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url, schema: undefined });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db', CONCORD_PG_SCHEMA: 'tenant_a' }).database)
      .toEqual({ kind: 'postgres', url: 'postgresql://u@h/db', schema: 'tenant_a' });
  });

  it('reads the other variables', () => {
    const c = loadConfig({
      CONCORD_HOST: '0.0.0.0', CONCORD_PORT: '0', CONCORD_PUBLIC_URL: 'https://concord.example.org/', CONCORD_SECRET: SECRET,
      CONCORD_LOG_LEVEL: 'silent', CONCORD_DEMO: 'no', CONCORD_TRUST_PROXY: '1', CONCORD_CORS_ORIGINS: ' https://a.example , ,https://b.example',
      REDIS_URL: 'redis://127.0.0.1:6379', CONCORD_LINK_TTL_HOURS: '24',
    });
    expect(c).toMatchObject({
      host: '0.0.0.0', port: 0, publicUrl: 'https://concord.example.org', secret: SECRET, logLevel: 'silent', demo: false,
      trustProxy: true, corsOrigins: ['https://a.example', 'https://b.example'], redisUrl: 'redis://127.0.0.1:6379', linkTtlHours: 24,
    });
  });

  it('treats empty values as unset', () => {
    const c = loadConfig({ CONCORD_PORT: '', DATABASE_URL: '', CONCORD_DEMO: '' });
    expect(c.port).toBe(8080);
    expect(c.database.kind).toBe('sqlite');
    expect(c.demo).toBe(true);
  });

  it('accepts the port range edges', () => {
    expect(loadConfig({ CONCORD_PORT: '0' }).port).toBe(0);
    expect(loadConfig({ CONCORD_PORT: '65535' }).port).toBe(65535);
  });

  it.each<[string, Record<string, string>]>([
    ['CONCORD_PORT', { CONCORD_PORT: 'abc' }],
    ['CONCORD_PORT', { CONCORD_PORT: '70000' }],
    ['CONCORD_PORT', { CONCORD_PORT: '-1' }],
    ['CONCORD_PORT', { CONCORD_PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['CONCORD_LOG_LEVEL', { CONCORD_LOG_LEVEL: 'loud' }],
    ['CONCORD_SECRET', { CONCORD_SECRET: 'too-short' }],
    ['CONCORD_DEMO', { CONCORD_DEMO: 'maybe' }],
    ['CONCORD_PG_SCHEMA', { DATABASE_URL: 'postgres://h/db', CONCORD_PG_SCHEMA: 'Robert"; drop table x' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['CONCORD_PUBLIC_URL', { CONCORD_PUBLIC_URL: 'not a url' }],
  ])('rejects a bad %s with a ConfigError naming it', (name, env) => {
    const err = configError(env);
    expect(err.message).toContain(name);
  });

  it('names every bad variable at once, and only those', () => {
    const err = configError({ CONCORD_PORT: 'abc', CONCORD_DEMO: 'maybe', CONCORD_HOST: 'localhost' });
    expect(err.message).toContain('CONCORD_PORT');
    expect(err.message).toContain('CONCORD_DEMO');
    expect(err.message).not.toContain('CONCORD_HOST');
  });

  it('returns a frozen object, nested parts included', () => {
    const c = loadConfig({ CONCORD_CORS_ORIGINS: 'https://a.example' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
    expect(Object.isFrozen(c.corsOrigins)).toBe(true);
    // ES modules run in strict mode: writing to a frozen object throws.
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.corsOrigins as string[]).push('https://evil.example');
    }).toThrow(TypeError);
    expect(c.port).toBe(8080);
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.CONCORD_PORT;
    process.env.CONCORD_PORT = 'abc';
    try {
      expect(loadConfig({}).port).toBe(8080);
      expect(() => loadConfig()).toThrow(ConfigError);
    } finally {
      if (saved === undefined) delete process.env.CONCORD_PORT;
      else process.env.CONCORD_PORT = saved;
    }
  });
});

describe('server/main.ts with a bad variable', () => {
  it('exits 1 and prints the variable name, without starting anything', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-config-'));
    try {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CONCORD_PORT: 'abc', CONCORD_DATA_DIR: path.join(dir, 'data') };
      const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain('CONCORD_PORT');
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
      expect(r.stdout).not.toContain('Concord is running');
      expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('media engine configuration', () => {
  it('defaults to loopback, one worker per core, any port', () => {
    const c = loadConfig({});
    expect(c.media).toEqual({ engine: 'auto', workers: undefined, listenIp: '127.0.0.1', announcedIp: undefined, portRange: undefined });
  });
  it('reads workers, addresses and the port range', () => {
    const c = loadConfig({
      CONCORD_MEDIA_WORKERS: '3', CONCORD_MEDIA_LISTEN_IP: '127.0.10.1', CONCORD_MEDIA_ANNOUNCED_IP: '127.0.10.2',
      CONCORD_MEDIA_PORT_MIN: '40000', CONCORD_MEDIA_PORT_MAX: '40100',
    });
    expect(c.media).toEqual({ engine: 'auto', workers: 3, listenIp: '127.0.10.1', announcedIp: '127.0.10.2', portRange: [40000, 40100] });
    expect(Object.isFrozen(c.media)).toBe(true);
  });
  it.each([
    [{ CONCORD_MEDIA_WORKERS: '0' }, 'CONCORD_MEDIA_WORKERS'],
    [{ CONCORD_MEDIA_LISTEN_IP: 'localhost' }, 'CONCORD_MEDIA_LISTEN_IP'],
    [{ CONCORD_MEDIA_ANNOUNCED_IP: '300.1.1.1' }, 'CONCORD_MEDIA_ANNOUNCED_IP'],
    [{ CONCORD_MEDIA_PORT_MIN: '40000' }, 'CONCORD_MEDIA_PORT_MAX'],
    [{ CONCORD_MEDIA_PORT_MIN: '41000', CONCORD_MEDIA_PORT_MAX: '40000' }, 'CONCORD_MEDIA_PORT_MIN'],
    [{ CONCORD_MEDIA_PORT_MIN: '80', CONCORD_MEDIA_PORT_MAX: '90' }, 'CONCORD_MEDIA_PORT_MIN'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
