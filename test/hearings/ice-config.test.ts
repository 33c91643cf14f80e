import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/index.js';

/** CONCORD_ICE_SERVERS: the STUN/TURN list the browsers get with hearing.join, validated at start-up. */
describe('CONCORD_ICE_SERVERS', () => {
  it('defaults to none and accepts STUN and TURN entries (TURN with credentials)', () => {
    expect(loadConfig({}).iceServers).toEqual([]);
    const list = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turns:turn.example.org:5349', 'turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'p' }];
    expect(loadConfig({ CONCORD_ICE_SERVERS: JSON.stringify(list) }).iceServers).toEqual(list);
  });

  it.each([
    ['not JSON', '[{urls:'],
    ['not a list', '{"urls":"stun:a"}'],
    ['an http URL', '[{"urls":"http://example.org"}]'],
    ['TURN without credentials', '[{"urls":"turn:turn.example.org:3478"}]'],
    ['an unknown field', '[{"urls":"stun:a:1","extra":1}]'],
    ['too many servers', JSON.stringify(Array.from({ length: 11 }, () => ({ urls: 'stun:a:1' })))],
  ])('refuses %s, naming the variable', (_what, value) => {
    expect(() => loadConfig({ CONCORD_ICE_SERVERS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CONCORD_ICE_SERVERS: value })).toThrow(/CONCORD_ICE_SERVERS/);
  });
});
