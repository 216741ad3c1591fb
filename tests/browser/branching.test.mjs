// Procedures that branch, read in a real browser (issue 12): the reader's
// answers (panel, link, other tabs), steps that do not apply (marked or
// hidden, never counted), alternatives counted once, optional steps never
// counted, statuses in words, the confirmation before an irreversible step,
// the notice on a step changed since it was ticked, the completion record,
// no JavaScript, a strict CSP and axe-core. Uses a small Chinese fixture
// site written here, with two questions.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  buildSite,
  launch,
  newContext,
  openPage,
  serve,
  seriousAxeViolations,
  tempDir,
  waitReady,
  watch,
  writeSite,
} from './support.mjs';

const SITE_TOML = `title = "分支测试指南"
language = "zh-CN"

[[roles]]
id = "employee"
label = "离职员工"
[[roles]]
id = "admin"
label = "管理员"

[[phases]]
id = "before"
label = "离职前"
[[phases]]
id = "after"
label = "离职后"

[[questions]]
id = "account"
label = "离职员工绑定的腾讯云账号是"
answers = [{ id = "main", label = "主账号" }, { id = "sub", label = "子账号" }]

[[questions]]
id = "verified"
label = "该账号是否已完成实名认证"
answers = [{ id = "yes", label = "已实名认证" }, { id = "no", label = "未实名认证" }]
`;

// unbind: 3 counted steps with no answer (phone, main, sub), 2 for either
// account type; one optional step.
const UNBIND = `+++
title = "解绑联系方式"
weight = 10
role = "employee"
phase = "before"

[steps.main-contacts]
when = { account = "main" }

[steps.sub-contacts]
when = { account = "sub" }

[steps.keep-copy]
optional = true
+++

- [ ] 解绑个人手机号 {#unbind-phone}
- [ ] 修改主账号的联系方式 {#main-contacts}
- [ ] 确认子账号的安全手机仍可接收验证码 {#sub-contacts}
- [ ] 另存一份联系方式清单 {#keep-copy}
`;

// cancel (sub-accounts only): the identity choice (1 unit), the
// irreversible request (needs the choice) and the admin's confirmation.
const CANCEL = `+++
title = "注销子账号"
weight = 20
role = "employee"
phase = "after"
when = { account = "sub" }

[steps.face-check]
choice = "identity"

[steps.id-photos]
choice = "identity"
when = { verified = "yes" }

[steps.cancel-request]
irreversible = true
requires = ["face-check"]

[steps.admin-confirm]
role = "admin"
requires = ["cancel-request"]
+++

- [ ] 通过微信扫码完成人脸识别 {#face-check}
- [ ] 上传身份证正反面照片 {#id-photos}
- [ ] 提交注销申请 {#cancel-request}
- [ ] 确认该子账号已注销 {#admin-confirm}
`;

const FILES = {
  'site.toml': SITE_TOML,
  'content/_index.md': '+++\ntitle = "分支测试指南"\n+++\n\n按您的情况完成以下步骤。\n',
  'content/unbind.md': UNBIND,
  'content/cancel.md': CANCEL,
  'content/about.md': '+++\ntitle = "关于本指南"\nweight = 30\n+++\n\n没有步骤的页面。\n',
};

let root;
let output;
let server;
let browser;

before(async () => {
  root = writeSite(FILES);
  output = buildSite({ root });
  server = await serve(output);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const url = (relative) => server.url + relative;
const text = (page, selector) => page.locator(selector).first().innerText();
const storageKey = () => {
  const manifest = fs.readFileSync(`${output}/checklist/steps.js`, 'utf8');
  return `offboard-site:${/"site":"([0-9a-f]+)"/.exec(manifest)[1]}`;
};
const saved = async (page) => JSON.parse(await page.evaluate((key) => localStorage.getItem(key), storageKey()));
const state = (page, id) => page.locator(`#${id} > .step-head > .step-state`).getAttribute('data-state');
const figure = (page) => text(page, '.progress-figure');

/** Asserts that nothing went wrong on the page and nothing left the machine. */
function assertClean(log) {
  assert.deepEqual(log.errors, [], 'no console errors');
  assert.deepEqual(log.failed, [], 'no failed requests');
  assert.deepEqual(log.foreign, [], 'no requests to other hosts');
}

describe('the reader\'s answers', () => {
  test('the home page asks, the answer is kept with the progress, and steps that do not apply say so', async () => {
    const { context, page, log } = await openPage(browser, url('index.html'));
    const panel = page.getByRole('region', { name: '您的情况' });
    assert.equal(await panel.isVisible(), true);
    const account = panel.getByRole('group', { name: '离职员工绑定的腾讯云账号是' });
    assert.equal(await account.getByRole('radio', { name: '不确定' }).isChecked(), true);
    assert.equal(await panel.getByRole('group', { name: '该账号是否已完成实名认证' }).isVisible(), true);
    assert.match(await figure(page), /已完成 0\/6 个步骤/);

    // Keyboard: the radios of one question are one tab stop, arrows move.
    await account.getByRole('radio', { name: '不确定' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await account.getByRole('radio', { name: '子账号' }).isChecked(), true);
    assert.match(await figure(page), /已完成 0\/5 个步骤/);
    const record = await saved(page);
    assert.equal(record.v, 2);
    assert.deepEqual(record.answers, { account: 'sub' });
    await page.waitForFunction(() => document.querySelector('[role="status"]').textContent.includes('已按您的回答更新步骤'));

    // A page whose steps depend on the answers asks only what they depend on.
    await page.goto(url('unbind/index.html'));
    await waitReady(page);
    const here = page.getByRole('region', { name: '您的情况' });
    assert.equal(await here.getByRole('radio', { name: '子账号' }).isChecked(), true, 'remembered');
    // (The panel's <details>, folded on a phone, is a group too: count the questions.)
    assert.equal(await here.locator('fieldset[data-question]').count(), 1);
    assert.equal(await state(page, 'main-contacts'), 'na');
    assert.equal(await text(page, '#main-contacts .step-state'), '不适用');
    assert.equal(await state(page, 'sub-contacts'), 'todo');
    assert.equal(await text(page, '#sub-contacts .step-state'), '待完成');
    assert.match(await figure(page), /已完成 0\/2 个步骤/);
    assert.match(await text(page, '.progress-status'), /本页状态：\s*待完成/);

    // The one "hide" setting hides them instead.
    await page.getByLabel('隐藏不适用于我的步骤').check();
    assert.equal(await page.locator('#main-contacts').isVisible(), false);
    assert.equal(await page.locator('#sub-contacts').isVisible(), true);

    // Changeable at any time: "not sure" shows everything again.
    await here.getByRole('radio', { name: '不确定' }).check();
    assert.equal(await page.locator('#main-contacts').isVisible(), true);
    assert.equal(await state(page, 'main-contacts'), 'todo');
    assert.match(await figure(page), /已完成 0\/3 个步骤/);
    assert.deepEqual((await saved(page)).answers, {});

    // A page with no conditions has no panel.
    await page.goto(url('about/index.html'));
    await waitReady(page);
    assert.equal(await page.locator('[data-answers]').count(), 0);
    assertClean(log);
    await context.close();
  });

  test('answers sync across open tabs like the ticks', async () => {
    const { context, log } = await newContext(browser);
    const first = await context.newPage();
    const second = await context.newPage();
    watch(first, log);
    await first.goto(url('unbind/index.html'));
    await second.goto(url('checklist/index.html'));
    await waitReady(first);
    await waitReady(second);
    await first.getByRole('radio', { name: '主账号' }).check();
    await second.waitForFunction(() => document.querySelector('input[name="answer-account"][value="main"]').checked);
    assert.match(await figure(second), /已完成 0\/2 个步骤/);
    assert.equal(await state(second, 'cancel--cancel-request'), 'na');
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('a link sets answers and role; unknown values are ignored and the address is cleaned', async () => {
    const { context, page, log } = await openPage(
      browser,
      url('cancel/index.html?account=sub&verified=maybe&role=admin&colour=red#admin-confirm'),
    );
    assert.equal(await page.getByRole('radio', { name: '子账号' }).isChecked(), true);
    assert.equal(await page.getByRole('radio', { name: '管理员' }).isChecked(), true);
    const record = await saved(page);
    assert.deepEqual(record.answers, { account: 'sub' });
    assert.equal(record.role, 'admin');
    assert.match(page.url(), /cancel\/index\.html\?colour=red#admin-confirm$/);
    // An administrator's view: only their own step counts here.
    assert.match(await figure(page), /已完成 0\/1 个步骤/);
    assert.equal(await state(page, 'face-check'), 'na');

    // A link for the other path: the whole page does not apply.
    await page.goto(url('cancel/index.html?account=main&role=nobody'));
    await waitReady(page);
    assert.equal(await page.getByRole('radio', { name: '主账号' }).isChecked(), true);
    assert.equal((await saved(page)).role, 'admin', 'an unknown role is ignored');
    assert.match(await text(page, '.progress-status'), /本页状态：\s*不适用/);
    assert.equal(await page.locator('li.step .step-state[data-state="na"]').count(), 4);
    assert.equal(await text(page, '.site-nav a[data-key="cancel"] .nav-progress'), '不适用', 'the sidebar says so too');
    assert.equal(await figure(page), '这里没有管理员的步骤');
    assertClean(log);
    await context.close();
  });
});

describe('counting', () => {
  test('alternatives count once, optional steps never, and both paths reach 100 %', async () => {
    const { context, page, log } = await openPage(browser, url('unbind/index.html?account=sub'));
    assert.match(await figure(page), /已完成 0\/2 个步骤/);
    await page.check('#step-keep-copy');
    assert.match(await figure(page), /已完成 0\/2 个步骤/, 'optional: not counted');
    assert.equal(await state(page, 'keep-copy'), 'done');
    await page.check('#step-unbind-phone');
    await page.check('#step-sub-contacts');
    assert.match(await figure(page), /已全部完成 · 2\/2/);
    assert.match(await text(page, '.progress-status'), /已完成/);

    await page.goto(url('cancel/index.html'));
    await waitReady(page);
    assert.match(await figure(page), /已完成 0\/3 个步骤/);
    assert.match(await text(page, '.progress-status'), /待完成/);
    await page.check('#step-id-photos');
    assert.match(await figure(page), /已完成 1\/3 个步骤/);
    assert.equal(await state(page, 'face-check'), 'other', 'the other way is not needed');
    assert.equal(await text(page, '#face-check .step-state'), '已选其他做法');
    assert.equal(await page.locator('#cancel-request > .step-notice').count(), 0, 'a requirement naming a choice member is met by any member');
    await page.check('#step-face-check');
    assert.match(await figure(page), /已完成 1\/3 个步骤/, 'the group still counts once');
    await page.check('#step-cancel-request');
    await page.check('#step-admin-confirm');
    assert.match(await figure(page), /已全部完成 · 3\/3/);
    assert.match(await text(page, '.progress-chips'), /5\/5/, 'the whole guide too');

    // The sidebar and the overview agree.
    await page.goto(url('checklist/index.html'));
    await waitReady(page);
    assert.match(await figure(page), /已全部完成 · 5\/5/);
    assert.equal(await page.locator('.site-nav a[data-key="cancel"] [aria-hidden="true"]').innerText(), '3/3');

    // The main-account path: the cancellation page does not count at all.
    await page.getByRole('radio', { name: '主账号' }).check();
    assert.match(await figure(page), /已完成 1\/2 个步骤/);
    await page.check('#check--unbind--main-contacts');
    assert.match(await figure(page), /已全部完成 · 2\/2/);
    assertClean(log);
    await context.close();
  });

  test('statuses in words: cannot start yet (with short links), to do, done, not applicable', async () => {
    const { context, page } = await openPage(browser, url('cancel/index.html'));
    assert.equal(await state(page, 'face-check'), 'todo');
    const notice = page.locator('#cancel-request > .step-notice');
    assert.match(await notice.innerText(), /尚不能开始/);
    assert.equal(await notice.getByRole('link').getAttribute('href'), '#face-check');
    assert.match(await notice.innerText(), /通过微信扫码完成人脸识别（或其替代做法）/);
    assert.match(await text(page, '#admin-confirm > .step-notice'), /请先完成：提交注销申请/);
    assert.match(await text(page, '.progress-status'), /待完成/);

    // The overview says each page's status.
    await page.goto(url('checklist/index.html'));
    await waitReady(page);
    const pageStates = await page.locator('.checklist-page-title .page-state').allInnerTexts();
    assert.deepEqual(pageStates, ['待完成', '待完成']);
    await context.close();
  });
});

describe('irreversible steps', () => {
  test('ticking one with requirements open asks first; declining leaves it unticked', async () => {
    const { context, page, log } = await openPage(browser, url('cancel/index.html?account=sub'));
    await page.click('#step-cancel-request');
    const dialog = page.getByRole('dialog', { name: '此步骤无法撤销' });
    assert.equal(await dialog.isVisible(), true);
    assert.match(await dialog.innerText(), /“提交注销申请”完成后无法撤销.*通过微信扫码完成人脸识别/s);
    await dialog.getByRole('button', { name: '取消' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    assert.equal(await page.locator('#step-cancel-request').isChecked(), false);
    assert.equal((await saved(page)).done['cancel#cancel-request'], undefined);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'step-cancel-request', 'focus returns');

    // Escape declines too.
    await page.keyboard.press('Space');
    assert.equal(await dialog.isVisible(), true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    assert.equal(await page.locator('#step-cancel-request').isChecked(), false);

    await page.click('#step-cancel-request');
    await dialog.getByRole('button', { name: '确认已完成' }).click();
    await page.waitForFunction(() => document.querySelector('#step-cancel-request').checked);
    assert.ok((await saved(page)).done['cancel#cancel-request']);

    // With its requirements done it ticks at once.
    await page.uncheck('#step-cancel-request');
    await page.check('#step-face-check');
    await page.check('#step-cancel-request');
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await page.locator('#step-cancel-request').isChecked(), true);
    assertClean(log);
    await context.close();
  });
});

describe('a step changed since it was ticked', () => {
  test('says so after a rebuild with a new text, and can be confirmed again', async (t) => {
    const siteRoot = writeSite(FILES);
    const out = tempDir();
    buildSite({ root: siteRoot, output: out });
    const local = await serve(out);
    t.after(() => local.close());
    const { context, page, log } = await openPage(browser, `${local.url}unbind/index.html`);
    t.after(() => context.close());
    await page.check('#step-unbind-phone');
    await page.check('#step-main-contacts');
    const before = await page.locator('#unbind-phone').getAttribute('data-hash');
    const key = await page.evaluate(() => Object.keys(localStorage)[0]);
    const first = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key));
    assert.equal(first.hashes['unbind#unbind-phone'], before);

    const file = path.join(siteRoot, 'content/unbind.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('解绑个人手机号', '解绑个人手机号（含备用手机号）'));
    buildSite({ root: siteRoot, output: out });
    await page.reload();
    await waitReady(page);
    assert.notEqual(await page.locator('#unbind-phone').getAttribute('data-hash'), before);
    const notice = page.locator('#unbind-phone > .step-changed');
    assert.match(await notice.innerText(), /此步骤在您勾选后已更新/);
    assert.equal(await page.locator('#main-contacts > .step-changed').count(), 0, 'only the changed step');
    assert.equal(await page.locator('#step-unbind-phone').isChecked(), true, 'still ticked');
    await notice.getByRole('button', { name: '已阅读，仍算完成' }).click();
    assert.equal(await notice.count(), 0);
    await page.reload();
    await waitReady(page);
    assert.equal(await page.locator('.step-changed').count(), 0, 'confirmed for good');
    assertClean(log);
  });

  test('an earlier record (version 1, no hashes) keeps its ticks and adopts the current texts silently', async () => {
    const { context, page, log } = await openPage(browser, url('unbind/index.html'));
    const record = {
      v: 1,
      done: { 'unbind#unbind-phone': '2024-05-01T08:00:00.000Z', 'unbind#gone': '2024-05-01T08:00:00.000Z' },
      role: 'employee',
      hide: false,
      name: '王五',
    };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storageKey(), JSON.stringify(record)]);
    await page.reload();
    await waitReady(page);
    assert.equal(await page.locator('#step-unbind-phone').isChecked(), true);
    assert.equal(await page.locator('.step-changed').count(), 0);
    const now = await saved(page);
    assert.equal(now.v, 2);
    assert.deepEqual(now.done, { 'unbind#unbind-phone': '2024-05-01T08:00:00.000Z' });
    assert.equal(now.hashes['unbind#unbind-phone'], await page.locator('#unbind-phone').getAttribute('data-hash'));
    assert.equal(now.role, 'employee');
    assert.equal(now.name, '王五');
    assert.deepEqual(log.warnings, []);
    assertClean(log);
    await context.close();
  });
});

describe('the completion record', () => {
  test('gives the role and answers, alternatives as such, optional marked, and what does not apply apart', async () => {
    const { context, page } = await openPage(browser, url('checklist/index.html?account=sub&role=employee'));
    await page.evaluate(() => (window.print = () => {}));
    await page.check('#check--cancel--id-photos');
    await page.check('#check--unbind--keep-copy');
    await page.getByRole('button', { name: '打印完成记录' }).click();
    const record = page.getByRole('region', { name: '完成记录' });
    const shown = await record.innerText();
    assert.match(shown, /角色\s+离职员工/);
    assert.match(shown, /离职员工绑定的腾讯云账号是\s+子账号/);
    assert.match(shown, /该账号是否已完成实名认证\s+未回答/);
    assert.match(shown, /已完成 1\/4 个步骤/);
    assert.match(shown, /上传身份证正反面照片（任选其一：通过微信扫码完成人脸识别 或 上传身份证正反面照片）/);
    assert.match(shown, /另存一份联系方式清单（可选）/);
    assert.match(shown, /尚未完成的步骤（3）/);
    assert.match(shown, /不适用的步骤（2）/);
    const naTable = record.locator('table').nth(2);
    assert.match(await naTable.innerText(), /修改主账号的联系方式\s+解绑联系方式\s+离职员工绑定的腾讯云账号是：主账号/);
    assert.match(await naTable.innerText(), /确认该子账号已注销\s+注销子账号\s+角色：管理员/);
    await context.close();
  });
});

describe('without JavaScript, under a strict CSP, and for assistive technology', () => {
  test('without JavaScript every step reads fully with its condition, alternatives, optional and irreversible in words', async () => {
    const { context, page } = await openPage(browser, url('cancel/index.html'), { javaScriptEnabled: false });
    assert.equal(await page.locator('li.step:visible').count(), 4);
    const body = await page.locator('main').innerText();
    assert.match(body, /子账号/);
    assert.match(body, /任选其一/);
    assert.match(body, /不可撤销/);
    assert.match(await text(page, '#id-photos'), /或/);
    assert.match(await text(page, '#id-photos'), /已实名认证/);
    // The answers panel is in the page already, waiting for the script.
    assert.equal(await page.locator('[data-answers] fieldset[disabled]').count(), 2, 'both questions matter here');
    await page.goto(url('unbind/index.html'));
    assert.match(await text(page, '#keep-copy'), /可选/);
    assert.match(await text(page, '#main-contacts'), /仅主账号/);
    await context.close();
  });

  test('the answers panel does not move the page when the script starts', async () => {
    const positions = [];
    for (const javaScriptEnabled of [false, true]) {
      const { context, page } = await openPage(browser, url('index.html'), { javaScriptEnabled });
      positions.push(await page.locator('[data-answers]').evaluate((node) => {
        const box = node.getBoundingClientRect();
        return [Math.round(box.height), node.querySelectorAll('fieldset').length];
      }));
      if (javaScriptEnabled) assert.equal(await page.locator('[data-answers] fieldset:disabled').count(), 0);
      await context.close();
    }
    assert.deepEqual(positions[0], positions[1]);
  });

  test('every page works under script-src \'self\' with no console errors', async () => {
    const { context, page, log } = await openPage(browser, url('index.html?account=sub'));
    for (const relative of ['unbind/index.html', 'cancel/index.html', 'about/index.html', 'checklist/index.html']) {
      await page.goto(url(relative));
      await waitReady(page);
      if (await page.locator('li.step').count()) await page.click('li.step .step-check');
    }
    assertClean(log);
    await context.close();
  });

  test('axe-core finds nothing serious or critical, answered or not, dialog open or not', async () => {
    for (const relative of ['index.html', 'unbind/index.html?account=sub', 'cancel/index.html', 'checklist/index.html?account=main']) {
      const { context, page } = await openPage(browser, url(relative), { bypassCSP: true });
      assert.deepEqual(await seriousAxeViolations(page), [], relative);
      if (relative.startsWith('cancel')) {
        await page.check('#step-face-check');
        await page.uncheck('#step-face-check');
        await page.click('#step-cancel-request');
        assert.deepEqual(await seriousAxeViolations(page), [], 'with the dialog open');
      }
      await context.close();
    }
  });
});

describe('the overview and print', () => {
  test('the overview says alternatives, optional, irreversible and conditions in words, and counts a choice once', async () => {
    const { context, page, log } = await openPage(browser, url('checklist/index.html?account=sub&role=employee'));
    assert.match(await text(page, '#cancel--face-check'), /任选其一/);
    assert.match(await text(page, '#cancel--id-photos .step-or'), /^或$/);
    assert.match(await text(page, '#cancel--id-photos'), /适用\s*仅子账号，且已实名认证/);
    assert.match(await text(page, '#unbind--keep-copy .step-optional'), /^可选$/);
    assert.match(await text(page, '#cancel--cancel-request'), /不可撤销\s*此操作完成后无法撤销/);
    assert.match(await text(page, '#unbind--main-contacts'), /仅主账号/);
    assert.equal(await state(page, 'unbind--main-contacts'), 'na', 'its condition is read from the overview\'s own markup too');

    // unbind: phone + sub-contacts; cancel: the identity choice + the request (the admin's is another role's).
    assert.match(await figure(page), /已完成 0\/4 个步骤/);
    await page.check('#check--cancel--id-photos');
    assert.match(await figure(page), /已完成 1\/4 个步骤/);
    assert.equal(await state(page, 'cancel--face-check'), 'other');
    await page.check('#check--cancel--face-check');
    await page.check('#check--unbind--keep-copy');
    assert.match(await figure(page), /已完成 1\/4 个步骤/, 'a choice counts once, an optional step never');

    // The irreversible step asks first here too while its requirement is open.
    await page.uncheck('#check--cancel--face-check');
    await page.uncheck('#check--cancel--id-photos');
    await page.click('#check--cancel--cancel-request');
    const dialog = page.getByRole('dialog', { name: '此步骤无法撤销' });
    assert.equal(await dialog.isVisible(), true);
    await dialog.getByRole('button', { name: '取消' }).click();
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    assert.equal(await page.locator('#check--cancel--cancel-request').isChecked(), false);
    assertClean(log);
    await context.close();
  });

  test('without JavaScript the overview says the same words', async () => {
    const { context, page } = await openPage(browser, url('checklist/index.html'), { javaScriptEnabled: false });
    assert.match(await text(page, '#cancel--face-check'), /任选其一/);
    assert.match(await text(page, '#cancel--id-photos'), /或[\s\S]*仅子账号，且已实名认证/);
    assert.match(await text(page, '#unbind--keep-copy'), /可选/);
    assert.match(await text(page, '#cancel--cancel-request'), /不可撤销\s*此操作完成后无法撤销/);
    await context.close();
  });

  test('print keeps the words of alternatives, optional and irreversible steps and conditions', async () => {
    for (const [relative, prefix] of [['checklist/index.html', 'cancel--'], ['cancel/index.html', '']]) {
      const { context, page } = await openPage(browser, url(relative));
      await page.emulateMedia({ media: 'print' });
      for (const selector of [
        `#${prefix}face-check .step-alt-intro`,
        `#${prefix}id-photos .step-or`,
        `#${prefix}cancel-request .step-irreversible`,
        `#${prefix}cancel-request .step-irreversible-text`,
        `#${prefix}id-photos .step-when`,
      ]) {
        assert.equal(await page.locator(selector).isVisible(), true, `${relative}: ${selector} prints`);
      }
      if (prefix) assert.equal(await page.locator('#unbind--keep-copy .step-optional').isVisible(), true, 'optional prints');
      assert.match(await page.locator('main').innerText(), /任选其一[\s\S]*或[\s\S]*不可撤销[\s\S]*此操作完成后无法撤销/);
      await context.close();
    }
  });
});

describe('a site split over 2,000 steps', () => {
  // The fixture with 3 × 700 steps of filler in a section of their own
  // (no phase, no role), and the fixture alone: every figure of the
  // fixture's pages must come out the same from the split summary as from
  // the whole manifest, for every answer, role and tick tried.
  function filler() {
    const files = { 'content/filler/_index.md': '+++\ntitle = "填充"\nweight = 90\n+++\n' };
    for (let p = 0; p < 3; p += 1) {
      const steps = Array.from({ length: 700 }, (_, s) => `- [ ] 填充步骤 ${p}.${s} {#s${s}}`).join('\n');
      files[`content/filler/p${p}.md`] = `+++\ntitle = "填充 ${p}"\nweight = ${p}\n+++\n\n${steps}\n`;
    }
    return files;
  }
  const SPECS = ['unbind@*', 'cancel@*', 'unbind', 'cancel', '@before', '@after', 'unbind@before', 'cancel@after', 'checklist'];
  const CASES = [
    { answers: {}, role: '', done: [] },
    { answers: { account: 'main' }, role: '', done: ['unbind#main-contacts', 'unbind#keep-copy'] },
    { answers: { account: 'sub' }, role: '', done: ['cancel#id-photos'] },
    { answers: { account: 'sub', verified: 'no' }, role: 'employee', done: ['cancel#id-photos', 'cancel#face-check', 'unbind#keep-copy'] },
    { answers: { account: 'sub', verified: 'yes' }, role: 'admin', done: ['cancel#face-check', 'cancel#cancel-request', 'cancel#admin-confirm'] },
    { answers: { verified: 'yes' }, role: 'employee', done: ['unbind#unbind-phone', 'unbind#sub-contacts', 'cancel#face-check', 'cancel#cancel-request'] },
  ];

  /** Every case's figures and page statuses, read on `address` from the scripts' own counting. */
  async function figures(address) {
    const { context, log } = await newContext(browser);
    const tab = await context.newPage();
    watch(tab, log);
    await tab.addInitScript(() => {
      window.offboard = { extensions: [(api) => (window.offboardTest = api)] };
    });
    await tab.goto(address);
    await waitReady(tab);
    const results = await tab.evaluate(
      ([cases, specs]) =>
        cases.map(({ answers, role, done }) => {
          const api = window.offboardTest;
          api.store.reset();
          api.store.setAnswers(answers);
          api.store.setRole(role);
          done.forEach((key) => api.store.setDone(key, true, ''));
          return {
            tallies: specs.map((spec) => api.tally(spec)),
            states: ['unbind', 'cancel'].map((key) => api.pageStatus(key)),
          };
        }),
      [CASES, SPECS],
    );
    assertClean(log);
    await context.close();
    return results;
  }

  test('counts answers, alternatives and optional steps from the summary exactly as from the whole manifest', async (t) => {
    const whole = writeSite(FILES);
    const split = writeSite({ ...FILES, ...filler() });
    const [wholeOut, splitOut] = [buildSite({ root: whole }), buildSite({ root: split })];
    assert.ok(fs.readFileSync(`${splitOut}/checklist/steps.js`, 'utf8').includes('"parts":'), 'the large one is split');
    assert.ok(!fs.readFileSync(`${wholeOut}/checklist/steps.js`, 'utf8').includes('"parts":'), 'the small one is not');
    const [wholeServer, splitServer] = [await serve(wholeOut), await serve(splitOut)];
    t.after(() => Promise.all([wholeServer.close(), splitServer.close()]));
    // Pages without the fixture's steps in their markup: only the manifest counts.
    const expected = await figures(`${wholeServer.url}about/index.html`);
    const actual = await figures(`${splitServer.url}filler/p0/index.html`);
    // Known values first, so that agreement cannot come from both being wrong alike.
    assert.deepEqual(expected[1].tallies[1], { done: 0, total: 0, listed: 4 }, 'main account: cancellation does not apply');
    assert.deepEqual(expected[2].tallies[1], { done: 1, total: 3, listed: 4 }, 'sub-account: the identity choice counts once');
    assert.deepEqual(expected[3].tallies[0], { done: 0, total: 2, listed: 4 }, 'optional keep-copy never counts');
    CASES.forEach((example, at) => {
      const [mine, theirs] = [actual[at], expected[at]];
      const total = mine.tallies.pop();
      const wholeTotal = theirs.tallies.pop();
      assert.deepEqual(mine, theirs, `case ${JSON.stringify(example)}`);
      // The whole guide differs by the filler alone, which applies to everyone.
      assert.deepEqual(
        { done: total.done, total: total.total - 2100, listed: total.listed - 2100 },
        wholeTotal,
        `whole guide, case ${JSON.stringify(example)}`,
      );
    });

    // And the split overview shows it: a part's figure, with no step of it in its markup.
    const { context, page, log } = await openPage(browser, `${splitServer.url}checklist/index.html?account=main`);
    assert.equal(await page.locator('li.step').count(), 0);
    assert.equal(await page.locator('.checklist-part[data-part-for="cancel@after"]').isVisible(), true);
    assert.equal(await page.locator('.checklist-part[data-part-for="cancel@after"] [data-progress-for]').innerText(), '');
    await page.getByRole('radio', { name: '子账号' }).check();
    assert.equal(
      await page.locator('.checklist-part[data-part-for="cancel@after"] [data-progress-for] [aria-hidden="true"]').innerText(),
      '0/3',
    );
    assertClean(log);
    await context.close();
  });
});
