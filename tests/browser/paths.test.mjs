// The bundled guide's two paths, walked as a reader walks them: answer the
// account-type question on the home page (or through a link), then go page
// by page ticking every step that applies to you, one member of each
// "任选其一" group only, until the overview says everything is done. Steps
// for the other path must say "不适用" and never count; the irreversible
// cancel request must not ask for confirmation when its requirements are
// done; a sub-account user unbinds their phone, email and WeChat only after
// the cancellation result (those steps say "尚不能开始" until then).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { buildSite, launch, newContext, serve, waitReady, watch } from './support.mjs';

/** Pages in the order a reader on either path goes through them. */
const MAIN_PAGES = [
  'before-leaving/index.html',
  'before-leaving/unbind-contacts/index.html',
  'after-leaving/appeal-new-email/index.html',
  'after-leaving/security-verification/index.html',
  'after-leaving/recover-account/index.html',
];
const SUB_PAGES = [
  'before-leaving/index.html',
  'before-leaving/materials/index.html',
  'cancel-account/index.html',
  'before-leaving/unbind-contacts/index.html',
  'after-leaving/appeal-new-email/index.html',
  'after-leaving/security-verification/index.html',
  'after-leaving/recover-account/index.html',
];

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

/** Answers question `question` with `answer` in the page's answers panel. */
async function answer(page, question, value) {
  const radio = page.locator(`[data-question="${question}"] input[value="${value}"]`);
  await radio.check();
  assert.equal(await radio.isChecked(), true);
}

/**
 * Ticks, in page order, every step on the page that applies and is not yet
 * done, skipping members of a choice another member already completes.
 * Fails if an irreversible step asks for confirmation (a `<dialog>`).
 * Returns the ids ticked.
 */
async function tickApplying(page) {
  const ticked = [];
  for (const item of await page.locator('li.step').all()) {
    const classes = (await item.getAttribute('class')) || '';
    if (/\bis-na\b|\bis-done\b|\bis-choice-met\b/.test(classes)) continue;
    const id = await item.getAttribute('data-step');
    assert.doesNotMatch(classes, /\bis-blocked\b/, `${id} can start when the reader gets to it`);
    await page.check(`#step-${id}`);
    assert.equal(await page.locator('dialog[open]').count(), 0, `${id}: no confirmation needed`);
    ticked.push(id);
  }
  return ticked;
}

/** The status a step says in words. */
function statusOf(page, id) {
  return page.locator(`#${id} .step-status`).first().innerText();
}

/** Opens the overview and returns its progress figure's text. */
async function overviewFigure(page) {
  await page.goto(server.url + 'checklist/index.html');
  await waitReady(page);
  return page.locator('.progress-figure').first().innerText();
}

describe('the bundled guide reaches 100 % on both paths', () => {
  test('main account: no cancellation, the unbinding steps at any time', async () => {
    const { context, log } = await newContext(browser);
    const page = await context.newPage();
    watch(page, log);
    await page.goto(server.url + 'index.html');
    await waitReady(page);
    await answer(page, 'account', 'main');

    await page.goto(server.url + 'cancel-account/index.html');
    await waitReady(page);
    for (const id of ['open-security-settings', 'check-resources', 'receive-result']) {
      assert.match(await page.locator(`#${id}`).getAttribute('class'), /is-na/, `${id} is not for a main account`);
    }
    await page.goto(server.url + 'before-leaving/materials/index.html');
    await waitReady(page);
    assert.match(await page.locator('#id-photos').getAttribute('class'), /is-na/);

    const ticked = {};
    for (const url of MAIN_PAGES) {
      await page.goto(server.url + url);
      await waitReady(page);
      ticked[url] = await tickApplying(page);
    }
    assert.deepEqual(ticked['before-leaving/index.html'], ['identify-account-type', 'main-account-update-contacts']);
    assert.deepEqual(ticked['before-leaving/unbind-contacts/index.html'], [
      'unbind-phone',
      'unbind-email',
      'unbind-wecom',
      'unbind-wechat',
      'unbind-qq',
      'unbind-wechat-mp',
    ]);
    assert.deepEqual(ticked['after-leaving/security-verification/index.html'], [
      'check-protection-methods',
      'change-verify-phone',
    ], 'one of the four verification methods is enough');
    assert.deepEqual(ticked['after-leaving/recover-account/index.html'], ['recover-by-company-info'], 'one of seven ways');
    assert.match(await overviewFigure(page), /已全部完成/);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('sub-account, set by a link: materials, cancellation, then the unbinding', async () => {
    const { context, log } = await newContext(browser);
    const page = await context.newPage();
    watch(page, log);
    await page.goto(server.url + 'index.html?account=sub&verified=yes');
    await waitReady(page);
    assert.equal(await page.locator('[data-question="account"] input[value="sub"]').isChecked(), true);

    // Before the cancellation, the phone waits for its result.
    await page.goto(server.url + 'before-leaving/unbind-contacts/index.html');
    await waitReady(page);
    assert.match(await page.locator('#unbind-phone').getAttribute('class'), /is-na/);
    assert.match(await page.locator('#unbind-phone-after-cancel').getAttribute('class'), /is-blocked/);
    assert.match(await statusOf(page, 'unbind-phone-after-cancel'), /尚不能开始/);

    const ticked = {};
    for (const url of SUB_PAGES) {
      await page.goto(server.url + url);
      await waitReady(page);
      ticked[url] = await tickApplying(page);
    }
    assert.deepEqual(ticked['before-leaving/index.html'], ['identify-account-type']);
    assert.deepEqual(ticked['before-leaving/materials/index.html'], ['face-recognition'], 'face recognition or ID photos');
    assert.deepEqual(ticked['cancel-account/index.html'], [
      'open-security-settings',
      'click-cancel',
      'accept-agreement',
      'check-resources',
      'wait-review',
      'receive-result',
    ]);
    assert.deepEqual(ticked['before-leaving/unbind-contacts/index.html'], [
      'unbind-phone-after-cancel',
      'unbind-email-after-cancel',
      'unbind-wecom',
      'unbind-wechat-after-cancel',
      'unbind-qq',
      'unbind-wechat-mp',
    ]);
    assert.match(await overviewFigure(page), /已全部完成/);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('sub-account without real-name verification: no materials to upload, still 100 %', async () => {
    const { context, log } = await newContext(browser);
    const page = await context.newPage();
    watch(page, log);
    await page.goto(server.url + 'index.html');
    await waitReady(page);
    await answer(page, 'account', 'sub');
    await answer(page, 'verified', 'no');
    const ticked = {};
    for (const url of SUB_PAGES) {
      await page.goto(server.url + url);
      await waitReady(page);
      ticked[url] = await tickApplying(page);
    }
    assert.deepEqual(ticked['before-leaving/materials/index.html'], ['check-security-verification']);
    assert.match(await overviewFigure(page), /已全部完成/);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('the irreversible cancel request asks first while its requirements are open', async () => {
    const { context } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + 'cancel-account/index.html?account=sub');
    await waitReady(page);
    const request = page.locator('#check-resources');
    assert.match(await request.innerText(), /不可撤销/);
    await page.locator('#step-check-resources').click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /不可撤销|无法撤销/);
    await context.close();
  });
});
