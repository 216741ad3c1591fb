// One set of numbers (issue 13, item 4): for the same reader, the figures
// of a page agree wherever they are shown — the page's own progress panel,
// its card on its section, its sidebar entry wherever the sidebar lists
// it, and the overview's figures for it (one per phase, summed); a
// section's card on the home page agrees with its sidebar entry on every
// page kind; the whole guide's figure agrees between the home
// page, a guide page's chip, a section page and the overview. Checked for
// a reader with nothing chosen and for one with a role, an answer and
// ticks, on the bundled guide.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { buildSite, launch, newContext, serve, waitReady } from './support.mjs';

const PAGE = 'before-leaving/unbind-contacts';
const SECTION = 'before-leaving/_index';
const KINDS = {
  home: 'index.html',
  section: 'before-leaving/index.html',
  'guide page': `${PAGE}/index.html`,
  'page with a condition': 'cancel-account/index.html',
  overview: 'checklist/index.html',
};
const READERS = {
  'nothing chosen': null,
  'an employee with a sub-account and ticks': {
    v: 2,
    done: {
      [`${PAGE}#unbind-wecom`]: '2026-12-01T08:00:00.000Z',
      [`${PAGE}#unbind-qq`]: '2026-12-01T08:00:00.000Z',
    },
    hashes: {},
    answers: { account: 'sub' },
    role: 'employee',
    hide: false,
    name: '',
  },
};

let site;
let server;
let browser;

before(async () => {
  site = buildSite();
  server = await serve(site);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const storageKey = () => {
  const manifest = fs.readFileSync(`${site}/checklist/steps.js`, 'utf8');
  return `offboard-site:${/"site":"([0-9a-f]+)"/.exec(manifest)[1]}`;
};

/** "2/9" of a figure node, as [2, 9] ([0, 0] when it shows none). */
const pair = (text) => {
  const found = /(\d+)\/(\d+)/.exec(text || '');
  return found ? [Number(found[1]), Number(found[2])] : [0, 0];
};

/** The figures a page kind shows for PAGE and for the whole guide. */
async function figuresOn(page, path) {
  await page.goto(server.url + path);
  await waitReady(page);
  return page.evaluate(([key, SECTION]) => {
    const text = (node) => node?.querySelector('[aria-hidden="true"]')?.textContent || node?.textContent || '';
    const result = { sidebar: text(document.querySelector(`.site-nav a[data-key="${key}"] .nav-progress`)) };
    const panel = document.querySelector('[data-page-progress] .progress-figure')?.textContent || '';
    if (document.body.dataset.pageKey === key) result.panel = panel;
    if (document.body.dataset.kind === 'checklist' || document.body.dataset.kind === 'index') result.guide = panel;
    const chip = document.querySelector('.progress-chips [data-progress-for="checklist"]');
    if (chip) result.guide = text(chip);
    const card = (of) => document.querySelector(`.card [data-progress-for="${of}"]`);
    if (card(key)) result.card = text(card(key));
    if (card(SECTION)) result.sectionCard = text(card(SECTION));
    const entry = document.querySelector(`.site-nav a[data-key="${SECTION}"] .nav-progress`);
    if (entry) result.sectionSidebar = text(entry);
    const parts = Array.from(document.querySelectorAll(`.checklist-page-title [data-progress-for^="${key}@"]`));
    if (parts.length) result.overview = parts.map(text);
    return result;
  }, [PAGE, SECTION]);
}

describe('one set of numbers', () => {
  for (const [reader, saved] of Object.entries(READERS)) {
    test(`${reader}: every page kind counts the same steps`, async (t) => {
      const { context } = await newContext(browser);
      await context.addInitScript(
        ([key, record]) => {
          if (record && !sessionStorage.getItem('seeded')) {
            localStorage.setItem(key, record);
            sessionStorage.setItem('seeded', '1');
          }
        },
        [storageKey(), saved ? JSON.stringify(saved) : null],
      );
      const page = await context.newPage();
      const seen = {};
      for (const [kind, path] of Object.entries(KINDS)) seen[kind] = await figuresOn(page, path);
      t.diagnostic(JSON.stringify(seen));
      const own = pair(seen['guide page'].panel);
      assert.ok(own[1] > 0, `the page counts steps: ${seen['guide page'].panel}`);
      if (saved) assert.equal(own[0], 2, 'both ticks count');
      // The sidebar lists the page on the pages of its section.
      for (const kind of ['section', 'guide page']) {
        assert.deepEqual(pair(seen[kind].sidebar), own, `the sidebar on the ${kind}`);
      }
      assert.deepEqual(pair(seen.section.card), own, "the page's card on its section");
      const section = pair(seen.section.sectionSidebar);
      assert.ok(section[1] >= own[1], 'the section counts the page');
      assert.deepEqual(pair(seen.home.sectionCard), section, "the section's card on the home page");
      for (const [kind, figures] of Object.entries(seen)) {
        assert.deepEqual(pair(figures.sectionSidebar), section, `the section's sidebar entry on the ${kind}`);
      }
      const overview = seen.overview.overview.map(pair).reduce((a, b) => [a[0] + b[0], a[1] + b[1]], [0, 0]);
      assert.deepEqual(overview, own, 'the overview, its phases summed');
      const guide = pair(seen.overview.guide);
      assert.ok(guide[1] >= own[1]);
      for (const kind of ['home', 'section', 'guide page', 'page with a condition']) {
        assert.deepEqual(pair(seen[kind].guide), guide, `the whole guide on the ${kind}`);
      }
      await context.close();
    });
  }
});
