// The reader-side checklist in a real browser: ticks that last, keyboard
// use, progress figures, the overview page, tabs in sync, the role filter,
// requirement notices, reset, export, corrupt storage, a strict CSP, no
// JavaScript, file:// and axe-core. Uses the bundled (Chinese) guide and a
// small English site.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
  buildSite,
  fileUrl,
  launch,
  newContext,
  openPage,
  serve,
  seriousAxeViolations,
  waitReady,
  watch,
  writeSite,
} from './support.mjs';

const GUIDE = 'before-leaving/unbind-contacts/index.html';
const CANCEL = 'cancel-account/index.html';
const OVERVIEW = 'checklist/index.html';

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

const url = (path) => server.url + path;
const isChecked = (page, id) => page.locator(`#${id}`).isChecked();
const text = (page, selector) => page.locator(selector).first().innerText();
const storageKey = () => {
  const manifest = fs.readFileSync(`${site}/checklist/steps.js`, 'utf8');
  return `offboard-site:${/"site":"([0-9a-f]+)"/.exec(manifest)[1]}`;
};

/** Asserts that nothing went wrong on the page and nothing left the machine but content images. */
function assertClean(log) {
  assert.deepEqual(log.errors, [], 'no console errors');
  assert.deepEqual(log.failed, [], 'no failed requests');
  assert.deepEqual(
    log.foreign.filter((request) => request.type !== 'image'),
    [],
    'no requests to other hosts except images in the content',
  );
}

describe('progress that lasts', () => {
  test('a tick survives a reload and is kept with its time', async () => {
    const { context, page, log } = await openPage(browser, url(GUIDE));
    assert.equal(await isChecked(page, 'step-unbind-phone'), false);
    await page.check('#step-unbind-phone');
    await page.reload();
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-phone'), true);
    assert.equal(await isChecked(page, 'step-unbind-email'), false);
    assert.match(await page.locator('#unbind-phone').getAttribute('class'), /is-done/);
    const saved = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), storageKey()));
    assert.equal(saved.v, 2);
    assert.ok(!Number.isNaN(Date.parse(saved.done['before-leaving/unbind-contacts#unbind-phone'])));
    assertClean(log);
    await context.close();
  });

  test('unticking removes the step from the record', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    await page.check('#step-unbind-qq');
    await page.uncheck('#step-unbind-qq');
    await page.reload();
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-qq'), false);
    await context.close();
  });

  test('the keyboard reaches a box with visible focus, and Space ticks it', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    await page.locator('#step-unbind-email').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
      id: document.activeElement.id,
      visible: document.activeElement.matches(':focus-visible'),
      outline: getComputedStyle(document.activeElement).outlineStyle,
    }));
    assert.deepEqual(focused, { id: 'step-unbind-email', visible: true, outline: 'solid' });
    await page.keyboard.press('Space');
    assert.equal(await isChecked(page, 'step-unbind-email'), true);
    await page.keyboard.press('Space');
    assert.equal(await isChecked(page, 'step-unbind-email'), false);
    await context.close();
  });
});

describe('progress you can see', () => {
  test('page, guide, phase and sidebar figures follow the ticks, and the live region says so', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    assert.equal(await page.locator('[data-page-progress]').isVisible(), true);
    assert.match(await text(page, '.progress-figure'), /已完成 0\/9 个步骤/, 'with no answers, main- and sub-account steps all count');
    await page.check('#step-unbind-phone');
    await page.check('#step-unbind-email');
    assert.match(await text(page, '.progress-figure'), /已完成 2\/9 个步骤/);
    assert.equal(await page.locator('.progress-bar').evaluate((bar) => `${bar.value}/${bar.max}`), '2/9');
    const chips = await page
      .locator('.progress-chips li:not([hidden]) a')
      .evaluateAll((links) =>
        links.map((a) => `${a.querySelector('.chip-name').textContent} ${a.querySelector('[aria-hidden]').textContent}`),
      );
    assert.deepEqual(chips, ['全部进度 2/23', '离职前 2/12'], 'the guide and the phases of this page');
    const sidebar = page.locator('.sidebar [data-progress-for="before-leaving/unbind-contacts"]');
    assert.equal(await sidebar.locator('[aria-hidden="true"]').innerText(), '2/9');
    assert.equal(await sidebar.locator('.visually-hidden').textContent(), ' 已完成 2/9 个步骤');
    assert.equal(
      await page.locator('.sidebar [data-progress-for="checklist"] [aria-hidden="true"]').innerText(),
      '2/23',
    );
    // A section counts everything under it: its own steps and its pages'.
    const figure = (key) => page.locator(`.sidebar [data-progress-for="${key}"] [aria-hidden="true"]`).innerText();
    assert.equal(await figure('before-leaving/_index'), '2/12');
    assert.equal(await figure('after-leaving/_index'), '0/5', 'four ways to verify and seven to recover each count once');
    const live = page.locator('[role="status"][aria-live="polite"]');
    await page.waitForFunction(() => document.querySelector('[role="status"]').textContent.includes('解绑个人邮箱'));
    assert.equal(await live.textContent(), '已完成：解绑个人邮箱。 本页进度：已完成 2/9 个步骤。');
    for (const box of await page.locator('.step-check').all()) {
      if (!(await box.isChecked())) await box.check();
    }
    assert.match(await text(page, '.progress-figure'), /已全部完成/);
    assert.match(await sidebar.getAttribute('class'), /is-complete/);
    await context.close();
  });

  test('the overview page shares the same progress, both ways', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    await page.check('#step-unbind-wecom');
    await page.goto(url(OVERVIEW));
    await waitReady(page);
    const overviewBox = '#check--before-leaving\\/unbind-contacts--unbind-wecom';
    assert.equal(await page.locator(overviewBox).isChecked(), true);
    assert.match(await text(page, '.progress-figure'), /已完成 1\/23 个步骤/);
    const chips = await page
      .locator('.progress-chips li:not([hidden]) a')
      .evaluateAll((links) => links.map((a) => a.textContent.replace(/已完成.*/, '').trim()));
    assert.deepEqual(chips, ['离职前 1/12', '注销子账号 0/6', '离职后 0/5'], 'every phase');
    assert.equal(
      await page.locator('#phase-before-title [data-progress-for] [aria-hidden="true"]').innerText(),
      '1/12',
    );
    await page.check('#check--before-leaving\\/unbind-contacts--unbind-qq');
    await page.goto(url(GUIDE));
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-qq'), true);
    assert.equal(await isChecked(page, 'step-unbind-wecom'), true);
    // Each overview step links back to its place in the guide.
    await page.goto(url(OVERVIEW));
    await waitReady(page);
    const back = await page
      .locator('#before-leaving\\/unbind-contacts--unbind-qq .step-goto')
      .getAttribute('href');
    assert.equal(back, '../before-leaving/unbind-contacts/index.html#unbind-qq');
    await context.close();
  });

  test('two open tabs stay in sync without reloading', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    const other = await context.newPage();
    await other.goto(url(OVERVIEW));
    await waitReady(other);
    await page.check('#step-unbind-wechat');
    await other.waitForFunction(
      () => document.getElementById('check--before-leaving/unbind-contacts--unbind-wechat').checked,
    );
    await other.uncheck('#check--before-leaving\\/unbind-contacts--unbind-wechat');
    await page.waitForFunction(() => !document.getElementById('step-unbind-wechat').checked);
    await other.getByRole('radio', { name: '账号所有者' }).check();
    await page.waitForFunction(() => document.querySelector('#unbind-phone').classList.contains('is-dimmed'));
    assert.equal(await page.getByRole('radio', { name: '账号所有者' }).isChecked(), true);
    await context.close();
  });
});

describe('roles', () => {
  test('the role filter dims, hides, is remembered and can be undone', async () => {
    const { context, page, log } = await openPage(browser, url(OVERVIEW));
    const filter = page.locator('.sidebar [data-role-filter]');
    assert.equal(await filter.isVisible(), true);
    assert.deepEqual(await filter.getByRole('radio').evaluateAll((radios) => radios.map((r) => r.labels[0].innerText)), [
      '全部角色',
      '离职员工',
      '账号所有者',
    ]);
    assert.equal(await page.getByRole('radio', { name: '全部角色' }).isChecked(), true);
    assert.equal(await page.locator('li.step.is-dimmed').count(), 0);
    assert.equal(await page.getByLabel('隐藏不适用于我的步骤').isVisible(), false);

    await page.getByRole('radio', { name: '账号所有者' }).check();
    assert.equal(await page.locator('li.step.is-dimmed').count(), 20);
    assert.equal(await page.locator('li.step[data-role="admin"].is-dimmed').count(), 0);
    assert.match(await text(page, '.progress-figure'), /已完成 0\/5 个步骤/);
    assert.match(await text(page, '.progress-note'), /仅统计账号所有者的步骤/);

    await page.reload();
    await waitReady(page);
    assert.equal(await page.getByRole('radio', { name: '账号所有者' }).isChecked(), true, 'remembered');
    await page.getByLabel('隐藏不适用于我的步骤').check();
    assert.equal(await page.locator('li.step:visible').count(), 14);
    assert.equal(await page.locator('#phase-before').isVisible(), false, 'empty phase groups go too');

    await page.goto(url(GUIDE));
    await waitReady(page);
    assert.equal(await page.locator('li.step:visible').count(), 0);
    assert.equal(await text(page, '.progress-figure'), '这里没有账号所有者的步骤');
    assert.equal(await page.locator('.progress-bar').isVisible(), false);
    await page.getByRole('radio', { name: '全部角色' }).check();
    assert.equal(await page.locator('li.step:visible').count(), 9);
    assert.equal(await page.locator('li.step.is-dimmed').count(), 0);
    assertClean(log);
    await context.close();
  });
});

describe('requirements', () => {
  test('a notice names the missing steps with links and clears as soon as they are ticked', async () => {
    const { context, page } = await openPage(browser, url(CANCEL));
    const notice = page.locator('#click-cancel > .step-notice');
    assert.equal(await notice.isVisible(), true);
    assert.match(await notice.innerText(), /尚不能开始/);
    // A requirement above on the same numbered list reads as order, unlinked.
    assert.match(await notice.innerText(), /完成第 1 步后开始/);
    assert.equal(await notice.getByRole('link').count(), 0);
    assert.equal(await page.locator('#click-cancel > .step-requires').isVisible(), false);

    // Requirements on other pages link there.
    const crossPage = page.locator('#open-security-settings > .step-notice a');
    assert.deepEqual(await crossPage.evaluateAll((links) => links.map((a) => a.getAttribute('href'))), [
      '../before-leaving/index.html#identify-account-type',
      '../before-leaving/materials/index.html#face-recognition',
    ]);

    await page.check('#step-open-security-settings');
    assert.equal(await notice.count(), 0, 'cleared at once');
    assert.equal(await page.locator('#click-cancel > .step-requires').isVisible(), true);
    assert.match(
      await page.locator('#click-cancel > .step-requires a').getAttribute('class'),
      /is-met/,
    );
    await page.waitForFunction(() => document.querySelector('[role="status"]').textContent.includes('可以开始'));
    assert.match(await text(page, '[role="status"]'), /可以开始：在“账号注销”栏中，单击注销并完成身份验证/);
    await page.uncheck('#step-open-security-settings');
    assert.equal(await notice.isVisible(), true, 'and comes back when unticked');
    await context.close();
  });
});

describe('the overview page', () => {
  test('reset asks first, and cancelling keeps everything', async () => {
    const { context, page } = await openPage(browser, url(OVERVIEW));
    await page.check('#check--before-leaving\\/unbind-contacts--unbind-phone');
    await page.getByRole('radio', { name: '离职员工' }).check();
    await page.getByRole('button', { name: '重置进度' }).click();
    const dialog = page.getByRole('dialog', { name: '要重置全部进度吗？' });
    assert.equal(await dialog.isVisible(), true);
    assert.match(await dialog.innerText(), /已完成 1 个步骤/);
    await dialog.getByRole('button', { name: '取消' }).click();
    await page.waitForFunction(() => !document.querySelector('[data-reset-dialog]').open);
    await page.waitForTimeout(100);
    assert.equal(await page.locator('#check--before-leaving\\/unbind-contacts--unbind-phone').isChecked(), true);

    await page.getByRole('button', { name: '重置进度' }).click();
    await dialog.getByRole('button', { name: '重置', exact: true }).click();
    // The dialog's close event comes in a task of its own.
    await page.waitForFunction(() => !document.querySelector('.step-check:checked'));
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await page.getByRole('radio', { name: '全部角色' }).isChecked(), true);
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), storageKey()), null);
    await page.waitForFunction(() => document.querySelector('[role="status"]').textContent === '进度已重置。');
    await context.close();
  });

  test('the exported JSON names the reader, the ticked steps with their times, and what is open', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    const start = Date.now();
    await page.check('#step-unbind-phone');
    await page.check('#step-unbind-email');
    await page.goto(url(OVERVIEW));
    await waitReady(page);
    await page.getByRole('radio', { name: '离职员工' }).check();
    await page.getByLabel('姓名（可选，写入完成记录）').fill('张三');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出记录（JSON）' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^completion-record-\d{4}-\d{2}-\d{2}\.json$/);
    const record = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(record.format, 'offboard-site completion record');
    assert.equal(record.site.title, '腾讯云账号离职交接指南');
    assert.deepEqual(record.reader, { name: '张三', role: 'employee', role_label: '离职员工', answers: [] });
    assert.deepEqual(record.summary, { done: 2, total: 18 }, 'counted as the progress is: the employee\'s steps');
    const done = record.steps.filter((step) => step.done);
    assert.deepEqual(
      done.map((step) => step.key),
      ['before-leaving/unbind-contacts#unbind-phone', 'before-leaving/unbind-contacts#unbind-email'],
    );
    for (const step of done) {
      const at = Date.parse(step.ticked_at);
      assert.ok(at >= start - 1000 && at <= Date.now(), `ticked_at ${step.ticked_at}`);
      assert.equal(step.page, '解绑个人联系方式');
    }
    const open = record.steps.filter((step) => !step.done);
    assert.equal(open.length, 32, 'every step of the guide is listed, each with whether it applies');
    assert.ok(open.every((step) => step.ticked_at === null));
    assert.deepEqual(
      Object.keys(open[0]).sort(),
      ['applies', 'choice', 'done', 'id', 'irreversible', 'key', 'optional', 'page', 'page_url', 'phase', 'phase_label', 'role', 'role_label', 'text', 'ticked_at'],
    );
    // The name is remembered for the next visit.
    await page.reload();
    await waitReady(page);
    assert.equal(await page.getByLabel('姓名（可选，写入完成记录）').inputValue(), '张三');
    await context.close();
  });

  test('the printable record shows who, what was ticked when, and what is still open', async () => {
    const { context, page } = await openPage(browser, url(OVERVIEW));
    await page.evaluate(() => {
      window.printed = 0;
      window.print = () => (window.printed += 1);
    });
    await page.check('#check--before-leaving\\/_index--identify-account-type');
    await page.getByLabel('姓名（可选，写入完成记录）').fill('李四');
    await page.getByRole('button', { name: '打印完成记录' }).click();
    assert.equal(await page.evaluate(() => window.printed), 1);
    const record = page.getByRole('region', { name: '完成记录' });
    assert.equal(await record.isVisible(), true);
    const shown = await record.innerText();
    assert.match(shown, /姓名\s+李四/);
    assert.match(shown, /已完成 1\/23 个步骤/);
    assert.match(shown, /已完成的步骤（1）/);
    assert.match(shown, /尚未完成的步骤（22）/);
    const doneRows = record.locator('table').first().locator('tbody tr');
    assert.equal(await doneRows.count(), 1);
    assert.match(await doneRows.innerText(), /确认离职员工绑定的是主账号还是子账号\s+离职前相关操作\s+离职员工\s+\S+/);
    // In print, only the record shows, with no buttons.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.checklist-group').first().isVisible(), false);
    assert.equal(await page.locator('.record-actions').isVisible(), false);
    assert.equal(await record.isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
    await record.getByRole('button', { name: '关闭记录' }).click();
    assert.equal(await record.isVisible(), false);
    await context.close();
  });

  test('printing a guide page shows the boxes, ticked or not, and hides navigation', async () => {
    const { context, page } = await openPage(browser, url(GUIDE));
    await page.check('#step-unbind-phone');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.sidebar').isVisible(), false);
    assert.equal(await page.locator('.site-header').isVisible(), false);
    assert.equal(await page.locator('[data-page-progress]').isVisible(), false);
    assert.equal(await page.locator('.step-check').count(), 9);
    assert.equal(await page.locator('#step-unbind-email').isVisible(), true);
    assert.equal(await page.locator('#step-unbind-phone').isChecked(), true);
    await context.close();
  });
});

describe('reliability', () => {
  test('corrupt saved data is ignored with a warning, and the page still works', async () => {
    const { context, page, log } = await openPage(browser, url(GUIDE));
    await page.evaluate((key) => localStorage.setItem(key, '{"v":1,"done":'), storageKey());
    await page.reload();
    await waitReady(page);
    assert.equal(log.warnings.length, 1);
    assert.match(log.warnings[0], /offboard-site: .* is not valid JSON; it is ignored/);
    assert.equal(await page.locator('.step-check:checked').count(), 0);
    await page.check('#step-unbind-phone');
    await page.reload();
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-phone'), true, 'a fresh record replaces it');
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('records of another version or shape are ignored with a warning', async () => {
    for (const saved of ['{"v":0,"done":{}}', '[1,2]', '"text"', '{"v":1,"done":[]}']) {
      const { context, page, log } = await openPage(browser, url(GUIDE));
      await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storageKey(), saved]);
      await page.reload();
      await waitReady(page);
      assert.equal(log.warnings.length, 1, saved);
      assert.match(log.warnings[0], /is not a version 1 or 2 progress record/);
      assert.deepEqual(log.errors, []);
      await context.close();
    }
  });

  test('steps that no longer exist are dropped quietly and the rest kept', async () => {
    const { context, page, log } = await openPage(browser, url(GUIDE));
    const record = {
      v: 1,
      done: {
        'before-leaving/unbind-contacts#unbind-phone': '2024-05-01T08:00:00.000Z',
        'before-leaving/unbind-contacts#gone-step': '2024-05-01T08:00:00.000Z',
        'removed-page#x': '2024-05-01T08:00:00.000Z',
        'before-leaving/unbind-contacts#unbind-qq': 'not a time',
      },
      role: 'nobody',
    };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storageKey(), JSON.stringify(record)]);
    await page.reload();
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-phone'), true);
    assert.equal(await isChecked(page, 'step-unbind-qq'), false);
    assert.equal(log.warnings.length, 1, `only the entry without a time is reported: ${log.warnings}`);
    assert.match(log.warnings[0], /1 entries without a valid time/);
    assert.equal(await page.getByRole('radio', { name: '全部角色' }).isChecked(), true);
    await page.check('#step-unbind-email');
    const saved = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), storageKey()));
    assert.deepEqual(Object.keys(saved.done).sort(), [
      'before-leaving/unbind-contacts#unbind-email',
      'before-leaving/unbind-contacts#unbind-phone',
    ]);
    assert.equal(saved.done['before-leaving/unbind-contacts#unbind-phone'], '2024-05-01T08:00:00.000Z');
    await context.close();
  });

  test('where the browser refuses storage, ticks still work and the reader is told', async () => {
    const { context, log } = await newContext(browser);
    await context.addInitScript(() =>
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      }),
    );
    const page = await context.newPage();
    watch(page, log);
    await page.goto(url(GUIDE));
    await waitReady(page);
    assert.equal(await page.locator('.progress-warning').isVisible(), true);
    assert.match(await text(page, '.progress-warning'), /无法保存进度/);
    await page.check('#step-unbind-phone');
    assert.match(await text(page, '.progress-figure'), /已完成 1\/9 个步骤/);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('every page works under script-src \'self\' with no console errors and nothing sent elsewhere', async () => {
    const { context, page, log } = await openPage(browser, url('index.html'));
    const pages = [
      'index.html',
      'before-leaving/index.html',
      GUIDE,
      'before-leaving/materials/index.html',
      CANCEL,
      'after-leaving/index.html',
      'after-leaving/appeal-new-email/index.html',
      'after-leaving/security-verification/index.html',
      'after-leaving/recover-account/index.html',
      OVERVIEW,
      '404.html',
    ];
    for (const path of pages) {
      const response = await page.goto(url(path));
      assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
      await waitReady(page);
      const box = page.locator('.step-check').first();
      if (await box.count()) await box.check();
    }
    assert.deepEqual(log.warnings, []);
    assertClean(log);
    const local = server.requests.filter((path) => path.endsWith('.js'));
    assert.ok(local.includes('/checklist/steps.js'));
    await context.close();
  });

  test('without JavaScript every page still lists its steps', async () => {
    const { context, page, log } = await openPage(browser, url(GUIDE), { javaScriptEnabled: false });
    assert.equal(await page.locator('li.step').count(), 9);
    assert.equal(await page.locator('li.step').first().isVisible(), true);
    assert.match(await page.locator('#unbind-phone').innerText(), /解绑个人手机号/);
    assert.equal(await page.locator('[data-page-progress]').isVisible(), false);
    assert.equal(await page.locator('[data-role-filter]').isVisible(), false);
    await page.goto(url(OVERVIEW));
    assert.equal(await page.locator('li.step').count(), 34);
    assert.equal(await page.locator('[data-checklist-tools]').isVisible(), false);
    assert.equal(await page.locator('.checklist-group').count(), 3);
    await page.goto(url(CANCEL));
    assert.equal(await page.locator('#click-cancel > .step-requires a').isVisible(), true);
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('from file:// the checklist works and lasts', async () => {
    const { context, page, log } = await openPage(browser, fileUrl(site, GUIDE));
    await page.check('#step-unbind-wechat-mp');
    await page.reload();
    await waitReady(page);
    assert.equal(await isChecked(page, 'step-unbind-wechat-mp'), true);
    await page.click('.sidebar a[data-key="checklist"]');
    await waitReady(page);
    assert.ok(page.url().startsWith('file://'));
    assert.equal(await page.locator('#check--before-leaving\\/unbind-contacts--unbind-wechat-mp').isChecked(), true);
    assertClean(log);
    await context.close();
  });
});

describe('accessibility', () => {
  for (const [name, path] of [
    ['home', 'index.html'],
    ['guide page', CANCEL],
    ['overview', OVERVIEW],
  ]) {
    for (const colorScheme of ['light', 'dark']) {
      test(`axe-core finds nothing serious on the ${name} (${colorScheme})`, async () => {
        const { context, page } = await openPage(browser, fileUrl(site, path), { colorScheme });
        // With a role chosen and a step ticked, so dimmed steps, notices
        // and figures are all on the page.
        await page.getByRole('radio', { name: '离职员工' }).first().check();
        const box = page.locator('.step-check').first();
        if (await box.count()) await box.check();
        assert.deepEqual(await seriousAxeViolations(page), []);
        await context.close();
      });
    }
  }
});

describe('a site without roles or phases', () => {
  test('still has a working checklist, with no role filter', async () => {
    const root = writeSite({
      'site.toml': 'title = "Plain"\nlanguage = "en"\n',
      'content/_index.md': '+++\ntitle = "Home"\n+++\n\n- [ ] First {#first}\n- [ ] Second {#second}\n',
    });
    const local = await serve(buildSite({ root }));
    const { context, page, log } = await openPage(browser, `${local.url}index.html`);
    try {
      assert.equal(await page.locator('[data-role-filter]').isVisible(), false);
      await page.check('#step-first');
      assert.match(await text(page, '.progress-figure'), /1 of 2 steps done/);
      assert.deepEqual(await page.locator('.progress-chips .chip-name').allTextContents(), ['Whole guide']);
      await page.goto(`${local.url}checklist/index.html`);
      await waitReady(page);
      assert.equal(await page.locator('#check--_index--first').isChecked(), true);
      assert.equal(await page.locator('#phase-other-title [data-progress-for] [aria-hidden]').innerText(), '1/2');
      assertClean(log);
    } finally {
      await context.close();
      await local.close();
    }
  });
});

describe('an English site', () => {
  test('the interface speaks English', async (t) => {
    const root = writeSite({
      'content/_index.md': '+++\ntitle = "Home"\n+++\n\nWelcome.\n',
      'content/leave.md':
        '+++\ntitle = "Leaving"\nrole = "employee"\nphase = "before"\n[steps.hand-over]\nrole = "admin"\nrequires = ["return-laptop"]\n+++\n\n- [ ] Return the laptop {#return-laptop}\n- [ ] Hand over the account {#hand-over}\n',
    });
    const output = buildSite({ root });
    const local = await serve(output);
    t.after(() => local.close());
    const { context, page, log } = await openPage(browser, `${local.url}leave/index.html`);
    t.after(() => context.close());
    assert.match(await text(page, '[data-role-filter] legend'), /I am/);
    assert.match(await text(page, '#hand-over > .step-notice'), /Cannot start yet\s+First finish: Return the laptop/);
    assert.match(await text(page, '.progress-figure'), /0 of 2 steps done/);
    await page.check('#step-return-laptop');
    assert.equal(await page.locator('#hand-over > .step-notice').count(), 0);
    await page.waitForFunction(() => document.querySelector('[role="status"]').textContent.includes('Done'));
    assert.equal(
      await text(page, '[role="status"]'),
      'Done: Return the laptop. This page: 1 of 2 steps done. You can now start: Hand over the account.',
    );
    assertClean(log);
  });
});

describe('a site too large for one overview page', () => {
  // 1 + 3 × 7 × 100 = 2,101 steps: over the 2,000 where the overview splits.
  function largeSite() {
    const files = {
      'content/_index.md': '+++\ntitle = "Home"\nphase = "before"\n+++\n\n- [ ] Read this first {#read}\n',
    };
    ['alpha', 'beta', 'gamma'].forEach((name, index) => {
      files[`content/${name}/_index.md`] = `+++\ntitle = "Part ${name}"\nweight = ${index + 1}\n+++\n\nAbout ${name}.\n`;
      for (let p = 1; p <= 7; p += 1) {
        const phase = p % 2 ? 'before' : 'after';
        // Only gamma has admin steps.
        const role = name === 'gamma' ? 'admin' : 'employee';
        const steps = Array.from({ length: 100 }, (_, s) => `- [ ] Do ${name} ${p}.${s} {#s${s}}`).join('\n');
        // One requirement across sections: gamma's first step needs alpha's.
        const requires = name === 'gamma' && p === 1 ? '[steps.s0]\nrequires = ["../alpha/p1.md#s0"]\n' : '';
        files[`content/${name}/p${p}.md`] =
          `+++\ntitle = "${name} page ${p}"\nweight = ${p}\nphase = "${phase}"\nrole = "${role}"\n${requires}+++\n\n${steps}\n`;
      }
    });
    return writeSite(files);
  }

  test('the overview links to one page per section, and progress is shared with them', async (t) => {
    const output = buildSite({ root: largeSite() });
    const local = await serve(output);
    t.after(() => local.close());
    const overview = fs.readFileSync(`${output}/checklist/index.html`, 'utf8');
    assert.ok(overview.length < 40_000, `the overview stays small (${overview.length} bytes)`);
    for (const name of ['alpha', 'beta', 'gamma']) {
      assert.ok(fs.existsSync(`${output}/checklist/${name}/index.html`), `checklist/${name}/ exists`);
    }
    const { context, page, log } = await openPage(browser, `${local.url}alpha/p1/index.html`);
    t.after(() => context.close());
    await page.check('#step-s0');
    await page.check('#step-s1');

    await page.goto(`${local.url}checklist/index.html`);
    await waitReady(page);
    // Only the home page's own step is listed here; the rest are a link per section and phase.
    assert.equal(await page.locator('li.step').count(), 1);
    assert.deepEqual(
      await page.locator('#phase-before .checklist-part a').allTextContents(),
      ['Part alpha', 'Part beta', 'Part gamma'],
    );
    const figure = (selector) => page.locator(`${selector} [data-progress-for] [aria-hidden="true"]`).first().innerText();
    assert.equal(await figure('#phase-before .checklist-part:nth-child(1)'), '2/400');
    assert.equal(await figure('#phase-after .checklist-part:nth-child(1)'), '0/300');
    assert.equal(await figure('#phase-before-title'), '2/1201');
    assert.match(await text(page, '.progress-figure'), /2 of 2101 steps done/);
    assert.equal(await page.locator('[data-checklist-tools]').isVisible(), true, 'the record tools stay here');

    // A section's own overview page lists its steps, ticked where they were ticked.
    await page.click('#phase-before .checklist-part:nth-child(1) a');
    await waitReady(page);
    assert.match(page.url(), /checklist\/alpha\/index\.html#phase-before$/);
    assert.equal(await page.locator('li.step').count(), 700);
    assert.equal(await page.locator('#check--alpha\\/p1--s1').isChecked(), true);
    assert.equal(await page.locator('[data-checklist-tools]').count(), 0);
    assert.equal(
      await page.locator('#alpha\\/p1--s1 .step-goto').getAttribute('href'),
      '../../alpha/p1/index.html#s1',
    );
    await page.check('#check--alpha\\/p2--s5');
    assert.match(await text(page, '.progress-figure'), /3 of 2101 steps done/);

    // With the other roles' steps hidden, a section with none left goes too.
    await page.goto(`${local.url}checklist/index.html`);
    await waitReady(page);
    assert.equal(await figure('#phase-after .checklist-part:nth-child(1)'), '1/300');
    await page.evaluate((key) => {
      const record = JSON.parse(localStorage.getItem(key));
      localStorage.setItem(key, JSON.stringify({ ...record, role: 'admin', hide: true }));
    }, `offboard-site:${/"site":"([0-9a-f]+)"/.exec(fs.readFileSync(`${output}/checklist/steps.js`, 'utf8'))[1]}`);
    await page.reload();
    await waitReady(page);
    assert.deepEqual(
      await page.locator('#phase-before .checklist-part:not([hidden]) a').allTextContents(),
      ['Part gamma'],
    );
    assertClean(log);
  });

  test('each page loads a summary and its own section\'s steps; the record loads the rest', async (t) => {
    const output = buildSite({ root: largeSite() });
    const local = await serve(output);
    t.after(() => local.close());
    const summary = fs.readFileSync(`${output}/checklist/steps.js`, 'utf8');
    assert.doesNotMatch(summary, /Do alpha/, 'the summary has no step texts');
    for (const name of ['alpha', 'beta', 'gamma']) {
      assert.match(fs.readFileSync(`${output}/checklist/${name}/steps.js`, 'utf8'), new RegExp(`Do ${name} 1\\.0`));
    }
    const { context, page, log } = await openPage(browser, `${local.url}alpha/p1/index.html`);
    t.after(() => context.close());
    const requests = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.reload();
    await waitReady(page);
    assert.ok(requests.includes('/checklist/alpha/steps.js'), 'its own section\'s details');
    assert.ok(!requests.some((path) => /checklist\/(beta|gamma)\/steps\.js/.test(path)), 'not the others\'');
    await page.check('#step-s0');
    await page.check('#step-s1');
    // Whole-guide figures without the other sections' details.
    assert.equal(await page.locator('.progress-chips [data-progress-for="checklist"] [aria-hidden="true"]').innerText(), '2/2101');

    // A page of another section keeps the ticks and names the step it needs.
    requests.length = 0;
    await page.goto(`${local.url}gamma/p1/index.html`);
    await waitReady(page);
    assert.ok(!requests.some((path) => /checklist\/alpha\/steps\.js/.test(path)));
    assert.equal(await page.locator('.progress-chips [data-progress-for="checklist"] [aria-hidden="true"]').innerText(), '2/2101');
    assert.equal(await page.locator('#s0 > .step-notice').count(), 0, 'alpha 1.0 is done');
    await page.goto(`${local.url}alpha/p1/index.html`);
    await waitReady(page);
    await page.uncheck('#step-s0');
    await page.goto(`${local.url}gamma/p1/index.html`);
    await waitReady(page);
    const notice = page.locator('#s0 > .step-notice a');
    assert.equal(await notice.innerText(), 'Do alpha 1.0');
    assert.equal(await notice.getAttribute('href'), '../../alpha/p1/index.html#s0');
    assert.match(await page.locator('#s0 > .step-notice').innerText(), /alpha page 1/);
    await page.check('#step-s5');

    // The overview: figures right, and the export covers every section.
    await page.goto(`${local.url}checklist/index.html`);
    await waitReady(page);
    assert.match(await text(page, '.progress-figure'), /2 of 2101 steps done/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export-json]')]);
    const record = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(record.summary, { done: 2, total: 2101 });
    assert.equal(record.steps.length, 2101);
    assert.deepEqual(
      record.steps.filter((step) => step.done).map((step) => [step.key, step.text, step.page]),
      [
        ['alpha/p1#s1', 'Do alpha 1.1', 'alpha page 1'],
        ['gamma/p1#s5', 'Do gamma 1.5', 'gamma page 1'],
      ],
    );
    assert.ok(record.steps.every((step) => step.text), 'every step has its text');
    assert.equal(record.steps[0].key, '_index#read');
    assertClean(log);
  });
});
