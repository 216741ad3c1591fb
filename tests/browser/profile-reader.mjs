// Where a page's load time goes (issue 13): one Chromium trace per page,
// summarised. Not a test; run by hand after `bench-reader.mjs` has shown
// which pages are slow:
//
//   node tests/browser/profile-reader.mjs DIR PAGE... [--throttle 4]
//
// DIR is served as in the tests (keep-alive, `no-store`, strict CSP); each
// PAGE (a path under DIR) is opened in a fresh context at 390×844 and
// traced until it has settled. Printed per page: the network waterfall
// (each request's start and end in ms from navigation, and its size), then
// main-thread time up to `loadEventEnd` by kind (HTML parsing, script
// compile and run per file, style, layout, paint) from the trace.

import { launch, newContext, serve } from './support.mjs';

const argv = process.argv.slice(2);
const flag = argv.indexOf('--throttle');
const throttle = flag >= 0 ? Number(argv.splice(flag, 2)[1]) : 1;
const [dir, ...pages] = argv;

/** Trace event names counted, by the kind of main-thread work they are. */
const KINDS = {
  ParseHTML: 'parse HTML',
  'v8.compile': 'script compile',
  'v8.parseOnBackground': 'script compile',
  EvaluateScript: 'script run',
  FunctionCall: 'script run',
  EventDispatch: 'script run',
  TimerFire: 'script run',
  UpdateLayoutTree: 'style',
  ParseAuthorStyleSheet: 'stylesheet parse',
  Layout: 'layout',
  Paint: 'paint',
  PrePaint: 'paint',
  Layerize: 'paint',
};

async function trace(browser, url) {
  const { context } = await newContext(browser, { viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,v8,blink.user_timing,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(500 * throttle);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      nav: { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, response: nav.responseEnd },
      resources: performance.getEntriesByType('resource').map((r) => ({
        name: r.name.replace(/^https?:\/\/[^/]+\//, ''),
        start: r.startTime,
        end: r.responseEnd,
        size: r.encodedBodySize,
      })),
    };
  });
  await cdp.send('Tracing.end');
  await done;
  await context.close();
  return { timing, events };
}

function summarise(url, { timing, events }) {
  const start = events.find((e) => e.name === 'navigationStart' || e.name === 'TracingStartedInBrowser')?.ts ?? 0;
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame);
  const origin = nav ? nav.ts : start;
  const loadAt = origin + timing.nav.load * 1000;
  console.log(`\n## ${url} (CPU ${throttle}×)`);
  console.log(
    `response ${timing.nav.response.toFixed(0)} ms, DOMContentLoaded ${timing.nav.dcl.toFixed(0)} ms, load ${timing.nav.load.toFixed(0)} ms`,
  );
  console.log('requests (ms from navigation: start → end, KB):');
  for (const r of timing.resources) {
    console.log(`  ${r.start.toFixed(0).padStart(5)} → ${r.end.toFixed(0).padStart(5)}  ${(r.size / 1024).toFixed(1).padStart(6)}  ${r.name}`);
  }
  const totals = {};
  const perScript = {};
  for (const e of events) {
    const kind = KINDS[e.name];
    if (!kind || e.ph !== 'X' || e.ts < origin || e.ts > loadAt) continue;
    // Nested events of the same kind (a compile inside a run) are counted once, in their own kind.
    totals[kind] = (totals[kind] || 0) + e.dur / 1000;
    const file = e.args?.data?.url || e.args?.fileName;
    if (kind.startsWith('script') && file) {
      const key = `${kind}: ${file.replace(/^https?:\/\/[^/]+\//, '')}`;
      perScript[key] = (perScript[key] || 0) + e.dur / 1000;
    }
  }
  console.log('main thread until load (ms):');
  for (const [kind, ms] of Object.entries(totals).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${ms.toFixed(1).padStart(7)}  ${kind}`);
  }
  for (const [key, ms] of Object.entries(perScript).sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${ms.toFixed(1).padStart(7)}    ${key}`);
  }
}

const server = await serve(dir);
const browser = await launch();
try {
  for (const page of pages) summarise(page, await trace(browser, server.url + page));
} finally {
  await browser.close();
  await server.close();
}
