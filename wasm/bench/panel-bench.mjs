// How fluid <narrative-keys-panel> stays at 10,000 keys, in Debian's Chromium
// (headless, through playwright-core, as the browser tests run) against the
// emulator, on the example page:
//   - the first render: from the moment the list arrives from the server (the
//     panel's `narrative-keys:keys-arrived` User Timing mark) to the frame
//     after the list is rendered, the panel built from scratch each round;
//   - a filter keystroke: from the input event to the frame after the list
//     re-rendered, over typing "bulk key 0123" and clearing it again.
// Gates (the issue's): the first render at most 500 ms, and every keystroke at
// most 50 ms, each taken as its median over the rounds (one keystroke is the
// same character typed in each round), so a one-off stall of a shared machine
// does not fail it but a keystroke slow every time does. The maxima are printed too.
// Usage: node bench/panel-bench.mjs [--short] [--keys N] [--json]
//   --short: 3 rounds (CI); otherwise 10. Exits 1 when a gate is not met.
import { ADMIN, connect, nk, openPage, seedKeys, start, stop } from '../tests/browser/support.mjs';
import { startEmulator } from '../tests/harness.mjs';

const args = process.argv.slice(2);
const rounds = args.includes('--short') ? 3 : 10;
const keys = Number(args[args.indexOf('--keys') + 1]) || 10_000;
const GATES = { firstRenderMs: 500, keystrokeMs: 50 };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ms = (x) => Math.round(x * 10) / 10;

const { web } = await start(['web']);
const emu = await startEmulator();
let failed = false;
try {
  const seeding = performance.now();
  await seedKeys(new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url }), keys);
  console.error(`seeded ${keys} keys in ${Math.round(performance.now() - seeding)} ms`);
  const { context, page } = await openPage(web);
  await connect(page, emu.url);
  const panel = page.locator('narrative-keys-panel');

  const firstRenders = [];
  for (let i = 0; i < rounds; i++) {
    firstRenders.push(await panel.evaluate(async (el) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      const client = el.client;
      el.disconnect();
      await el.updateComplete;
      performance.clearMarks('narrative-keys:keys-arrived');
      el.client = client;
      // Frame by frame until the rows are there (an overestimate of at most a frame), then the frame that paints them.
      while (!el.shadowRoot.querySelector('tbody tr[part~=row]')) await new Promise((r) => requestAnimationFrame(r));
      await frame();
      return performance.now() - performance.getEntriesByName('narrative-keys:keys-arrived').at(-1).startTime;
    }));
  }

  const perRound = [];
  for (let i = 0; i < rounds; i++) {
    perRound.push(await panel.evaluate(async (el) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      const input = el.shadowRoot.querySelector('input[part=filter]');
      const times = [];
      const type = async (value) => {
        input.value = value;
        const t0 = performance.now();
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await el.updateComplete;
        await frame();
        times.push(performance.now() - t0);
      };
      const text = 'bulk key 0123';
      for (let n = 1; n <= text.length; n++) await type(text.slice(0, n));
      for (let n = text.length - 1; n >= 0; n--) await type(text.slice(0, n));
      return times;
    }));
  }
  const keystrokes = perRound.flat();
  // Keystroke k's median over the rounds, for each k.
  const typical = perRound[0].map((_, k) => median(perRound.map((round) => round[k])));
  const rendered = await panel.evaluate((el) => el.shadowRoot.querySelectorAll('tbody tr[part~=row]').length);
  await context.close();

  const result = {
    keys: keys + 1,
    rounds,
    renderedRows: rendered,
    firstRenderMs: { median: ms(median(firstRenders)), max: ms(Math.max(...firstRenders)) },
    keystrokeMs: { count: keystrokes.length, median: ms(median(keystrokes)), slowestMedian: ms(Math.max(...typical)), max: ms(Math.max(...keystrokes)) },
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  console.log(`first render of ${result.keys} keys after they arrive: median ${result.firstRenderMs.median} ms (gate ${GATES.firstRenderMs} ms), max ${result.firstRenderMs.max} ms over ${rounds} rounds`);
  console.log(`filter keystroke at ${result.keys} keys: median ${result.keystrokeMs.median} ms, slowest keystroke ${result.keystrokeMs.slowestMedian} ms (its median over ${rounds} rounds; gate ${GATES.keystrokeMs} ms), max ${result.keystrokeMs.max} ms over ${result.keystrokeMs.count} keystrokes`);
  console.log(`rows in the DOM: ${rendered}`);
  if (result.firstRenderMs.median > GATES.firstRenderMs) { console.error(`the first render is over its gate: ${result.firstRenderMs.median} ms > ${GATES.firstRenderMs} ms`); failed = true; }
  if (result.keystrokeMs.slowestMedian > GATES.keystrokeMs) { console.error(`a filter keystroke is over its gate: ${result.keystrokeMs.slowestMedian} ms > ${GATES.keystrokeMs} ms`); failed = true; }
} finally {
  await emu.stop();
  await stop();
}
process.exit(failed ? 1 : 0);
