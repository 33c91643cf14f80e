import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { CHROMIUM, englishContext } from '../helpers/browser.js';
import { submitAndEnter } from '../helpers/room.js';
import { sleep } from '../helpers/hearing.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * Interpreter channels (issue 17) in Debian's Chromium, through the real gateway and the SFU: a mediator and a
 * respondent speak Mandarin on the floor, an interpreter works Mandarin -> Portuguese into the `pt` channel for the
 * applicant. Each page's microphone is a sine tone of its own (getUserMedia wrapped by an init script), so every
 * speaker is told apart on the receiving side, where the room's WebAudio mix is measured after its gains
 * (AnalyserNode per remote track). The applicant on `pt` hears the interpreter at full level and the floor turned
 * down; the respondent on the floor receives nothing of the interpreter (the SFU's table says so too); the recording
 * holds the interpreter's channel as its own track, named in the case file and in the WebM file (ffprobe).
 *
 * Serial stage: four Chromium pages with WebRTC and ffmpeg recorders; not for a parallel run.
 */
const TONES = { mediator: 440, respondent: 550, applicant: 660, interpreter: 880 } as const;
type Who = keyof typeof TONES;

const toneScript = (hz: number) => `(() => {
  window.__concordDebug = true;
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const orig = md.getUserMedia.bind(md);
  md.getUserMedia = async (c) => {
    const s = await orig(c);
    if (!c || !c.audio) return s;
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = ${hz};
    const g = ctx.createGain();
    g.gain.value = 0.3;
    const dst = ctx.createMediaStreamDestination();
    osc.connect(g).connect(dst);
    osc.start();
    for (const t of s.getAudioTracks()) { s.removeTrack(t); t.stop(); }
    s.addTrack(dst.stream.getAudioTracks()[0]);
    return s;
  };
})();`;

interface Person { who: Who; page: Page; id: string }

/** Average of each participant's played level (RMS after the mix) over `ms`. */
async function playedLevels(page: Page, ms = 2000): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  const n = 10;
  for (let i = 0; i < n; i++) {
    const l = await page.evaluate<Record<string, number>>('window.__concordAudioLevels ? window.__concordAudioLevels() : {}');
    for (const [k, v] of Object.entries(l)) sums[k] = (sums[k] ?? 0) + v / n;
    await sleep(ms / n);
  }
  return sums;
}

describe('interpreter channels in Chromium', { timeout: 300_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let hearingId: string;
  const ids = {} as Record<Who, string>;
  const urls = {} as Record<Who, string>;
  const people = {} as Record<Who, Person>;
  const guests = {
    applicant: { name: '', idNumber: '' },
    respondent: { name: '', idNumber: '' },
    interpreter: { name: 'Ana Lei', idNumber: 'M7654321' },
  };

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_RECORDINGS_SEGMENT_SECONDS: '3' });
    demo = await createDemoCase(s.services, s.url);
    guests.applicant = demo.identities.applicant;
    guests.respondent = demo.identities.respondent;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
        '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        // The sending pages' tone generators run before any click.
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    // A hearing of its own: the applicant speaks Portuguese, the interpreter works Mandarin -> Portuguese for them.
    const token = await s.login('demo.mediator', DEMO_PASSWORD);
    const c = await s.api<any>('GET', `/api/cases/${demo.caseId}`, { token });
    const party = (side: string) => c.body.parties.find((p: { side: string }) => p.side === side).id as string;
    const h = await s.api<any>('POST', `/api/cases/${demo.caseId}/hearings`, {
      token,
      body: {
        startsAt: new Date(Date.now() + 3600_000).toISOString(), durationMinutes: 60, site: 'guangzhou', mode: 'online',
        participants: [
          { role: 'mediator', staffId: s.staff.mediator.id, language: 'cmn' },
          { role: 'applicant', partyId: party('applicant'), language: 'pt' },
          { role: 'respondent', partyId: party('respondent'), language: 'cmn' },
          {
            role: 'interpreter', ...guests.interpreter, language: 'pt',
            interpretation: { from: 'cmn', to: 'pt', mode: 'simultaneous', servesPartyId: party('applicant') },
          },
        ],
      },
    });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    hearingId = h.body.id;
    const interp = h.body.participants.find((p: { role: string }) => p.role === 'interpreter');
    expect(interp.interpretation).toEqual({ from: 'cmn', to: 'pt', mode: 'simultaneous', servesPartyId: party('applicant') });
    for (const p of h.body.participants as { id: string; role: Who }[]) {
      ids[p.role] = p.id;
      const l = await s.api<any>('POST', `/api/cases/${demo.caseId}/hearings/${hearingId}/links`, { token, body: { participantId: p.id } });
      expect(l.status).toBe(201);
      urls[p.role] = l.body.url;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function enter(who: Who): Promise<Person> {
    const ctx = await englishContext(browser, { viewport: { width: 1100, height: 720 } });
    await ctx.addInitScript({ content: toneScript(TONES[who]) });
    const page = await ctx.newPage();
    await page.goto(urls[who]);
    await page.getByTestId('join-form').waitFor();
    if (who === 'mediator') {
      await page.getByTestId('join-username').fill(demo.staff.mediator.username);
      await page.getByTestId('join-password').fill(DEMO_PASSWORD);
    } else {
      await page.getByTestId('join-name').fill(guests[who].name);
      await page.getByTestId('join-id-number').fill(guests[who].idNumber);
    }
    await submitAndEnter(page);
    return { who, page, id: ids[who] };
  }

  const audioOf = (p: Person, from: Who) => p.page.locator(`[data-testid="remote-audio"][data-participant-id="${ids[from]}"]`);

  it('everyone enters; the channel picker offers the floor and the interpreter\'s language', async () => {
    people.mediator = await enter('mediator');
    const m = people.mediator.page;
    await m.getByTestId('controls').waitFor();
    for (const who of ['interpreter', 'applicant', 'respondent'] as const) {
      people[who] = await enter(who);
      await people[who].page.getByTestId('lobby-waiting').waitFor();
      const admit = m.getByTestId(`lobby-admit-${ids[who]}`);
      await admit.or(m.getByTestId('lobby-open')).first().waitFor();
      if (!(await admit.isVisible())) await m.getByTestId('lobby-open').click();
      await admit.click();
      await people[who].page.getByTestId('controls').waitFor();
    }
    // Video plays no part here: cameras off, to spare the machine.
    for (const p of Object.values(people)) await p.page.getByTestId('ctl-camera').click();
    const picker = people.applicant.page.getByTestId('channel-picker');
    await picker.waitFor();
    const options = picker.locator('option');
    const values: (string | null)[] = [];
    for (let i = 0; i < (await options.count()); i++) values.push(await options.nth(i).getAttribute('value'));
    expect(values).toEqual(['floor', 'pt']);
    expect(await picker.inputValue()).toBe('floor');
  });

  it('on the floor nobody receives the interpreter (browsers and the SFU\'s table); the interpreter hears the floor', async () => {
    const { applicant, respondent, mediator, interpreter } = people;
    // The floor flows: the interpreter hears the speakers, the applicant hears the mediator at full level.
    await audioOf(interpreter, 'mediator').waitFor({ state: 'attached', timeout: 60_000 });
    await audioOf(applicant, 'mediator').waitFor({ state: 'attached', timeout: 60_000 });
    await expect.poll(async () => (await playedLevels(applicant.page, 500))[ids.mediator] ?? 0, { timeout: 30_000 }).toBeGreaterThan(0.02);
    const live = s.liveHearings.get(hearingId)!;
    const fromInterpreter = async (to: string) =>
      (await live.media.forwardingTable()).filter((e) => e.fromParticipantId === ids.interpreter && e.toParticipantId === to && e.kind === 'audio').reduce((n, e) => n + e.packets, 0);
    const before = await Promise.all([applicant.id, respondent.id, mediator.id].map(fromInterpreter));
    await sleep(2000);
    const after = await Promise.all([applicant.id, respondent.id, mediator.id].map(fromInterpreter));
    expect(after, 'interpreter audio packets to floor listeners').toEqual(before);
    for (const p of [applicant, respondent, mediator]) expect(await audioOf(p, 'interpreter').count(), `${p.who} has no interpreter audio`).toBe(0);
  });

  it('a pt listener on the pt channel hears the interpreter at full level and the floor turned down', async () => {
    const { applicant } = people;
    const onFloor = await playedLevels(applicant.page);
    // By keyboard, as a listener without a mouse would: focus the labelled select, arrow down to the next channel.
    const picker = applicant.page.getByTestId('channel-picker');
    await picker.focus();
    await applicant.page.keyboard.press('ArrowDown');
    await expect.poll(() => picker.inputValue()).toBe('pt');
    expect(await applicant.page.getByLabel('Listen to').getAttribute('data-testid')).toBe('channel-picker');
    await expect.poll(() => audioOf(applicant, 'mediator').getAttribute('data-gain'), { timeout: 15_000 }).toBe('0.2');
    await audioOf(applicant, 'interpreter').waitFor({ state: 'attached', timeout: 30_000 });
    expect(await audioOf(applicant, 'interpreter').getAttribute('data-gain')).toBe('1');
    await expect.poll(async () => (await playedLevels(applicant.page, 500))[ids.interpreter] ?? 0, { timeout: 30_000 }).toBeGreaterThan(0.02);
    await sleep(500); // the gain ramp (50 ms time constant) has long settled
    const inChannel = await playedLevels(applicant.page);
    const [interp, floorNow, floorBefore] = [inChannel[ids.interpreter]!, inChannel[ids.mediator]!, onFloor[ids.mediator]!];
    const msg = `levels on the floor ${JSON.stringify(onFloor)}, on pt ${JSON.stringify(inChannel)}`;
    console.info(`applicant's played RMS: mediator on the floor ${floorBefore.toFixed(3)}; on pt: interpreter ${interp.toFixed(3)}, mediator ${floorNow.toFixed(3)}`);
    // Same tone amplitude at every sender: the interpreter plays at the floor's old level, the floor at about 20 % of it.
    expect(interp, msg).toBeGreaterThan(0.5 * floorBefore);
    expect(floorNow, msg).toBeLessThan(0.4 * floorBefore);
    expect(floorNow, msg).toBeGreaterThan(0.05 * floorBefore);
    expect(floorNow, msg).toBeLessThan(0.5 * interp);
  });

  it('a floor listener still does not hear the interpreter, in the browser or in the SFU', async () => {
    const { respondent, mediator } = people;
    const live = s.liveHearings.get(hearingId)!;
    const toFloor = async () =>
      (await live.media.forwardingTable()).filter((e) => e.fromParticipantId === ids.interpreter && [respondent.id, mediator.id].includes(e.toParticipantId) && e.kind === 'audio').reduce((n, e) => n + e.packets, 0);
    const a = await toFloor();
    const heard = await playedLevels(respondent.page);
    expect(await toFloor()).toBe(a);
    expect(heard[ids.interpreter], JSON.stringify(heard)).toBeUndefined();
    expect(heard[ids.mediator] ?? 0, JSON.stringify(heard)).toBeGreaterThan(0.02);
    expect(await audioOf(respondent, 'interpreter').count()).toBe(0);
  });

  it('the recording holds the interpreter\'s channel as its own track (case file and ffprobe)', async () => {
    const live = s.liveHearings.get(hearingId)!;
    await live.recording.start(ids.mediator);
    for (const who of Object.keys(ids) as Who[]) await live.recording.consent(ids[who], 'hearing', true);
    const svc = s.services.recordings.service;
    const rec = () => svc.db.selectFrom('recordings').selectAll().where('hearing_id', '=', hearingId).executeTakeFirst();
    await expect.poll(async () => (await rec())?.status, { timeout: 20_000 }).toBe('recording');
    const audioTrack = (pid: string) => svc.db.selectFrom('recording_tracks').selectAll().where('participant_id', '=', pid).where('kind', '=', 'audio').executeTakeFirst();
    await expect.poll(async () => (await audioTrack(ids.interpreter))?.status, { timeout: 20_000 }).toBe('recording');
    await sleep(7000); // two 3 s segments
    await live.recording.stop(ids.mediator);
    await expect.poll(async () => (await rec())?.status, { timeout: 30_000 }).toBe('stopped');

    const t = await audioTrack(ids.interpreter);
    expect(t).toMatchObject({ channel: 'pt', language: 'pt' });
    expect(await audioTrack(ids.applicant)).toMatchObject({ channel: 'floor', language: 'pt' });
    expect(await audioTrack(ids.respondent)).toMatchObject({ channel: 'floor', language: 'cmn' });
    const r = (await rec())!;
    const files = await svc.db.selectFrom('recording_files').selectAll().where('track_id', '=', t!.id).execute();
    expect(files.length).toBeGreaterThan(0);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type:stream_tags', '-of', 'json', svc.absolute(r.site, files[0]!.path)], { encoding: 'utf8' })) as {
      streams: { codec_name: string; codec_type: string; tags?: Record<string, string> }[];
    };
    expect(probe.streams).toHaveLength(1);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'opus', codec_type: 'audio' });
    const tags = Object.fromEntries(Object.entries(probe.streams[0]!.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(tags, JSON.stringify(probe)).toMatchObject({ language: 'por', title: 'channel:pt' });
    // The case file's track list says the same.
    const list = await s.services.recordings.casefile.list(demo.caseId, { actor: 'test', sees: () => true });
    const listed = list.find((x) => x.id === r.id)!.tracks.find((x) => x.id === t!.id);
    expect(listed).toMatchObject({ channel: 'pt', language: 'pt' });
  });
});
