// Screenshots of the bundled guide's two paths for looking at them as a
// reader would: the home page and the sub-account cancellation page, with
// the account-type question answered "主账号" and "子账号", on a phone
// (390×844) and a desktop (1280×800). Not a test; run it by hand after
// `cargo build`:
//
//   node tests/browser/screenshots-paths.mjs [OUTPUT-FOLDER]   (default /tmp/offboard-paths)

import fs from 'node:fs';
import path from 'node:path';

import { buildSite, launch, openPage, serve } from './support.mjs';

const outDir = path.resolve(process.argv[2] || '/tmp/offboard-paths');
fs.mkdirSync(outDir, { recursive: true });

const pages = { home: 'index.html', cancel: 'cancel-account/index.html', unbind: 'before-leaving/unbind-contacts/index.html' };
const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const paths = { main: 'account=main', sub: 'account=sub&verified=yes' };

const site = buildSite();
const server = await serve(site);
const browser = await launch();
try {
  for (const [size, viewport] of Object.entries(viewports)) {
    for (const [name, query] of Object.entries(paths)) {
      const { context, page } = await openPage(browser, `${server.url}index.html?${query}`, {
        viewport,
        locale: 'zh-CN',
      });
      for (const [pageName, url] of Object.entries(pages)) {
        await page.goto(server.url + url);
        await page.waitForSelector('body.checklist-ready', { state: 'attached' });
        for (const full of [false, true]) {
          const file = path.join(outDir, `${pageName}-${name}-${size}${full ? '-full' : ''}.png`);
          await page.screenshot({ path: file, fullPage: full });
          console.log(file);
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
