import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/index.js';
import { chooseEngine } from '../../server/media/select.js';

/** CONCORD_MEDIA_ENGINE (issue 13): mediasoup wherever its worker is found, werift as the fallback, with the reason. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-engine-'));
const fakeBin = path.join(dir, 'mediasoup-worker');
fs.writeFileSync(fakeBin, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const emptyCache = path.join(dir, 'no-cache');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('media engine choice', () => {
  it('rejects an unknown engine name', () => {
    expect(() => loadConfig({ CONCORD_MEDIA_ENGINE: 'janus' })).toThrow(/CONCORD_MEDIA_ENGINE/);
  });

  it('auto: mediasoup where a worker is found, and says which binary', () => {
    const c = chooseEngine(loadConfig({ MEDIASOUP_WORKER_BIN: fakeBin }));
    expect(c.engine).toBe('mediasoup');
    expect(c.engine === 'mediasoup' && c.workerBin).toBe(fakeBin);
    expect(c.why).toContain(fakeBin);
  });

  it('auto: werift when no worker is built, with the one-line reason', () => {
    const c = chooseEngine(loadConfig({ CONCORD_MEDIASOUP_CACHE_DIR: emptyCache }));
    expect(c.engine).toBe('werift');
    expect(c.why).toMatch(/fallback: .*(not built|not installed|no patch)/);
  });

  it('werift when asked, even with a worker', () => {
    expect(chooseEngine(loadConfig({ CONCORD_MEDIA_ENGINE: 'werift', MEDIASOUP_WORKER_BIN: fakeBin })).engine).toBe('werift');
  });

  it('mediasoup asked for without a worker is a configuration error at start, naming the variable', () => {
    const config = loadConfig({ CONCORD_MEDIA_ENGINE: 'mediasoup', CONCORD_MEDIASOUP_CACHE_DIR: emptyCache });
    expect(() => chooseEngine(config)).toThrow(ConfigError);
    expect(() => chooseEngine(config)).toThrow(/CONCORD_MEDIA_ENGINE: mediasoup was asked for, but/);
  });
});
