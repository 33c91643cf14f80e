import { beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../helpers/bot.js';
import { TWO_LAYERS } from '../helpers/layers.js';
import { SimulcastBot } from '../helpers/simulcast.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { layerFor, useEngineRouter } from './fixture.js';

/**
 * Engine contract, a running publisher that changes: a screen share added to (and removed from) the same publishing
 * connection while the camera keeps flowing, with each producer's source told to the hearing; and the simulcast
 * layer chosen by the height of the tile each publisher is shown in, also across a caucus and back.
 */
describe.each(engines().filter((c) => c.simulcast))('engine contract, publisher changes: $name', (c) => {
  const t = useEngineRouter(c, 'hearing-contract-publisher-changes');

  describe('publisher renegotiation and per-tile layers', () => {
    let pub: SimulcastBot;
    let viewer: Bot;
    let small: Bot;

    beforeAll(async () => {
      pub = new SimulcastBot('P');
      // Like Chromium: MID/RID only on the first packets of each layer, then bare RTP headers.
      pub.extensionPackets = 40;
      viewer = new Bot('V', { inspect: true });
      small = new Bot('T', { inspect: true });
      t.bots.push(pub, viewer, small);
      await pub.publishSimulcast(t.router, TWO_LAYERS);
      pub.start();
      await viewer.subscribe(t.router);
      await small.subscribe(t.router);
      await until('camera to both', () => viewer.from('P', 'video') > 30 && small.from('P', 'video') > 30, 20_000);
    });

    it('adding a screen section to the running publisher keeps the camera flowing and adds a screen producer', async () => {
      await pub.addScreen(t.router);
      await until('a screen producer', () => t.producers.some((p) => p.participantId === 'P' && p.source === 'screen'), 10_000);
      const camera = t.producers.find((p) => p.participantId === 'P' && p.source === 'camera')!;
      const screen = t.producers.find((p) => p.participantId === 'P' && p.source === 'screen')!;
      expect(camera).toBeDefined();
      const rows = async () => (await t.router.forwardingTable()).filter((r) => r.toParticipantId === 'V');
      const count = async (id: string) => (await rows()).filter((r) => r.producerId === id).reduce((n, r) => n + r.packets, 0);
      await until('screen reaches the viewer', async () => (await count(screen.id)) > 5, 10_000);
      // Camera packets keep going to the viewer after the renegotiation.
      const c1 = await count(camera.id);
      await until('camera still to the viewer', async () => (await count(camera.id)) > c1 + 10, 10_000);
    });

    it('stopping the screen removes its producer (the section goes inactive) and the camera goes on', async () => {
      await pub.stopScreen(t.router);
      await until('the screen producer is gone', () => !t.producers.some((p) => p.participantId === 'P' && p.source === 'screen'), 10_000);
      const camera = t.producers.find((p) => p.participantId === 'P' && p.source === 'camera')!;
      const count = async () => (await t.router.forwardingTable()).filter((r) => r.toParticipantId === 'V' && r.producerId === camera.id).reduce((n, r) => n + r.packets, 0);
      const c1 = await count();
      await until('camera still to the viewer', async () => (await count()) > c1 + 10, 10_000);
    });

    it('the layer follows the tile height per publisher: a 200 px tile gets the low layer, a 700 px tile the high one', async () => {
      await t.router.setReceivePreferences('V', { tiles: { P: 700 } });
      await t.router.setReceivePreferences('T', { tiles: { P: 200 } });
      await until('T on the low layer', async () => (await layerFor(t.router, 'T', 'P')) === 'l', 10_000);
      await until('V on the high layer', async () => (await layerFor(t.router, 'V', 'P')) === 'h', 10_000);
      // The tile grows: the layer follows.
      await t.router.setReceivePreferences('T', { tiles: { P: 400 } });
      await until('T on the high layer', async () => (await layerFor(t.router, 'T', 'P')) === 'h', 10_000);
    });

    it('after a caucus and back, the tile-sized layer flows again', async () => {
      await t.router.setReceivePreferences('T', { tiles: { P: 200 } });
      await until('T on the low layer', async () => (await layerFor(t.router, 'T', 'P')) === 'l', 10_000);
      await t.router.setRoom('P', 'caucus-1');
      await sleep(500);
      await t.router.setRoom('P', 'joint');
      const n = small.from('P', 'video');
      await until('T receives P again', () => small.from('P', 'video') > n + 30, 20_000);
      expect(await layerFor(t.router, 'T', 'P')).toBe('l');
    });
  });
});
