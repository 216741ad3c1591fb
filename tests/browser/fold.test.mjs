// The first step on a phone (issue 13): at 390×844 the first step of every
// page of the bundled guide that has steps shows without scrolling, unless
// the page's own words before it (title, lead and the prose above the
// step) leave no room; then everything else above it (the sticky header,
// the folded role filter, menu and answers, the breadcrumbs, the one-line
// progress) still fits a small budget, so the reader sees content, not
// controls. A done step reads as done in words, not grey alone.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { buildSite, launch, newContext, serve, waitReady } from './support.mjs';

const PHONE = { width: 390, height: 844 };
// Everything above the first step that is not the page's own words, in CSS
// pixels; the first step's line and its box take about this much again.
const CHROME_BUDGET = 420;
const STEP_LINE = 48;

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

/** Every page of the output with a step, as paths under the site. */
function pagesWithSteps(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pagesWithSteps(full, found);
    else if (entry.name === 'index.html' && /<li class="step[ "]/.test(fs.readFileSync(full, 'utf8')))
      found.push(path.relative(site, full).split(path.sep).join('/'));
  }
  return found.sort();
}

/** Where the first step is, and how much of what is above it is the page's own words. */
async function firstStep(page) {
  return page.evaluate(() => {
    const step = document.querySelector('main li.step');
    const box = step.querySelector('.step-check').getBoundingClientRect();
    const top = step.getBoundingClientRect().top;
    const height = (selector) => document.querySelector(selector)?.getBoundingClientRect().height || 0;
    // The prose above it, or on the overview its phase's and page's headings.
    const block = step.closest('.prose, .checklist-group');
    const words = height('main .page-title') + height('main .page-lead') + (block ? top - block.getBoundingClientRect().top : 0);
    return { top, boxBottom: box.bottom, words, chrome: top - words, header: height('.site-header') };
  });
}

describe('the first step on a phone', () => {
  test('shows without scrolling wherever the page\'s own words leave room', async (t) => {
    const pages = pagesWithSteps(site);
    assert.ok(pages.length >= 5, `pages with steps: ${pages}`);
    const { context } = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    let shown = 0;
    for (const path of pages) {
      await page.goto(server.url + path);
      await waitReady(page);
      const at = await firstStep(page);
      t.diagnostic(`${path}: first step at y ${Math.round(at.top)}, own words above it ${Math.round(at.words)} px, the rest ${Math.round(at.chrome)} px`);
      assert.ok(at.chrome <= CHROME_BUDGET, `${path}: ${Math.round(at.chrome)} px of controls above the first step`);
      if (at.words + CHROME_BUDGET + STEP_LINE <= PHONE.height) {
        assert.ok(at.boxBottom <= PHONE.height, `${path}: the first step's box ends at y ${Math.round(at.boxBottom)}`);
      }
      if (at.boxBottom <= PHONE.height) shown += 1;
    }
    // Six of the bundled guide's eight: the section page before-leaving/ and
    // unbind-contacts/ put the account-type table and where-to-click with its
    // screenshot before their steps, which the reader needs first.
    assert.ok(shown >= 6, `the first step shows on only ${shown} pages`);
    await context.close();
  });

  test('stays below the sticky header when the reader scrolls to it', async () => {
    const { context } = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.url + 'cancel-account/index.html#click-cancel');
    await waitReady(page);
    const header = await page.locator('.site-header').boundingBox();
    assert.equal(Math.round(header.y), 0, 'the header stays at the top');
    const step = await page.locator('#click-cancel').boundingBox();
    assert.ok(step.y >= header.y + header.height, `step at ${step.y}, header ends at ${header.y + header.height}`);
    await context.close();
  });
});

describe('folded controls on a phone', () => {
  test('the role and answers summaries say the current choice, and open to change it', async () => {
    const { context } = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.url + 'cancel-account/index.html');
    await waitReady(page);
    const role = page.locator('.role-filter > summary');
    assert.match(await role.innerText(), /我是\s*全部角色/);
    assert.equal(await page.getByRole('radio', { name: '离职员工' }).isVisible(), false, 'folded');
    await role.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('radio', { name: '离职员工' }).check();
    assert.match(await role.innerText(), /我是\s*离职员工/);

    const answers = page.locator('[data-answers] summary');
    assert.match(await answers.innerText(), /您的情况\s*不确定/);
    await answers.click();
    await page.getByRole('radio', { name: '子账号' }).check();
    assert.match(await answers.innerText(), /您的情况\s*子账号/);
    // A new page keeps the choices, folded, in its summaries.
    await page.goto(server.url + 'before-leaving/unbind-contacts/index.html');
    await waitReady(page);
    assert.match(await page.locator('.role-filter > summary').innerText(), /离职员工/);
    assert.equal(await page.getByRole('radio', { name: '离职员工' }).isVisible(), false);
    await context.close();
  });

  test('wide screens show them open, without a summary', async () => {
    const { context } = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url + 'cancel-account/index.html');
    await waitReady(page);
    assert.equal(await page.getByRole('radio', { name: '离职员工' }).isVisible(), true);
    assert.equal(await page.getByRole('radio', { name: '子账号' }).isVisible(), true);
    assert.equal(await page.locator('.role-filter > summary').isVisible(), false);
    assert.equal(await page.locator('[data-answers] summary').isVisible(), false);
    assert.equal(await page.locator('.progress-chips').isVisible(), true);
    await context.close();
  });

  test('progress is one line that says the page\'s status in words', async () => {
    const { context } = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.url + 'after-leaving/recover-account/index.html');
    await waitReady(page);
    const panel = page.locator('[data-page-progress]');
    const box = await panel.boundingBox();
    assert.ok(box.height <= 50, `the panel is ${box.height} px tall`);
    assert.match(await panel.innerText(), /本页进度\s*已完成 0\/\d+ 个步骤\s*本页状态：\s*待完成/);
    await context.close();
  });
});

describe('a done step', () => {
  test('says so in words, on the page and in the overview', async () => {
    const { context } = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await page.goto(server.url + 'before-leaving/unbind-contacts/index.html');
    await waitReady(page);
    await page.check('#step-unbind-phone');
    assert.equal(await page.locator('#unbind-phone .step-state').innerText(), '已完成');
    await page.goto(server.url + 'checklist/index.html');
    await waitReady(page);
    const item = page.locator('li.step[data-key$="#unbind-phone"]');
    assert.equal(await item.locator('.step-state').innerText(), '已完成');
    await context.close();
  });
});
